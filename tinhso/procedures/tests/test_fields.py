"""Every kind of form field in the registry cleans an answer and draws its input;
a definition naming a kind the registry does not know is refused when loaded."""

import datetime

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.errors import ValidationFailed
from tinhso.procedures import services
from tinhso.procedures.fields import FIELD_TYPES, clean_value, form_field, in_form
from tinhso.procedures.schema import FieldDef, ProcedureDefinition

TODAY = datetime.date(2026, 6, 15)
WARD = "22222"

# Per kind: the field's extra settings, a good answer and its cleaned value, a wrong answer.
SAMPLES = {
    "text": ({}, "  Nguyễn Văn A ", "Nguyễn Văn A", 12),
    "textarea": ({"max_length": 5}, "ngắn", "ngắn", "dài hơn năm"),
    "date": ({"name": "ngay_sinh"}, "1990-05-12", "1990-05-12", "2099-01-01"),
    "number": ({"min": 0, "max": 10}, "2,5", 2.5, "11"),
    "select": ({"choices": ["A1", "B2"]}, "B2", "B2", "C"),
    "checkbox": ({}, "on", True, "có lẽ"),
    "email": ({}, " a@example.vn ", "a@example.vn", "không phải thư"),
    "phone": ({}, "0912 345 678", "0912345678", "12345"),
    "cccd": ({}, "001090123456", "001090123456", "00109012345x"),
    "unit": ({}, WARD, WARD, "99999"),
    "file": ({}, "giay.pdf", "giay.pdf", None),
}


def field_of(kind: str) -> FieldDef:
    extra = dict(SAMPLES[kind][0])
    return FieldDef(**{"name": f"truong_{kind}", "label": f"Trường {kind}", "type": kind, **extra})


def clean(field: FieldDef, raw):
    return clean_value(field, raw, today=TODAY, unit_exists=lambda code: code == WARD)


def test_every_kind_in_the_registry_has_a_sample():
    assert set(SAMPLES) == set(FIELD_TYPES)


@pytest.mark.parametrize("kind", sorted(FIELD_TYPES))
def test_every_kind_cleans_a_good_answer_and_refuses_a_wrong_one(kind):
    _extra, good, cleaned, wrong = SAMPLES[kind]
    field = field_of(kind)
    assert clean(field, good) == cleaned
    if wrong is not None:
        with pytest.raises(ValueError) as refused:
            clean(field, wrong)
        assert str(refused.value)  # a message for the person who typed it


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(FIELD_TYPES))
def test_every_kind_draws_its_input(kind):
    field = field_of(kind)
    drawn = form_field(field)
    assert isinstance(drawn, forms.Field)
    assert (drawn.label, drawn.required) == (field.label, False)
    form = forms.Form()
    form.fields[field.name] = drawn
    drawn_html = str(form[field.name])
    if kind == "date":  # day / month / year, three boxes
        assert all(f'name="{field.name}_{n}"' in drawn_html for n in range(3))
    else:
        assert f'name="{field.name}"' in drawn_html


def test_only_a_file_is_answered_outside_the_form():
    assert [kind for kind in FIELD_TYPES if not in_form(field_of(kind))] == ["file"]


@given(
    kind=st.sampled_from(sorted(FIELD_TYPES)),
    raw=st.one_of(st.text(), st.integers(), st.booleans(), st.none()),
)
def test_any_answer_is_cleaned_or_refused_with_a_message(kind, raw):
    try:
        clean(field_of(kind), raw)
    except ValueError as refused:
        assert str(refused)


def test_an_unknown_kind_is_refused_when_a_procedure_is_loaded():
    raw = {
        "code": "1.000001", "name": "Thủ tục thử", "sector": "tu-phap", "agency": "STP",
        "level": "province", "online_level": "full", "processing_days": 3,
        "fields": [{"name": "ma_so", "label": "Mã số", "type": "barcode"}],
    }  # fmt: skip
    with pytest.raises(ValidationFailed, match="fields.0.type"):
        services.parse_definition(raw)
    raw["fields"][0]["type"] = "text"
    assert ProcedureDefinition.model_validate(raw).fields[0].type == "text"
