"""The audit log is several chains ("streams") so that audited writes at once do not
queue on one lock: a transaction appends all its events to one stream; audit_verify
checks every stream, every head's seal and every anchor (the heads recorded from time
to time), so tampering in any stream is found."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tinhso.audit import chain
from tinhso.audit.keys import audit_key
from tinhso.audit.models import AuditAnchor, AuditEvent, AuditHead
from tinhso.audit.services import make_anchor, record_event
from tinhso.audit.verify import verify_chain
from tinhso.testing import concurrent_connections

from .test_chain import _raw

pytestmark = pytest.mark.django_db


def _in_stream(stream: int, n: int = 3) -> list[AuditEvent]:
    connection.audit_stream = stream  # this test's transaction: that stream
    return [
        record_event(action="test.event", object_type="t", object_id=i, after={"s": stream})
        for i in range(n)
    ]


def _rewrite_head_with_the_key(stream: int) -> None:
    """What someone holding the database and the key could do after cutting a stream:
    point its head, sealed again, at the new end."""
    last = AuditEvent.objects.filter(stream=stream).order_by("-stream_seq").first()
    head = AuditHead.objects.get(stream=stream)
    seal = chain.head_seal(
        audit_key(), stream=stream, seq=last.stream_seq, hash=last.hash, keyed_from=1
    )
    AuditHead.objects.filter(pk=head.pk).update(seq=last.stream_seq, hash=last.hash, seal=seal)


def test_streams_chain_apart_and_the_log_keeps_one_order():
    first = _in_stream(3)
    second = _in_stream(5)
    third = _in_stream(3, 1)
    n = first[0].stream_seq
    assert [e.stream_seq for e in first + third] == [n, n + 1, n + 2, n + 3]
    assert [e.stream_seq for e in second] == [second[0].stream_seq + i for i in range(3)]
    assert third[0].prev_hash == first[-1].hash and second[0].prev_hash != first[-1].hash
    seqs = [e.seq for e in first + second + third]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # in the order written
    report = verify_chain()
    assert report.ok, report.problems
    heads = {s: seq for s, seq, _ in report.heads}
    assert (heads[3], heads[5]) == (third[0].stream_seq, second[-1].stream_seq)


def test_an_edited_event_in_stream_3_is_detected():
    _in_stream(5)
    events = _in_stream(3)
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["999", events[1].seq])
    report = verify_chain()
    assert report.problems == [f"event #{events[1].seq} was altered"]


def test_an_event_deleted_from_stream_3_is_detected():
    events = _in_stream(3)
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    gone = events[1].stream_seq
    assert f"stream 3: events {gone}..{gone} are missing" in verify_chain().problems


def test_an_event_moved_to_another_stream_is_detected():
    _in_stream(5)
    events = _in_stream(3)
    _raw(
        "UPDATE audit_auditevent SET stream = 5, stream_seq = 1000000 WHERE seq = %s",
        [events[-1].seq],
    )
    problems = verify_chain().problems
    assert any("removed from the end" in p and "stream 3" in p for p in problems)
    assert f"event #{events[-1].seq} was altered" in problems


def test_a_truncated_stream_is_detected_by_its_head():
    events = _in_stream(3)
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    problems = verify_chain().problems
    end = events[-1].stream_seq
    assert problems == [
        f"stream 3 ends at {end - 1} but its head records {end}: events were removed from the end"
    ]


def test_a_truncated_stream_is_detected_by_an_anchor_even_with_its_head_resealed():
    events = _in_stream(3)
    anchor = make_anchor()
    end = events[-1].stream_seq
    assert [3, end, events[-1].hash] in anchor.heads
    # the stream cut from that event on (the anchor's own event after it too)
    _raw("DELETE FROM audit_auditevent WHERE stream = 3 AND stream_seq >= %s", [end])
    _rewrite_head_with_the_key(3)
    problems = verify_chain().problems
    assert problems == [
        f"stream 3 no longer has its event {end} that anchor #{anchor.seq} recorded: "
        "the stream was truncated or rewritten"
    ]


def test_a_head_passed_for_another_streams_is_detected():
    _in_stream(3)
    _in_stream(5)
    three, five = AuditHead.objects.get(stream=3), AuditHead.objects.get(stream=5)
    AuditHead.objects.filter(pk=three.pk).update(seq=five.seq, hash=five.hash, seal=five.seal)
    problems = verify_chain().problems
    assert any(p.startswith("stream 3: the head's seal does not match") for p in problems)


def test_anchors_chain_and_an_altered_anchor_is_detected(capsys):
    _in_stream(3)
    call_command("audit_verify")  # checks, then anchors what it checked
    assert "anchor #1 " in capsys.readouterr().out
    last = _in_stream(3, 1)[-1]
    call_command("audit_anchor")
    first, second = AuditAnchor.objects.order_by("seq")
    assert second.prev_hash == first.hash
    assert [3, last.stream_seq, last.hash] in second.heads
    assert verify_chain().anchors == 2
    table, guard = "audit_auditanchor", "audit_anchor_no_update"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {guard}")
        else:
            cursor.execute(f"DROP TRIGGER {guard}")
        cursor.execute(f"UPDATE {table} SET heads = %s WHERE seq = 1", ['[[3, 2, "x"]]'])
    problems = verify_chain().problems
    assert "anchor #1 was altered" in problems
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify")


def test_the_database_refuses_changes_to_anchors():
    from django.db import DatabaseError

    _in_stream(3)
    make_anchor()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditAnchor.objects.update(prev_hash="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditAnchor.objects.all().delete()


@concurrent_connections
def test_audited_writes_at_once_on_many_streams_neither_deadlock_nor_break_the_chain(settings):
    """Eight threads, each many transactions of several events (some rolled back), on
    four streams: none waits forever on another, and every stream verifies."""
    settings.AUDIT_STREAMS = 4
    barrier = threading.Barrier(8)
    failures: list[Exception] = []

    def write(n):
        try:
            barrier.wait(timeout=10)
            for i in range(25):
                try:
                    with transaction.atomic():
                        for k in range(3):
                            record_event(action="test.load", object_type="t", object_id=k)
                        if i % 7 == 0:
                            raise RuntimeError("rolled back")
                except RuntimeError:
                    pass
        except Exception as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and failures == []
    assert AuditEvent.objects.filter(action="test.load").count() == 8 * 21 * 3
    report = verify_chain()
    assert report.ok, report.problems
    assert len({s for s, seq, _ in report.heads if seq}) > 1
