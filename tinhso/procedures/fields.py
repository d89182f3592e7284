"""The kinds of field a procedure's form may have, one entry each: how an answer is
cleaned (with the Vietnamese message for a wrong one) and how its input is drawn on
the citizen's form. A new kind of field is one entry in `FIELD_TYPES`; the
definition's `type` accepts exactly the names listed here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tinhso.core.identity import InvalidIdentifier, parse_personal_id
from tinhso.geo import selectors as geo

if TYPE_CHECKING:
    from .schema import FieldDef


@dataclass(frozen=True)
class Answering:
    """What cleaning an answer may need besides the answer itself."""

    today: datetime.date
    unit_exists: Callable[[str], bool]


Cleaner = Callable[["FieldDef", Any, Answering], Any]
Drawer = Callable[["FieldDef", dict[str, Any]], forms.Field]


def _as_given(_field: FieldDef, raw: Any, _answering: Answering) -> Any:
    return raw


def _plain_input(_field: FieldDef, common: dict[str, Any]) -> forms.Field:
    return forms.CharField(**common)


def _input(widget: type[forms.Widget], **attrs: Any) -> Drawer:
    """A text box drawn with `widget` and these HTML attributes."""

    def draw(_field: FieldDef, common: dict[str, Any]) -> forms.Field:
        return forms.CharField(widget=widget(attrs=dict(attrs)), **common)

    return draw


@dataclass(frozen=True)
class FieldType:
    clean: Cleaner = _as_given
    draw: Drawer = _plain_input
    # False: answered by an uploaded paper, not in the form's data.
    in_form: bool = True


# ---------------------------------------------------------------- cleaning


def _text_of_at_most(default_limit: int) -> Cleaner:
    def clean(field: FieldDef, raw: Any, _answering: Answering) -> str:
        if not isinstance(raw, str):
            raise ValueError(_("Phải là chuỗi ký tự."))
        value = raw.strip()
        limit = field.max_length or default_limit
        if len(value) > limit:
            raise ValueError(_("Tối đa %(n)s ký tự.") % {"n": limit})
        return value

    return clean


def _parse_date(raw: Any) -> datetime.date:
    """A date given as ISO (the API, a saved draft) or as day/month/year (the form's
    three boxes, or typed "15/3/2020")."""
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw).strip()
    parts = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", text)
    if parts:
        day, month, year = (int(p) for p in parts.groups())
        return datetime.date(year, month, day)
    return datetime.date.fromisoformat(text)


def _clean_date(field: FieldDef, raw: Any, answering: Answering) -> str:
    try:
        value = _parse_date(raw)
    except ValueError as exc:
        raise ValueError(
            _("Nhập ngày, tháng, năm có thật, ví dụ 15 3 2020 (ngày 15 tháng 3 năm 2020).")
        ) from exc
    if field.refuses_future and value > answering.today:
        raise ValueError(
            _("Ngày không được sau hôm nay (%(today)s).")
            % {"today": answering.today.strftime("%d/%m/%Y")}
        )
    if value.year < 1900:
        raise ValueError(_("Năm phải từ 1900 trở đi."))
    return value.isoformat()


def _clean_number(field: FieldDef, raw: Any, _answering: Answering) -> int | float:
    if isinstance(raw, bool):
        raise ValueError(_("Phải là một số."))
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(_("Phải là một số.")) from exc
    if not value.is_finite():
        raise ValueError(_("Phải là một số."))
    if field.min is not None and value < Decimal(str(field.min)):
        raise ValueError(_("Không được nhỏ hơn %(n)s.") % {"n": field.min})
    if field.max is not None and value > Decimal(str(field.max)):
        raise ValueError(_("Không được lớn hơn %(n)s.") % {"n": field.max})
    return int(value) if value == value.to_integral_value() else float(value)


def _clean_choice(field: FieldDef, raw: Any, _answering: Answering) -> Any:
    if raw not in (field.choices or []):
        raise ValueError(_("Chọn một giá trị trong danh sách."))
    return raw


def _clean_checkbox(_field: FieldDef, raw: Any, _answering: Answering) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("on", "true", "1", 1):
        return True
    if raw in ("", "false", "0", 0, None):
        return False
    raise ValueError(_("Phải là có hoặc không."))


def _clean_email(_field: FieldDef, raw: Any, _answering: Answering) -> str:
    value = str(raw).strip()
    try:
        validate_email(value)
    except DjangoValidationError as exc:
        raise ValueError(_("Địa chỉ thư điện tử không hợp lệ.")) from exc
    return value


_PHONE = re.compile(r"^(0|\+84)[0-9]{9}$")


def _clean_phone(_field: FieldDef, raw: Any, _answering: Answering) -> str:
    value = re.sub(r"[\s.\-]", "", str(raw))
    if not _PHONE.match(value):
        raise ValueError(_("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."))
    return value


def _clean_personal_id(_field: FieldDef, raw: Any, answering: Answering) -> str:
    try:
        return parse_personal_id(str(raw), today=answering.today).number
    except InvalidIdentifier as exc:
        raise ValueError(str(exc.message)) from exc


def _clean_unit(_field: FieldDef, raw: Any, answering: Answering) -> str:
    value = str(raw).strip()
    if not answering.unit_exists(value):
        raise ValueError(_("Chọn một phường/xã của tỉnh."))
    return value


# ---------------------------------------------------------------- drawing


def _draw_choices(field: FieldDef, common: dict[str, Any]) -> forms.Field:
    choices = [("", gettext_lazy("— Chọn —"))] + [(c, c) for c in field.choices or []]
    return forms.ChoiceField(choices=choices, **common)


class DateParts(forms.MultiWidget):
    """A date typed as day / month / year, three boxes in one fieldset (the GOV.UK
    date input): no calendar picker, no ISO format to know. Posts `name_0` (day),
    `name_1` (month), `name_2` (year); the value handed on is "d/m/yyyy" (or ISO
    when the three are whole numbers), checked by the field's cleaner."""

    template_name = "procedures/widgets/date_parts.html"
    is_date_parts = True  # includes/form.html draws a fieldset with a legend around it
    part_labels = (
        pgettext_lazy("date part", "Ngày"),
        pgettext_lazy("date part", "Tháng"),
        pgettext_lazy("date part", "Năm"),
    )

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
        super().__init__(
            [
                forms.TextInput(attrs={**box, "maxlength": "2", "class": "date-part"}),
                forms.TextInput(attrs={**box, "maxlength": "2", "class": "date-part"}),
                forms.TextInput(attrs={**box, "maxlength": "4", "class": "date-part-year"}),
            ],
            attrs,
        )

    def decompress(self, value):
        if not value:
            return [None, None, None]
        try:
            day = _parse_date(value)
        except ValueError:
            return [None, None, None]
        return [day.day, day.month, day.year]

    def value_from_datadict(self, data, files, name):
        parts = [str(p or "").strip() for p in super().value_from_datadict(data, files, name)]
        if not any(parts):
            # the API and old links post the date whole under its own name
            return data.get(name, "")
        return "/".join(parts)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, label in zip(context["widget"]["subwidgets"], self.part_labels, strict=True):
            sub["part_label"] = label
        return context


class DateField(forms.CharField):
    """The date's answer as typed (checked on the server by `_clean_date`)."""

    widget = DateParts

    def prepare_value(self, value):
        return value


def _draw_date(_field: FieldDef, common: dict[str, Any]) -> forms.Field:
    return DateField(**common)


def _draw_number(field: FieldDef, common: dict[str, Any]) -> forms.Field:
    attrs: dict[str, Any] = {"inputmode": "decimal"}
    if field.min is not None:
        attrs["min"] = f"{field.min:g}"
    if field.max is not None:
        attrs["max"] = f"{field.max:g}"
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


def _draw_checkbox(_field: FieldDef, common: dict[str, Any]) -> forms.Field:
    return forms.BooleanField(**common)


def _draw_units(_field: FieldDef, common: dict[str, Any]) -> forms.Field:
    wards = geo.units(parent=settings.TINHSO_PROVINCE, level="ward").order_by("name")
    choices = [("", gettext_lazy("— Chọn phường/xã —"))] + [(u.code, u.name) for u in wards]
    return forms.ChoiceField(choices=choices, **common)


FIELD_TYPES: dict[str, FieldType] = {
    "text": FieldType(clean=_text_of_at_most(500)),
    "textarea": FieldType(clean=_text_of_at_most(5000), draw=_input(forms.Textarea, rows=4)),
    "date": FieldType(clean=_clean_date, draw=_draw_date),
    "number": FieldType(clean=_clean_number, draw=_draw_number),
    "select": FieldType(clean=_clean_choice, draw=_draw_choices),
    "checkbox": FieldType(clean=_clean_checkbox, draw=_draw_checkbox),
    "email": FieldType(clean=_clean_email, draw=_input(forms.EmailInput, autocomplete="email")),
    "phone": FieldType(
        clean=_clean_phone, draw=_input(forms.TextInput, type="tel", autocomplete="tel")
    ),
    "cccd": FieldType(
        clean=_clean_personal_id, draw=_input(forms.TextInput, inputmode="numeric", maxlength="12")
    ),
    "unit": FieldType(clean=_clean_unit, draw=_draw_units),
    "file": FieldType(in_form=False),
}


def clean_value(field: FieldDef, raw: Any, *, today: datetime.date, unit_exists) -> Any:
    """The cleaned answer, or raises ValueError with the message for the field."""
    return FIELD_TYPES[field.type].clean(field, raw, Answering(today, unit_exists))


def in_form(field: FieldDef) -> bool:
    """Whether the field is answered in the form (a file is an uploaded paper)."""
    return FIELD_TYPES[field.type].in_form


def form_field(field: FieldDef) -> forms.Field:
    """The Django form field that draws the field's input. Rendering only: the answer
    is checked by `clean_value`, on the server, as for the API."""
    common = {"label": field.label, "required": False, "help_text": field.help}
    return FIELD_TYPES[field.type].draw(field, common)
