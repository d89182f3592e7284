"""The audit chain is keyed: each event's hash is an HMAC-SHA256 under AUDIT_KEY, a
key kept outside the database, so that someone who can write to the database (and
get around its triggers) cannot rewrite an event and compute the hashes again. Events
written before the key existed keep their plain SHA-256 up to a sealed switch point."""

import datetime
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tinhso.audit import chain, keys
from tinhso.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from tinhso.audit.services import ensure_heads, record_event, seal_head
from tinhso.audit.verify import verify_chain

from .test_chain import _raw

pytestmark = pytest.mark.django_db


def _events(n=3):
    return [
        record_event(action="test.event", object_type="t", object_id=i, after={"n": i})
        for i in range(n)
    ]


def _forge_last(object_id: str) -> None:
    """What an intruder with the database but not the key does: change the newest
    event and compute its hash again (SHA-256, the only hash one can compute without
    the key), then point the head at it."""
    event = AuditEvent.objects.order_by("-seq").first()
    event.object_id = object_id
    forged = chain.hash_of(event, key=None)
    _raw(
        "UPDATE audit_auditevent SET object_id = %s, hash = %s WHERE seq = %s",
        [object_id, forged, event.seq],
    )
    AuditHead.objects.filter(stream=event.stream).update(hash=forged)


def test_an_event_rewritten_with_its_hash_recomputed_is_detected():
    _events()
    assert verify_chain().ok
    _forge_last("999")
    report = verify_chain()
    assert not report.ok, "a rewritten event went unnoticed"
    assert any("was altered" in p for p in report.problems)


def test_verifying_with_another_key_fails():
    _events()
    assert verify_chain().ok
    report = verify_chain(key=b"not-the-key-of-this-installation")
    assert not report.ok
    assert any("AUDIT_KEY" in p for p in report.problems)


def test_the_switch_point_cannot_be_moved():
    _events()
    AuditHead.objects.filter(pk=1).update(keyed_from=None)
    assert not verify_chain().ok
    AuditHead.objects.filter(pk=1).update(keyed_from=99)
    assert not verify_chain().ok


def _plain_event(seq: int, prev: str, *, numbered: bool = True) -> str:
    """An event as the chain wrote them before it was keyed (numbered in stream 0 as
    the streams' migration does; `stream_seq=None`: as an archive from before the
    streams loads it)."""
    at = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
    fields = chain.event_fields(
        seq=seq, at=at, actor_id=None, actor_label="cli", agency_code="", action="old.event",
        object_type="t", object_id=str(seq), ip=None, request_id=f"r{seq}", channel="cli",
        before=None, after={"n": seq}, prev_hash=prev,
    )  # fmt: skip
    digest = chain.event_hash(fields)
    AuditEvent.objects.create(
        **{k: v for k, v in fields.items() if k != "prev_hash"},
        prev_hash=prev,
        hash=digest,
        stream=0,
        stream_seq=seq if numbered else None,
    )
    return digest


def test_events_from_before_the_key_still_verify_and_the_switch_is_marked():
    # A database as it was before the upgrade: plain events and an unsealed head.
    connection.audit_stream = 0  # the keyed events go on in the same stream
    _raw("DELETE FROM audit_auditevent")
    AuditHead.objects.all().delete()
    prev = GENESIS_HASH
    for seq in (1, 2):
        prev = _plain_event(seq, prev)
    AuditHead.objects.create(pk=1, seq=2, hash=prev)
    seal_head()  # what the migration does
    ensure_heads()  # and `migrate` after it: the other streams' heads
    assert AuditHead.objects.get(pk=1).keyed_from == 3
    _events(2)
    report = verify_chain()
    assert report.ok, report.problems
    assert report.keyed_from == 3
    # The old events are still guarded by the keyed ones after them.
    tamper = "UPDATE audit_auditevent SET object_id = 'x' WHERE seq = 1"
    if connection.vendor == "postgresql":
        _raw(tamper)
    else:
        with connection.cursor() as cursor:  # (SQLite's guard is down since the DELETE)
            cursor.execute(tamper)
    assert not verify_chain().ok


def test_the_key_is_generated_once_into_the_var_directory(settings, tmp_path):
    settings.AUDIT_KEY = ""
    settings.VAR_DIR = tmp_path
    first = keys.audit_key()
    path = tmp_path / "keys" / "audit_key"
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keys.audit_key() == first and len(first) >= 32
    settings.AUDIT_KEY = "tu-bien-moi-truong-" + "k" * 32
    assert keys.audit_key() == ("tu-bien-moi-truong-" + "k" * 32).encode()


def test_the_command_fails_with_the_wrong_key(settings):
    _events()
    call_command("audit_verify")
    settings.AUDIT_KEY = "mot-khoa-khac-" + "x" * 40
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify")


def test_a_clients_request_id_is_kept_apart_as_untrusted(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/tai-khoan/ho-so/",
        {"email": "moi@example.vn", "phone": "0912000111"},
        HTTP_X_REQUEST_ID="abc123",
    )
    event = AuditEvent.objects.filter(action="accounts.profile_updated").get()
    assert event.client_request_id == "abc123"
    assert event.request_id != "abc123" and event.request_id == response["X-Request-ID"]
    assert verify_chain().ok


def test_the_upgrade_keeps_the_database_guard():
    from django.db import DatabaseError, transaction

    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(client_request_id="x")


def test_a_restored_archive_from_before_the_key_is_keyed_from_its_end():
    from tinhso.core import backup
    from tinhso.core.signals import restored

    _raw("DELETE FROM audit_auditevent")
    AuditHead.objects.all().delete()
    prev = GENESIS_HASH
    for seq in (1, 2, 3):
        prev = _plain_event(seq, prev, numbered=False)  # from before the streams too
    AuditHead.objects.create(pk=1, seq=3, hash=prev)  # the archive's rows, as loaded
    restored.send(sender=backup.restore_backup, manifest={})
    assert AuditHead.objects.get(pk=1).keyed_from == 4
    assert list(AuditEvent.objects.order_by("seq").values_list("stream", "stream_seq")) == [
        (0, 1),
        (0, 2),
        (0, 3),
    ]
    _events(1)
    assert verify_chain().ok
