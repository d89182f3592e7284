"""Writing to the audit log. Every service that changes something that matters
calls `record_event` inside its own transaction: the change and its event commit
together or not at all."""

from __future__ import annotations

import functools
import importlib
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tinhso.core import context, late

from . import chain
from .keys import audit_key
from .models import GENESIS_HASH, AuditAnchor, AuditEvent, AuditHead


def record_event(
    *,
    actor=None,
    action: str,
    object_type: str,
    object_id: Any,
    before: Any = None,
    after: Any = None,
    agency_code: str = "",
) -> AuditEvent:
    """Append an event to the chain, in the caller's transaction. Inside
    `core.late.writes_at_the_end` the event is only noted here (what, who, when) and
    chained at that block's end, still in the transaction: the chain's head is locked
    for a few statements, not for the rest of the request."""
    ctx = context.current()
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "at": timezone.now(),
        "actor_id": actor.pk if is_person else None,
        "actor_label": actor.get_username() if is_person else ctx.channel,
        "agency_code": agency_code,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "ip": ctx.ip,
        "request_id": ctx.request_id,
        "channel": ctx.channel,
        "before": chain.normalize(before),
        "after": chain.normalize(after),
        "client_request_id": ctx.client_request_id,
    }
    event = AuditEvent(**fields)
    if late.note(_CHAINED, event):  # its seq and hashes when the block ends
        return event
    return _append([event])[0]


def _append(events: list[AuditEvent], *, stream: int | None = None) -> list[AuditEvent]:
    """Chain `events` after the head of this transaction's stream (or of `stream`: an
    anchor's own events; locked until the transaction ends) and store them."""
    key = audit_key()
    # No savepoint of its own: a failure here fails the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        if stream is None:
            stream = _stream_of_this_transaction()
        head, seqs = _locked_head(stream, len(events))
        # (A head without `keyed_from` was not sealed by the upgrade: never sealed here,
        # where it could cover a rewrite; audit_verify reports it.)
        stream_seq, prev = head.seq, head.hash
        # Taken under the stream's lock: within a stream, `seq` grows with `stream_seq`.
        for event, seq in zip(events, seqs, strict=True):
            stream_seq += 1
            event.seq, event.stream, event.stream_seq, event.prev_hash = (
                seq,
                stream,
                stream_seq,
                prev,
            )
            if connection.vendor == "postgresql":
                event.id = seq  # the id's own sequence gave it: one number for both
            event.hash = prev = chain.hash_of(event, key)
        head.seq, head.hash = stream_seq, prev
        head.seal = chain.head_seal(
            key, stream=stream, seq=stream_seq, hash=prev, keyed_from=head.keyed_from
        )
        _store(events, head)
    return events


# Chained last of the shared writes (core.late): one of 16 heads, but every audited
# write of the province takes one.
_CHAINED = late.Kind("audit.chain", 90, _append)


def _store(events: list[AuditEvent], head: AuditHead) -> None:
    """The chained events and their head's new place: on PostgreSQL in one statement
    (one round trip, and no statement for the ORM to build on every write); elsewhere
    the ORM's two."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash", "seal"])
        return
    fields = AuditEvent._meta.concrete_fields
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [f.get_db_prep_save(getattr(e, f.attname), connection) for e in events for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH stored AS (INSERT INTO audit_auditevent ({_EVENT_COLUMNS}) "  # noqa: S608  # nosec B608: our columns
            f"VALUES {', '.join([row] * len(events))} RETURNING 1) "
            "UPDATE audit_audithead SET seq = %s, hash = %s, seal = %s WHERE id = %s",
            [*params, head.seq, head.hash, head.seal, head.id],
        )
        if cursor.rowcount != 1:
            raise AuditHead.DoesNotExist(f"the head of audit stream {head.stream} is gone")
    for event in events:  # stored, as bulk_create leaves them
        event._state.adding, event._state.db = False, connection.alias


_EVENT_COLUMNS = ", ".join(f'"{f.column}"' for f in AuditEvent._meta.concrete_fields)


def streams() -> int:
    return max(1, int(getattr(settings, "AUDIT_STREAMS", 16)))


def _choose_stream() -> int:
    return secrets.randbelow(streams())


def _stream_of_this_transaction() -> int:
    """The stream this transaction appends to: chosen at its first append and kept
    until it commits, so a transaction locks one head only and two transactions
    cannot wait on each other's heads (no deadlock between heads). Called inside the
    transaction. A transaction rolled back leaves its choice to the connection's
    next one, which is as good a choice."""
    conn = transaction.get_connection()
    stream = getattr(conn, "audit_stream", None)
    if stream is None:
        stream = conn.audit_stream = _choose_stream()
    transaction.on_commit(lambda: setattr(conn, "audit_stream", None))
    return stream


_HEAD_COLUMNS = ("id", "stream", "seq", "hash", "keyed_from", "seal")


@functools.lru_cache(maxsize=64)  # a bulk append's counts vary; most are 1 or 2
def _lock_and_number(n: int) -> str:
    """The head locked, then (the CTE's rows come out locked) `n` numbers for the
    events' `seq` from the sequence of the event's id, in one round trip. `n` is
    written into the statement (an int of ours): one prepared statement per count,
    so PostgreSQL plans it once. With `n` as a parameter it could not tell how many
    rows the series gives, and planned the statement again on every write."""
    return (
        "WITH head AS (SELECT id, stream, seq, hash, keyed_from, seal FROM audit_audithead "  # noqa: S608  # nosec B608: an int of ours
        "WHERE stream = %s FOR UPDATE) "
        "SELECT head.*, ARRAY(SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id')) "
        f"FROM generate_series(1, {int(n)})) FROM head"
    )


def _locked_head(stream: int, n: int) -> tuple[AuditHead, list[int]]:
    """The stream's head, locked (made, empty and keyed from its start, the first
    time), and `n` numbers for the events' `seq`, in order, taken under that lock
    but without a lock of their own held to commit: on PostgreSQL from a sequence (a
    rollback leaves a gap). SQLite has one writer at a time: the numbers after the
    largest."""
    for attempt in range(2):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_lock_and_number(n), [stream])
                row = cursor.fetchone()
            if row is not None:
                head = AuditHead(**dict(zip(_HEAD_COLUMNS, row[:-1], strict=True)))
                return head, sorted(row[-1])
        else:
            found = AuditHead.objects.select_for_update().filter(stream=stream).first()
            if found is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM audit_auditevent")
                    last = cursor.fetchone()[0]
                return found, list(range(last + 1, last + n + 1))
        if attempt == 0:
            key = audit_key()
            empty = AuditHead(stream=stream, seq=0, hash=GENESIS_HASH, keyed_from=1)
            empty.seal = chain.head_seal(key, stream=stream, seq=0, hash=GENESIS_HASH, keyed_from=1)
            AuditHead.objects.bulk_create([empty], ignore_conflicts=True)  # another may race
    raise AuditHead.DoesNotExist(f"no head for audit stream {stream}")


def ensure_heads() -> int:
    """Make the head of every stream below AUDIT_STREAMS that has none yet (empty,
    keyed from its start, sealed): after `migrate` (post_migrate), a restore and each
    anchor. From then on every stream has a head, so audit_verify can tell a stream
    removed whole (its events and its head) from one never used. Returns how many
    were made."""
    key = audit_key()
    have = set(AuditHead.objects.values_list("stream", flat=True))
    missing = [
        AuditHead(
            stream=stream,
            seq=0,
            hash=GENESIS_HASH,
            keyed_from=1,
            seal=chain.head_seal(key, stream=stream, seq=0, hash=GENESIS_HASH, keyed_from=1),
        )
        for stream in range(streams())
        if stream not in have
    ]
    AuditHead.objects.bulk_create(missing, ignore_conflicts=True)  # another may race
    return len(missing)


@transaction.atomic
def seal_head() -> AuditHead | None:
    """Key stream 0 (the log from before the streams) from its next event on, and seal
    its head: the upgrade's migration, and a restore of an archive made before the
    upgrade. The events up to here keep their plain SHA-256; the first keyed event
    covers them (its prev_hash). An archive from before the streams is numbered into
    stream 0 too (`upgrade_to_streams`)."""
    upgrade_to_streams()
    head = AuditHead.objects.select_for_update().filter(stream=0).first()
    if head is None or head.keyed_from is not None:
        return head
    head.keyed_from = head.seq + 1
    head.seal = chain.head_seal(
        audit_key(), stream=0, seq=head.seq, hash=head.hash, keyed_from=head.keyed_from
    )
    head.save(update_fields=["keyed_from", "seal"])
    return head


def upgrade_to_streams(execute=None, *, key: bytes | None = None) -> None:
    """The log as it was before the streams becomes stream 0: its events are numbered
    in it as they were (`stream_seq` = `seq`), and its head's seal, if it holds, is
    made again to cover the stream (one that does not hold is left as it is, for
    audit_verify to report). For the migration and a restored older archive."""
    from django.db import connection as conn

    vendor = conn.vendor
    if execute is None:

        def execute(sql, params=()):
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else None

    if execute("SELECT 1 FROM audit_auditevent WHERE stream_seq IS NULL LIMIT 1"):
        guard = importlib.import_module("tinhso.audit.migrations.0002_append_only").SQL
        if vendor == "postgresql":
            execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        elif vendor == "sqlite":
            for statement in guard["sqlite"][1]:
                execute(statement)
        execute("UPDATE audit_auditevent SET stream = 0, stream_seq = seq WHERE stream_seq IS NULL")
        if vendor == "postgresql":
            execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")
        elif vendor == "sqlite":
            for statement in guard["sqlite"][0]:
                execute(statement)
    key = audit_key() if key is None else key
    for pk, seq, hash_, keyed_from, seal in execute(
        "SELECT id, seq, hash, keyed_from, seal FROM audit_audithead WHERE stream = 0"
    ):
        if keyed_from is None or chain.same(
            seal, chain.head_seal(key, stream=0, seq=seq, hash=hash_, keyed_from=keyed_from)
        ):
            continue
        old = chain.head_seal_before_streams(key, seq=seq, hash=hash_, keyed_from=keyed_from)
        if chain.same(seal, old):
            new = chain.head_seal(key, stream=0, seq=seq, hash=hash_, keyed_from=keyed_from)
            execute("UPDATE audit_audithead SET seal = %s WHERE id = %s", [new, pk])


def make_anchor(heads: list[list] | None = None) -> AuditAnchor | None:
    """Record every stream's head in a new anchor, chained to the one before it:
    `heads` as audit_verify checked them, or else as they are committed now (read in
    one statement, without locking any head: appends go on meanwhile). None while the
    log is empty (nothing to hold, and a fresh installation stays empty for a
    restore)."""
    key = audit_key()
    for attempt in range(3):
        try:
            with transaction.atomic():
                last = AuditAnchor.objects.select_for_update().order_by("-seq").first()
                recorded = heads
                if recorded is None:
                    recorded = [
                        [stream, seq, hash_]
                        for stream, seq, hash_ in AuditHead.objects.order_by("stream").values_list(
                            "stream", "seq", "hash"
                        )
                    ]
                if not any(seq for _, seq, _ in recorded):
                    return None
                anchor = AuditAnchor(
                    seq=last.seq + 1 if last else 1,
                    at=timezone.now(),
                    heads=recorded,
                    prev_hash=last.hash if last else GENESIS_HASH,
                )
                anchor.hash = chain.anchor_hash(
                    key, seq=anchor.seq, at=anchor.at, heads=recorded, prev_hash=anchor.prev_hash
                )
                anchor.save()
                _anchored_in_every_stream(anchor, [stream for stream, _, _ in recorded])
                return anchor
        except IntegrityError:  # the first anchor, made by two at once
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


ANCHORED = "audit.anchored"


def _anchored_in_every_stream(anchor: AuditAnchor, streams_: list[int]) -> None:
    """The anchor written into every stream it recorded, as an event (heads locked in
    the streams' order: an audited transaction holds one head and never waits for
    another, so this cannot deadlock with one). Cutting one stream back and the
    anchors with it then leaves the other streams naming an anchor that is gone:
    only the whole log cut back to one moment escapes audit_verify, as before the
    streams (and `audit_verify --anchor` with an anchor kept elsewhere finds that)."""
    for stream in sorted(streams_):
        event = AuditEvent(
            at=anchor.at,
            actor_label="system",
            action=ANCHORED,
            object_type="audit.AuditAnchor",
            object_id=str(anchor.seq),
            after={"anchor": anchor.seq, "hash": anchor.hash},
        )
        _append([event], stream=stream)
