"""Writing to the audit log. Every service that changes something that matters
calls `record_event` inside its own transaction: the change and its event commit
together or not at all."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.core import context

from . import chain
from .keys import audit_key
from .models import GENESIS_HASH, AuditEvent, AuditHead


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
    `appended_at_the_end` the event is only noted here (what, who, when) and chained at
    that block's end, still in the transaction: the chain's head is locked for a few
    statements, not for the rest of the request."""
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
    pending = _pending.get()
    if pending is not None:
        event = AuditEvent(**fields)  # its seq and hashes when the block ends
        pending.append(event)
        return event
    return _append([AuditEvent(**fields)])[0]


# The events noted by the innermost `appended_at_the_end` block of this thread (None
# outside one).
_pending: ContextVar[list[AuditEvent] | None] = ContextVar("audit_pending", default=None)


@contextmanager
def appended_at_the_end():
    """Chain the events recorded inside the block when it ends (in order, in one
    statement), not one by one as they come: for a service's whole transaction, put it
    just inside the `transaction.atomic`, so the events commit with the change and the
    head stays locked only from the block's end to the commit. A block inside another
    leaves its events to the outer one; an exception drops them with the change."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set([])
    try:
        yield
        events = _pending.get() or []
    finally:
        _pending.reset(token)
    if events:
        _append(events)


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    """Chain `events` after the head (locked until the transaction ends) and store them."""
    key = audit_key()
    # No savepoint of its own: a failure here fails the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH, keyed_from=1)
        # (A head without `keyed_from` was not sealed by the upgrade: never sealed here,
        # where it could cover a rewrite; audit_verify reports it.)
        seq, prev = head.seq, head.hash
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            fields = chain.stored_fields(event, keyed=True)
            event.hash = prev = chain.event_hash(fields, key)
        AuditEvent.objects.bulk_create(events)
        head.seq, head.hash = seq, prev
        head.seal = chain.head_seal(key, seq=seq, hash=prev, keyed_from=head.keyed_from)
        head.save(update_fields=["seq", "hash", "seal"])
    return events


@transaction.atomic
def seal_head() -> AuditHead | None:
    """Key the chain from the next event on, and seal the head: the upgrade's
    migration, and a restore of an archive made before the upgrade. The events up to
    here keep their plain SHA-256; the first keyed event covers them (its prev_hash)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None or head.keyed_from is not None:
        return head
    head.keyed_from = head.seq + 1
    head.seal = chain.head_seal(
        audit_key(), seq=head.seq, hash=head.hash, keyed_from=head.keyed_from
    )
    head.save(update_fields=["keyed_from", "seal"])
    return head


@dataclass
class ChainReport:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    problems: list[str]
    keyed_from: int | None = None


def verify_chain(*, progress=None, batch: int = 2000, key: bytes | None = None) -> ChainReport:
    """Walk the whole chain in order; report every event altered, removed or inserted,
    and a head whose seal does not hold (altered, or checked with another AUDIT_KEY)."""
    key = audit_key() if key is None else key
    problems: list[str] = []
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    keyed_from = head.keyed_from if head else 1
    if head is not None:
        if head.keyed_from is None:
            problems.append("the head is not sealed: the chain's switch to HMAC was removed")
        elif not chain.same(
            head.seal,
            chain.head_seal(key, seq=head.seq, hash=head.hash, keyed_from=head.keyed_from),
        ):
            problems.append(
                "the head's seal does not match: the head was altered, or this is not "
                "the AUDIT_KEY the chain was written with"
            )
    switch = keyed_from if keyed_from is not None else 1
    expected_seq, prev = 1, GENESIS_HASH
    checked = 0
    last_seq = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                problems.append(f"events #{expected_seq}..#{event.seq - 1} are missing")
            if event.prev_hash != prev:
                problems.append(f"event #{event.seq} does not follow the event before it")
            computed = chain.hash_of(event, key if event.seq >= switch else None)
            if not chain.same(computed, event.hash):
                problems.append(f"event #{event.seq} was altered")
            prev, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
            checked += 1
        if progress:
            progress(checked)
    if last_seq != head_seq or prev != head_hash:
        problems.append(
            f"the chain ends at #{last_seq} but the head records #{head_seq}: "
            "events were removed from the end"
        )
    return ChainReport(not problems, checked, head_seq, head_hash, problems, keyed_from)
