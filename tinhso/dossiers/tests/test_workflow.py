"""The transition table, checked cell by cell: every action from every state, by the
right person (allowed → the target state; not allowed → 409, nothing changes) and
by the wrong people (403, nothing changes)."""

import datetime
import re

import pytest
from django.utils import timezone

from tinhso.accounts.models import Role
from tinhso.audit.models import AuditEvent
from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.dossiers import services, workflow
from tinhso.dossiers.models import Dossier, DossierStep, SlipKind, Status
from tinhso.payments.services import record_desk_payment
from tinhso.testing import act, pdf_file

pytestmark = pytest.mark.django_db

# How to bring a fresh dossier to each state, from a complete draft.
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.RECEIVED: ["submit", "receive"],
    Status.IN_PROGRESS: ["submit", "receive", "assign"],
    Status.AWAITING_SUPPLEMENT: ["submit", "receive", "request_supplement"],
    Status.AWAITING_APPROVAL: ["submit", "receive", "assign", "submit_for_approval"],
    Status.APPROVED: ["submit", "receive", "assign", "submit_for_approval", "approve"],
    Status.RESULT_READY: ["submit", "receive", "assign", "submit_for_approval", "approve", "sign"],
    Status.RETURNED: ["submit", "receive", "assign", "submit_for_approval", "approve", "sign", "return"],
    Status.REFUSED: ["submit", "refuse"],
    Status.WITHDRAWN: ["withdraw"],
}  # fmt: skip

PAYLOADS = {
    "request_supplement": {"items": ["Giấy khám sức khỏe của người lái xe"]},
    "refuse": {"note": "Không thuộc thẩm quyền"},
    "send_back": {"note": "Bổ sung ý kiến thẩm định"},
    "forward": {"agency": "STP"},
    "decline": {"note": "Không đủ điều kiện cấp"},
    "rate": {"rating": 5, "comment": "Nhanh"},
    "supplement": {"no_change": True},
}


@pytest.fixture
def people(applicant, officer, specialist, leader):
    return {
        workflow.APPLICANT: applicant,
        workflow.OFFICER: officer,
        workflow.SPECIALIST: specialist,
        workflow.LEADER: leader,
    }


def _actor_for(action: str, people):
    role = workflow.TRANSITIONS[action].actors[0][0]
    return people[role]


def _bring(applicant, people, state: str) -> Dossier:
    dossier = services.create_dossier(
        actor=applicant,
        procedure_code="9.000001",
        data={"hang_gplx": "B", "so_gplx_cu": "AB1", "cam_ket": True},
    )
    for kind in ("giay-phep-cu", "giay-kham-suc-khoe"):
        services.attach_document(actor=applicant, dossier=dossier, kind=kind, upload=pdf_file())
    for step in PATHS[state]:
        if step == "return":  # the fee is paid at the desk first
            record_desk_payment(
                actor=people[workflow.OFFICER],
                code=dossier.code,
                method="cash",
                receipt_number="BL1",
            )
        dossier = act(_actor_for(step, people), dossier, step, **PAYLOADS.get(step, {}))
    assert dossier.status == state
    return dossier


CELLS = [
    (action, state)
    for action in workflow.TRANSITIONS
    if action != "apologize"  # allowed only past the due date: tested on its own
    for state in PATHS
]


@pytest.mark.parametrize(("action", "state"), CELLS)
def test_every_action_from_every_state(people, action, state):
    dossier = _bring(people[workflow.APPLICANT], people, state)
    rule = workflow.TRANSITIONS[action]
    actor = _actor_for(action, people)
    events = AuditEvent.objects.count()
    if state in rule.sources:
        if action == "return":  # the fee is paid at the desk first
            record_desk_payment(actor=actor, code=dossier.code, method="cash", receipt_number="B2")
        after = act(actor, dossier, action, **PAYLOADS.get(action, {}))
        expected = (
            rule.target
            or {
                "supplement": Status.RECEIVED,  # back where it was
                "rate": Status.RETURNED,
            }[action]
        )
        assert after.status == expected
    else:
        with pytest.raises(Conflict):
            act(actor, dossier, action, **PAYLOADS.get(action, {}))
        assert Dossier.objects.get(pk=dossier.pk).status == state
        assert AuditEvent.objects.count() == events  # no audit noise


@pytest.mark.parametrize("action", list(workflow.TRANSITIONS))
def test_the_wrong_people_get_a_403_or_404_and_change_nothing(
    people, make_citizen, make_staff, ward_codes, action
):
    """The dossier's own people who may not take this step get a 403; strangers, for
    whom the dossier is not in sight, the 404 of a code that does not exist."""
    rule = workflow.TRANSITIONS[action]
    state = next(iter(s for s in PATHS if s in rule.sources))
    dossier = _bring(people[workflow.APPLICANT], people, state)
    strangers = [
        make_citizen(),
        make_staff(Role.ONE_STOP_OFFICER, ward_codes[0]),
        make_staff(Role.SPECIALIST, "STP"),
        make_staff(Role.LEADER, ward_codes[1]),
    ]
    insiders = []
    roles = rule.roles
    if workflow.APPLICANT not in roles:
        insiders.append(people[workflow.APPLICANT])
    for role in (workflow.OFFICER, workflow.SPECIALIST, workflow.LEADER):
        if role not in roles:
            insiders.append(people[role])
    for stranger in strangers:
        with pytest.raises(NotFound):
            act(stranger, dossier, action, **PAYLOADS.get(action, {}))
    for insider in insiders:
        # (a draft is the applicant's alone: not in the officers' sight yet)
        refusal = NotFound if dossier.status == Status.DRAFT else PermissionDenied
        with pytest.raises(refusal):
            act(insider, dossier, action, **PAYLOADS.get(action, {}))
    assert Dossier.objects.get(pk=dossier.pk).status == state


def test_receiving_starts_the_clock_and_issues_the_receipt_slip(received):
    assert received.due_date and received.received_at
    slip = received.slips.get(kind=SlipKind.RECEIPT)
    assert slip.data["due_date"] == received.due_date.isoformat()
    steps = list(received.steps.order_by("started_at", "pk"))
    assert [(s.role, s.outcome) for s in steps] == [
        ("one_stop_officer", "receive"),
        ("specialist", ""),
    ]
    assert steps[0].agency.code == "TTPVHCC" and steps[1].agency.code == "SXD"


def test_refusal_and_supplement_need_a_reason_and_items(submitted, officer):
    with pytest.raises(ValidationFailed):
        act(officer, submitted, "refuse")
    with pytest.raises(ValidationFailed):
        act(officer, submitted, "request_supplement", items=[])
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_sending_back_needs_a_reason(awaiting_approval, leader):
    with pytest.raises(ValidationFailed):
        act(leader, awaiting_approval, "send_back", note="  ")
    assert Dossier.objects.get(pk=awaiting_approval.pk).status == Status.AWAITING_APPROVAL


def test_assignment_is_round_robin_among_the_agencys_specialists(
    applicant, people, officer, make_staff
):
    other = make_staff(Role.SPECIALIST, "SXD")
    got = []
    for _ in range(4):
        dossier = _bring(applicant, people, Status.RECEIVED)
        got.append(act(officer, dossier, "assign").assignee.username)
    assert len(set(got[:2])) == 2 and got[:2] == got[2:]
    assert other.username in got


def test_assigning_someone_outside_the_agency_is_refused(received, officer, make_staff):
    stranger = make_staff(Role.SPECIALIST, "STP")
    with pytest.raises(ValidationFailed):
        act(officer, received, "assign", assignee=stranger.username)


def test_only_the_assigned_specialist_works_on_it(in_progress, make_staff):
    colleague = make_staff(Role.SPECIALIST, "SXD")
    with pytest.raises(PermissionDenied):
        act(colleague, in_progress, "submit_for_approval")


def test_forwarding_keeps_the_clock_and_the_history(in_progress, specialist, make_staff):
    due = in_progress.due_date
    moved = act(specialist, in_progress, "forward", agency="STP")
    assert moved.agency.code == "STP" and moved.due_date == due and moved.assignee is None
    receiving = make_staff(Role.SPECIALIST, "STP")
    from tinhso.accounts.models import Agency
    from tinhso.dossiers import selectors

    assert moved in selectors.agency_queue(Agency.objects.get(code="STP"))
    done = act(receiving, moved, "submit_for_approval")
    assert done.status == Status.AWAITING_APPROVAL
    outcomes = [s.outcome for s in done.steps.order_by("started_at", "pk")]
    assert outcomes[:3] == ["receive", "forward", "submit_for_approval"]


def test_signing_issues_a_numbered_result(result_ready, applicant, api_as):
    # "NN/KQ-SXD": the agency's register of this kind of result, from 01 each year
    assert re.fullmatch(r"\d{2,}/KQ-SXD", result_ready.result_number)
    response = api_as(applicant).get(f"/api/v1/dossiers/{result_ready.code}/result.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_rating_once_from_one_to_five(returned, applicant):
    with pytest.raises(ValidationFailed):
        act(applicant, returned, "rate", rating=9)
    rated = act(applicant, returned, "rate", rating=4, comment="Tốt")
    assert rated.rating == 4 and rated.rating_comment == "Tốt"
    with pytest.raises(Conflict):
        act(applicant, rated, "rate", rating=1)


# ---------------------------------------------------------------- the clock


@pytest.fixture
def clock(monkeypatch):
    """Move 'now' for the services (the calendar of 2025, around the April bridge)."""
    state = {"now": timezone.make_aware(datetime.datetime(2025, 4, 21, 9, 0))}  # a Monday

    def now():
        return state["now"]

    monkeypatch.setattr(timezone, "now", now)

    def go(year, month, day, hour=9):
        state["now"] = timezone.make_aware(datetime.datetime(year, month, day, hour, 0))

    return go


def test_the_clock_stops_while_a_supplement_is_awaited(clock, people, applicant, officer):
    dossier = _bring(applicant, people, Status.RECEIVED)  # received Mon 21/4/2025, 5 days
    assert dossier.due_date == datetime.date(2025, 4, 26)  # Saturday 26/4 was a working day
    clock(2025, 4, 22)
    act(officer, dossier, "request_supplement", items=["Giấy khám sức khỏe của người lái xe"])
    clock(2025, 5, 6)  # Tue 22/4 → Tue 6/5: 8 working days (30/4, 1/5, 2/5 off; Sat 26/4 worked)
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-kham-suc-khoe", upload=pdf_file("moi.pdf")
    )
    back = act(applicant, dossier, "supplement")
    assert back.status == Status.RECEIVED
    assert back.due_date == datetime.date(2025, 5, 12)  # 26/4 + 8 working days
    step = services.open_step(back)
    assert step.paused_days == 8


def test_a_second_supplement_only_for_what_the_first_got_wrong(clock, people, applicant, officer):
    dossier = _bring(applicant, people, Status.RECEIVED)
    clock(2025, 4, 22)
    act(officer, dossier, "request_supplement", items=["Giấy khám sức khỏe của người lái xe"])
    clock(2025, 4, 23)
    services.attach_document(
        actor=applicant, dossier=dossier, kind="giay-kham-suc-khoe", upload=pdf_file("moi.pdf")
    )
    act(applicant, dossier, "supplement")
    clock(2025, 4, 24)
    with pytest.raises(ValidationFailed, match="chỉ được nêu"):
        act(officer, dossier, "request_supplement", items=["Bản chụp giấy phép lái xe cũ"])
    again = act(officer, dossier, "request_supplement", items=["giay-kham-suc-khoe"])
    assert again.status == Status.AWAITING_SUPPLEMENT


def test_lateness_stays_with_the_step_that_caused_it(
    clock, people, applicant, officer, specialist, leader
):
    dossier = _bring(applicant, people, Status.IN_PROGRESS)  # Mon 21/4/2025
    clock(2025, 5, 12)  # the specialist takes three weeks
    dossier = act(specialist, dossier, "submit_for_approval")
    dossier = act(leader, dossier, "approve")
    dossier = act(leader, dossier, "sign")
    steps = {s.role + ":" + s.outcome: s for s in DossierStep.objects.filter(dossier=dossier)}
    assert steps["one_stop_officer:receive"].finished_on_time() is True
    assert steps["specialist:submit_for_approval"].finished_on_time() is False
    assert steps["leader:sign"].finished_on_time() is True


def test_a_late_agency_apologises_with_a_new_date(clock, people, applicant, officer, specialist):
    dossier = _bring(applicant, people, Status.IN_PROGRESS)  # due Sat 26/4/2025
    with pytest.raises(Conflict, match="Chưa đến lúc xin lỗi"):
        act(specialist, dossier, "apologize", note="x", new_due_date="2025-06-02")
    clock(2025, 5, 12)
    with pytest.raises(ValidationFailed):
        act(specialist, dossier, "apologize", note="Chờ xác minh", new_due_date="2025-05-01")
    with pytest.raises(ValidationFailed):
        act(specialist, dossier, "apologize", note="", new_due_date="2025-05-20")
    after = act(specialist, dossier, "apologize", note="Chờ xác minh", new_due_date="2025-05-20")
    assert after.due_date == datetime.date(2025, 4, 26)  # the statutory deadline stays
    assert after.appointment_date == datetime.date(2025, 5, 20)
    assert after.status == Status.IN_PROGRESS and after.is_late()
    slip = after.slips.get(kind=SlipKind.APOLOGY)
    assert slip.data["old_due_date"] == "2025-04-26" and slip.data["reason"] == "Chờ xác minh"
    assert services.open_step(after).finished_on_time() is False  # still late


def test_the_daily_reminder_tells_each_owner_once(clock, people, applicant, specialist):
    from tinhso.dossiers.reminders import remind_due_steps
    from tinhso.notifications.models import Notification

    for _ in range(2):
        _bring(applicant, people, Status.IN_PROGRESS)  # the specialist step: 4 working days
    clock(2025, 4, 28)
    assert remind_due_steps(today=datetime.date(2025, 4, 28)) == 1
    note = Notification.objects.filter(user=specialist).latest("created_at")
    assert "quá hạn: 2 (2 quá hạn)" in note.subject
    assert note.body.count("quá hạn") == 2
