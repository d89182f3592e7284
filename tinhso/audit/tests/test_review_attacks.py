"""Attacks on the audit streams by someone who can write the database but does not
hold the audit key (the threat the keyed chain is for): found in the review of the
streams. Each test removes events and asserts that audit_verify says so."""

import pytest
from django.db import connection

from tinhso.audit.models import AuditAnchor, AuditEvent, AuditHead
from tinhso.audit.services import make_anchor
from tinhso.audit.verify import verify_chain

from .test_chain import _raw
from .test_streams import _in_stream

pytestmark = pytest.mark.django_db


def _drop_anchors() -> None:
    """Around the anchors' guard, as _raw does around the events'."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditanchor DISABLE TRIGGER audit_anchor_no_update")
            cursor.execute("DELETE FROM audit_auditanchor")
            cursor.execute("ALTER TABLE audit_auditanchor ENABLE TRIGGER audit_anchor_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_anchor_no_delete")
            cursor.execute("DELETE FROM audit_auditanchor")


def test_a_whole_stream_removed_with_its_head_is_detected():
    """No key needed: the stream's events and its (unguarded) head row deleted."""
    _in_stream(5)
    gone = _in_stream(3)
    assert verify_chain().ok
    _raw("DELETE FROM audit_auditevent WHERE stream = 3")
    AuditHead.objects.filter(stream=3).delete()
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in gone]).exists()
    report = verify_chain()
    assert not report.ok, "a whole stream vanished and audit_verify says OK"


def test_a_whole_stream_removed_after_the_anchors_are_cut_is_detected():
    """The anchors recorded the stream, but the anchors' chain can be cut at its end
    (nothing holds its newest), and then the stream removed as above."""
    _in_stream(5)
    _in_stream(3)
    assert make_anchor() is not None
    _drop_anchors()
    assert not AuditAnchor.objects.exists()
    _raw("DELETE FROM audit_auditevent WHERE stream = 3")
    AuditHead.objects.filter(stream=3).delete()
    assert not verify_chain().ok, "a whole stream vanished and audit_verify says OK"


def test_a_stream_cut_back_to_an_older_sealed_head_is_detected():
    """No key needed: a copy of the head row kept from earlier still carries a valid
    seal; the events after it are deleted, the old row put back, and the anchors made
    since cut too. The other streams still name the anchor: found. (Only the whole log
    cut back to one moment, or a cut since the newest anchor, needs an anchor kept
    outside the database: `audit_verify --anchor`, below.)"""
    _in_stream(3, 2)
    old = AuditHead.objects.filter(stream=3).values("seq", "hash", "seal").get()
    later = _in_stream(3, 2)
    _in_stream(5)
    assert make_anchor() is not None
    _drop_anchors()
    _raw("DELETE FROM audit_auditevent WHERE stream = 3 AND stream_seq > %s", [old["seq"]])
    AuditHead.objects.filter(stream=3).update(**old)
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in later]).exists()
    problems = verify_chain().problems
    assert any("records anchor #1, which the anchors no longer have" in p for p in problems)


def test_an_event_noted_in_a_savepoint_rolled_back_is_dropped_with_its_change():
    """A service that tries something in a savepoint, records it, and goes on after
    the savepoint is rolled back (caught): the change is gone, so must its event be
    (the log must not say a change was made that never was)."""
    from django.db import transaction

    from tinhso.audit.services import record_event
    from tinhso.core.late import writes_at_the_end

    with transaction.atomic(), writes_at_the_end():
        try:
            with transaction.atomic():
                record_event(action="test.tried", object_type="t", object_id=1)
                raise RuntimeError("the attempt failed, its savepoint rolled back")
        except RuntimeError:
            pass
        record_event(action="test.done", object_type="t", object_id=2)
    actions = AuditEvent.objects.filter(action__startswith="test.").values_list("action", flat=True)
    assert sorted(actions) == ["test.done"], "an event of a change rolled back was kept"


def test_one_transaction_appends_to_one_head_even_across_a_savepoint_rolled_back(monkeypatch):
    """Checked sound: a transaction never locks two heads (no deadlock between heads),
    and a savepoint rolled back after an append leaves its stream's head as it was."""
    from itertools import count

    from django.db import transaction

    from tinhso.audit import services
    from tinhso.audit.services import record_event

    picks = count(1)
    monkeypatch.setattr(services, "_choose_stream", lambda: next(picks) % 4)
    connection.audit_stream = None
    with transaction.atomic():
        first = record_event(action="test.a", object_type="t", object_id=1)
        before = AuditHead.objects.values_list("seq", "hash").get(stream=first.stream)
        try:
            with transaction.atomic():
                record_event(action="test.b", object_type="t", object_id=2)
                raise RuntimeError
        except RuntimeError:
            pass
        assert AuditHead.objects.values_list("seq", "hash").get(stream=first.stream) == before
        last = record_event(action="test.c", object_type="t", object_id=3)
    assert last.stream == first.stream and last.stream_seq == first.stream_seq + 1
    assert verify_chain().ok


def test_an_anchor_kept_outside_finds_the_anchors_cut_and_the_stream_removed():
    """`audit_verify --anchor HASH`: the anchor printed by an earlier run, kept
    elsewhere, must still be in the log (then the heads it recorded are held)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _in_stream(5)
    _in_stream(3)
    kept = make_anchor().hash
    call_command("audit_verify", "--no-anchor", "--anchor", kept)  # holds
    _drop_anchors()
    _raw("DELETE FROM audit_auditevent WHERE stream = 3")
    AuditHead.objects.filter(stream=3).delete()
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify", "--anchor", kept)
    assert not AuditAnchor.objects.exists()  # no anchor made over the cut log


def test_an_anchor_kept_outside_finds_a_stream_cut_back_to_an_older_sealed_head():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _in_stream(3, 2)
    old = AuditHead.objects.filter(stream=3).values("seq", "hash", "seal").get()
    _in_stream(3, 2)
    kept = make_anchor().hash
    _drop_anchors()
    _raw("DELETE FROM audit_auditevent WHERE stream = 3 AND stream_seq > %s", [old["seq"]])
    AuditHead.objects.filter(stream=3).update(**old)
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify", "--no-anchor", "--anchor", kept)


def test_a_restore_brings_back_every_stream_and_anchor(tmp_path):
    """Checked sound: backup, one more append, restore over it (--replace): the
    streams' heads and the anchors are the archive's, the chain verifies and goes on."""
    from tinhso.core import backup

    _in_stream(3)
    _in_stream(5)
    make_anchor()
    before = verify_chain()
    assert before.ok
    archive = tmp_path / "backup.tar.gz"
    backup.create_backup(archive)
    _in_stream(3)
    backup.restore_backup(archive, replace=True)
    after = verify_chain()
    assert after.ok, after.problems
    assert after.heads == before.heads and after.anchors == 1
    _in_stream(3)
    assert verify_chain().ok
