"""A service's events chained at the end of its transaction (`writes_at_the_end`):
the head is not touched until then, the events keep their order, the chain verifies,
and an exception leaves no event behind."""

import pytest
from django.db import transaction

from tinhso.audit.models import AuditEvent, AuditHead
from tinhso.audit.services import record_event
from tinhso.audit.verify import verify_chain
from tinhso.core.late import writes_at_the_end

pytestmark = pytest.mark.django_db


def _head_seq() -> int:
    """How many events the streams' heads count (all streams)."""
    return sum(AuditHead.objects.values_list("seq", flat=True))


def _note(n: int) -> None:
    record_event(action="test.noted", object_type="test.Thing", object_id=n, after={"n": n})


def test_events_are_chained_when_the_block_ends_in_their_order():
    _note(0)  # outside a block: at once
    start = _head_seq()
    with writes_at_the_end():
        _note(1)
        with writes_at_the_end():  # an inner block leaves them to the outer one
            _note(2)
        _note(3)
        assert _head_seq() == start and AuditEvent.objects.filter(action="test.noted").count() == 1
    rows = list(AuditEvent.objects.filter(action="test.noted").order_by("seq"))[1:]
    assert [r.after["n"] for r in rows] == [1, 2, 3]
    first = rows[0].stream_seq  # one after the other in one stream
    assert [(r.stream, r.stream_seq) for r in rows] == [
        (rows[0].stream, first + i) for i in range(3)
    ]
    assert _head_seq() == start + 3
    report = verify_chain()
    assert report.ok, report.problems


def test_an_exception_drops_the_noted_events():
    start = _head_seq()
    with pytest.raises(RuntimeError), transaction.atomic(), writes_at_the_end():
        _note(1)  # a service's event: rolled back with its change
        raise RuntimeError("the change failed")
    assert _head_seq() == start and not AuditEvent.objects.filter(action="test.noted").exists()
    _note(2)  # and the chain goes on from where it was
    assert verify_chain().ok


def test_a_submission_audits_all_its_events_in_one_append(submitted, django_assert_max_num_queries):
    assert verify_chain().ok
    actions = list(
        AuditEvent.objects.filter(object_id=submitted.code)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[0] == "dossiers.created" and actions[-1] == "dossiers.submit"
