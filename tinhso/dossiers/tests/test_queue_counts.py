"""The queues' kept counts (QueueCount) agree with the dossiers through every step of
their lives, for every kind of officer; the reconciliation finds and mends a count
that went wrong; the queue's page reads the kept counts instead of counting rows."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinhso.core.errors import DomainError
from tinhso.dossiers import queue_counts, selectors
from tinhso.dossiers.models import AT_AGENCY, AT_DESK, Dossier, QueueCount, Status
from tinhso.dossiers.workflow import TRANSITIONS
from tinhso.testing import DRIVING_PAPERS, act
from tinhso.testing.factories import DossierFactory

pytestmark = pytest.mark.django_db

DATA = {"hang_gplx": "B", "so_gplx_cu": "X1", "cam_ket": True}


def _recounted(user) -> dict[str, int]:
    """What the counts were before they were kept: the rows, counted."""
    rows = (
        Dossier.objects.filter(selectors._scope(user, status=None))
        .values_list("status", flat=True)
        .order_by()
    )
    found: dict[str, int] = {}
    for status in rows:
        found[status] = found.get(status, 0) + 1
    return found


def _step(people, dossier: Dossier, action: str):
    """Take `action` as someone allowed to, with a valid input; a refusal by the rules
    (a supplement window, a fee unpaid …) leaves everything as it was."""
    from tinhso.payments.services import record_desk_payment

    here = people.get(dossier.agency.code, people["SXD"])
    elsewhere = "STP" if dossier.agency.code != "STP" else "SXD"
    actor, payload = {
        "receive": (people["officer"], {}),
        "request_supplement": (people["officer"], {"items": ["Ảnh chân dung"]}),
        "supplement": (people["applicant"], {"no_change": True}),
        "refuse": (people["officer"], {"note": "Không thuộc thẩm quyền"}),
        "assign": (people["officer"], {"assignee": here["specialist"].username}),
        "forward": (here["specialist"], {"agency": elsewhere}),
        "submit_for_approval": (here["specialist"], {"note": "dự thảo"}),
        "send_back": (here["leader"], {"note": "Thẩm định lại"}),
        "approve": (here["leader"], {}),
        "decline": (here["leader"], {"note": "Không đủ điều kiện", "notice": "stop"}),
        "sign": (here["leader"], {}),
        "return": (people["officer"], {}),
        "withdraw": (people["applicant"], {}),
        "rate": (people["applicant"], {"rating": 4}),
    }[action]
    if action == "return" and dossier.fee_amount:
        record_desk_payment(
            actor=people["officer"], code=dossier.code, method="cash", receipt_number=dossier.code
        )
    try:
        return act(actor, dossier, action, **payload)
    except DomainError:
        return Dossier.objects.get(pk=dossier.pk)


def _assert_counts_agree(people) -> None:
    assert queue_counts.reconcile(fix=False) == {}
    for user in (people["officer"], people["admin"], *people["SXD"].values(),
                 *people["STP"].values()):  # fmt: skip
        assert selectors.queue_counts(user) == _recounted(user), user.username


ACTIONS = sorted(a for a in TRANSITIONS if a not in {"submit", "apologize"})


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(choices=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=9))
def test_counts_follow_every_step_of_random_lives(people, choices):
    dossier = DossierFactory(applicant=people["applicant"], data=DATA, papers=DRIVING_PAPERS,
                             submit=True)  # fmt: skip
    _assert_counts_agree(people)
    for choice in choices:
        possible = [a for a in ACTIONS if dossier.status in TRANSITIONS[a].sources]
        if not possible:
            break
        dossier = _step(people, dossier, possible[choice % len(possible)])
        _assert_counts_agree(people)


# Each path through the workflow once (a dossier's "life"), from the start.
LIVES = [
    ["receive", "assign", "forward", "submit_for_approval", "send_back",
     "submit_for_approval", "approve", "sign", "return", "rate"],
    ["request_supplement", "supplement", "refuse"],
    ["receive", "request_supplement", "supplement", "assign", "decline"],
    ["receive", "assign", "withdraw"],
]  # fmt: skip


def test_every_waiting_state_and_every_move_between_agencies_is_counted(people):
    """The walks the random ones may miss: each path through the workflow once."""
    lives = LIVES
    seen = set()
    for life in lives:
        dossier = DossierFactory(applicant=people["applicant"], data=DATA, papers=DRIVING_PAPERS,
                                 submit=True)  # fmt: skip
        for action in life:
            dossier = _step(people, dossier, action)
            seen.add(dossier.status)
            _assert_counts_agree(people)
        assert dossier.status in {Status.RETURNED, Status.REFUSED, Status.WITHDRAWN}
    assert (AT_DESK | AT_AGENCY) - seen == set()  # every waiting state was passed through


def test_the_reconciliation_finds_and_mends_a_wrong_count(people, capsys):
    DossierFactory(applicant=people["applicant"], data=DATA, papers=DRIVING_PAPERS, submit=True)
    desk = people["officer"].role_assignments.first().agency
    before = selectors.queue_counts(people["officer"])
    assert before == {"submitted": 1}
    # a bulk import behind the services' back: the kept count does not see it
    Dossier.objects.filter(status=Status.SUBMITTED).update(status=Status.RESULT_READY)
    assert selectors.queue_counts(people["officer"]) == {"submitted": 1}
    with pytest.raises(CommandError):
        call_command("reconcile_queue_counts", "--check")
    assert f"agency {desk.pk} desk submitted: kept 1, recounted 0" in capsys.readouterr().out
    call_command("reconcile_queue_counts")
    assert selectors.queue_counts(people["officer"]) == {"result_ready": 1}
    call_command("reconcile_queue_counts", "--check")  # nothing differs any more


def test_the_migration_counts_the_same_states():
    from importlib import import_module

    migration = import_module("tinhso.dossiers.migrations.0012_queue_counts")
    assert set(migration.AT_DESK) == set(AT_DESK)
    assert set(migration.AT_AGENCY) == set(AT_AGENCY)
    assert migration.SLOTS == QueueCount.SLOTS


def test_the_queue_page_reads_its_count_from_the_kept_counts(
    api_as, officer, applicant, django_assert_max_num_queries
):
    for _ in range(3):
        DossierFactory(applicant=applicant, data=DATA, papers=DRIVING_PAPERS, submit=True)
    api = api_as(officer)
    api.get("/api/v1/queue")  # the token's first use
    with django_assert_max_num_queries(6) as captured:
        page = api.get("/api/v1/queue", {"page_size": 2})
    body = page.json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    # filtered by something the kept counts do not know: the rows are counted
    assert api.get("/api/v1/queue", {"due": "late"}).json()["count"] == 0
    assert api.get("/api/v1/queue", {"status": "returned"}).json()["count"] == 0
    assert api.get("/api/v1/queue", {"status": "submitted"}).json()["count"] == 3


def test_slots_spread_one_agencys_count(officer, applicant):
    made = [
        DossierFactory(applicant=applicant, data=DATA, papers=DRIVING_PAPERS, submit=True)
        for _ in range(3)
    ]
    slots = QueueCount.objects.filter(side="desk", status="submitted")
    assert {row.slot for row in slots} == {d.pk % QueueCount.SLOTS for d in made}
    assert sum(row.n for row in slots) == 3
    assert selectors.queue_counts(officer) == {"submitted": 3}
    assert selectors.officer_queue(officer).count() == 3
