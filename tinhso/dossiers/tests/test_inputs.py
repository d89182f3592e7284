"""Each action's input is defined once (inputs.py, named in the transitions table):
the API's body, the officer's form and the action's own checks all come from it."""

import json
import pathlib

import pytest
from pydantic import ValidationError

from tinhso.core.errors import Conflict, ValidationFailed
from tinhso.dossiers import backoffice_views, inputs, workflow
from tinhso.dossiers.api import ActionIn
from tinhso.dossiers.models import Status
from tinhso.testing import act

RULES = list(workflow.TRANSITIONS.values())
OFFICERS = [rule for rule in RULES if workflow.APPLICANT not in rule.roles]

# A body each action accepts (besides the database's and the clock's own checks).
GOOD = {
    "request_supplement": {"items": ["Bản sao giấy khai sinh"]},
    "refuse": {"note": "Không thuộc thẩm quyền"},
    "send_back": {"note": "Thẩm định lại"},
    "forward": {"agency": "STP"},
    "apologize": {"note": "Chờ xác minh", "new_due_date": "2030-01-02"},
    "decline": {"note": "Không đủ điều kiện cấp", "notice": "stop"},
    "rate": {"rating": 4, "comment": "Nhanh"},
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.action)
def test_the_api_body_takes_every_key_of_every_action(rule):
    api = ActionIn.model_json_schema()
    own = rule.inputs.model_json_schema()
    assert not api.get("required")  # what this action needs is the service's check
    for name in rule.inputs.model_fields:
        shape = _shape(own["properties"][name])
        assert _shape(api["properties"][name]) in (shape, {"anyOf": [shape, {"type": "null"}]})
    good = GOOD.get(rule.action, {})
    assert inputs.parse(rule.inputs, good)  # the service takes it …
    ActionIn.model_validate(good)  # … and so does the API


def _shape(schema: dict) -> dict:
    return {k: v for k, v in schema.items() if k not in {"title", "default"}}


def test_the_api_body_is_the_union_of_the_actions_and_nothing_else():
    taken = {name for rule in RULES for name in rule.inputs.model_fields}
    assert set(ActionIn.model_fields) == taken
    with pytest.raises(ValidationError):
        ActionIn.model_validate({"note": "x", "teleport": True})


@pytest.mark.parametrize("rule", OFFICERS, ids=lambda r: r.action)
def test_the_officers_form_asks_for_what_the_action_takes(rule, in_progress):
    fields = backoffice_views._action_fields(rule, in_progress)
    model = rule.inputs.model_fields
    assert [f["name"] for f in fields] == [n for n in model if n != "note"]
    assert {f["name"]: f["required"] for f in fields} == {
        n: f.is_required() for n, f in model.items() if n != "note"
    }
    required_note = backoffice_views._note_required(rule)
    assert required_note == (rule.action in {"refuse", "send_back", "apologize", "decline"})


@pytest.mark.parametrize(
    ("model", "payload", "field"),
    [
        (inputs.WithReason, {}, "note"),
        (inputs.WithReason, {"note": "   "}, "note"),
        (inputs.SupplementRequest, {"items": "not a list"}, "items"),
        (inputs.SupplementRequest, {"items": []}, "items"),
        (inputs.SupplementRequest, {"items": ["ok", " "]}, "items"),
        (inputs.Forwarding, {"agency": ""}, "agency"),
        (inputs.Apology, {"note": "", "new_due_date": "bad"}, "note"),  # the first at fault
        (inputs.Apology, {"note": "x", "new_due_date": "30/01/2030"}, "new_due_date"),
        (inputs.Rating, {"rating": 0}, "rating"),
        (inputs.Rating, {"rating": True}, "rating"),
        (inputs.Rating, {"rating": "5"}, "rating"),
    ],
)
def test_a_bad_input_is_refused_naming_its_field(model, payload, field):
    with pytest.raises(ValidationFailed) as refused:
        inputs.parse(model, payload)
    assert list(refused.value.fields) == [field]


def test_what_a_form_sends_too_long_is_cut_as_before():
    given = inputs.parse(
        inputs.SupplementRequest, {"items": ["x" * 400] + ["y"] * 60, "note": " n " * 1000}
    )
    assert len(given.items) == 50 and len(given.items[0]) == 300
    assert len(given.note) <= 2000 and given.note == given.note.strip()


@pytest.mark.django_db
def test_a_refusal_without_a_reason_through_the_api_names_the_note(api_as, submitted, officer):
    response = api_as(officer).post(
        f"/api/v1/dossiers/{submitted.code}/actions/refuse",
        json.dumps({"note": "  "}),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["note"]
    assert "Cần ghi rõ lý do" in body["detail"]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.django_db
def test_the_officers_form_sends_items_one_a_line(second_factor_client, officer, submitted):
    c = second_factor_client(officer)
    c.post(
        f"/lam-viec/ho-so/{submitted.code}/thao-tac/request_supplement/",
        {"items": "Giấy khai sinh\n\n  Ảnh 4x6  \n", "note": ""},
    )
    slip = submitted.slips.get(kind="supplement")
    assert slip.data["items"] == ["Giấy khai sinh", "Ảnh 4x6"]


@pytest.mark.django_db
def test_checks_of_state_come_before_the_input(returned, applicant):
    rated = act(applicant, returned, "rate", rating=5)
    with pytest.raises(Conflict, match="đã được đánh giá"):
        act(applicant, rated, "rate", rating=9)  # 409 (rated once), not 400


def test_only_take_action_applies_the_transitions():
    root = pathlib.Path(__file__).resolve().parents[2]
    importers = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "/tests/" not in str(path)
        and path.name != "transitions.py"
        and ("import transitions" in path.read_text() or ".transitions import" in path.read_text())
    )
    assert importers == ["dossiers/services/actions.py"]
