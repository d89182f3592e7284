"""A service's events chained at the end of its transaction (`appended_at_the_end`):
the head is not touched until then, the events keep their order, the chain verifies,
and an exception leaves no event behind."""

import pytest

from tinhso.audit.models import AuditEvent, AuditHead
from tinhso.audit.services import appended_at_the_end, record_event, verify_chain

pytestmark = pytest.mark.django_db


def _head_seq() -> int:
    head = AuditHead.objects.filter(pk=1).first()
    return head.seq if head else 0


def _note(n: int) -> None:
    record_event(action="test.noted", object_type="test.Thing", object_id=n, after={"n": n})


def test_events_are_chained_when_the_block_ends_in_their_order():
    _note(0)  # outside a block: at once
    start = _head_seq()
    with appended_at_the_end():
        _note(1)
        with appended_at_the_end():  # an inner block leaves them to the outer one
            _note(2)
        _note(3)
        assert _head_seq() == start and not AuditEvent.objects.filter(seq__gt=start).exists()
    rows = list(AuditEvent.objects.filter(seq__gt=start).order_by("seq"))
    assert [r.after["n"] for r in rows] == [1, 2, 3]
    assert [r.seq for r in rows] == [start + 1, start + 2, start + 3]
    assert _head_seq() == start + 3
    report = verify_chain()
    assert report.ok, report.problems


def test_an_exception_drops_the_noted_events():
    start = _head_seq()
    with pytest.raises(RuntimeError), appended_at_the_end():
        _note(1)
        raise RuntimeError("the change failed")
    assert _head_seq() == start and not AuditEvent.objects.filter(seq__gt=start).exists()
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
