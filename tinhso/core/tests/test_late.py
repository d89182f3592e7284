"""`core.late`: the writes to shared rows noted during a service's block and made when
it ends, in the kinds' order; nothing of a savepoint rolled back, nothing after an
exception; the dossier steps' counts are among them."""

import pytest
from django.db import transaction

from tinhso.core import late


def _recording(name: str, order: int, written: list):
    return late.Kind(name, order, lambda items: written.append((name, list(items))))


def test_outside_a_block_the_caller_writes_at_once():
    written: list = []
    assert late.note(_recording("k", 1, written), "x") is False
    assert written == []


@pytest.mark.django_db
def test_writes_are_made_when_the_outer_block_ends_kind_by_kind_in_order():
    written: list = []
    last, first = _recording("last", 90, written), _recording("first", 10, written)
    with late.writes_at_the_end():
        assert late.note(last, 1)
        with late.writes_at_the_end():  # an inner block leaves them to the outer one
            assert late.note(first, "a")
            assert late.note(last, 2)
        assert written == []
        late.note(first, "b")
        assert written == []
    assert written == [("first", ["a", "b"]), ("last", [1, 2])]


@pytest.mark.django_db(transaction=True)
def test_a_block_outside_a_transaction_opens_one_and_writes_in_it():
    from django.db import connection

    seen: list = []
    kind = late.Kind("k", 1, lambda items: seen.append(connection.in_atomic_block))
    assert not connection.in_atomic_block
    with late.writes_at_the_end():
        assert connection.in_atomic_block
        late.note(kind, 1)
    assert seen == [True] and not connection.in_atomic_block


@pytest.mark.django_db
def test_what_a_savepoint_rolled_back_noted_is_dropped_and_a_released_one_kept():
    written: list = []
    kind = _recording("k", 1, written)
    with transaction.atomic(), late.writes_at_the_end():
        late.note(kind, "before")
        try:
            with transaction.atomic():
                late.note(kind, "tried")
                with transaction.atomic():
                    late.note(kind, "tried, inner")
                raise RuntimeError("the attempt failed")
        except RuntimeError:
            pass
        with transaction.atomic():
            late.note(kind, "kept")
        late.note(kind, "after")
    assert written == [("k", ["before", "kept", "after"])]


@pytest.mark.django_db
def test_a_step_writes_its_counts_when_the_outer_block_ends(complete_draft, applicant):
    """A submission inside an outer block (as the API's idempotent POST is): the queue
    and index counts are not written until that block ends, then both are."""
    from tinhso.dossiers.models import QueueCount
    from tinhso.dossiers.services import take_action
    from tinhso.monitoring.models import AgencyMonth

    def counts():
        return (
            sum(QueueCount.objects.values_list("n", flat=True)),
            sum(AgencyMonth.objects.values_list("submitted", flat=True)),
        )

    start = counts()
    with transaction.atomic(), late.writes_at_the_end():
        take_action(actor=applicant, code=complete_draft.code, action="submit")
        assert counts() == start
    waiting, submitted = counts()
    assert waiting > start[0] and submitted == start[1] + 1


@pytest.mark.django_db
def test_a_transaction_marked_to_roll_back_writes_nothing():
    written: list = []
    with transaction.atomic(), late.writes_at_the_end():
        late.note(_recording("k", 1, written), 1)
        transaction.set_rollback(True)
    assert written == []


@pytest.mark.django_db
def test_a_block_around_services_keeps_the_events_of_the_steps_that_stay(complete_draft, applicant):
    """A block opened around several services (a job looping over dossiers, the shared
    rows written once at the end). Each service's change stays as soon as it returns;
    an exception later in the block must not drop that change's audit event and
    counts: the log would miss a change, the queue counts would drift."""
    from tinhso.audit.models import AuditEvent
    from tinhso.core.errors import Conflict
    from tinhso.dossiers import queue_counts
    from tinhso.dossiers.models import Dossier, Status
    from tinhso.dossiers.services import take_action

    code = complete_draft.code
    with pytest.raises(Conflict), late.writes_at_the_end():
        take_action(actor=applicant, code=code, action="submit")
        take_action(actor=applicant, code=code, action="submit")  # 409: submitted already
    submitted = Dossier.objects.get(code=code).status == Status.SUBMITTED
    audited = AuditEvent.objects.filter(object_id=code, action="dossiers.submit").exists()
    assert submitted == audited
    assert queue_counts.reconcile(fix=False) == {}
