"""Writing to the audit log. Every service that changes something that matters
calls `record_event` inside its own transaction: the change and its event commit
together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.core import context

from . import chain
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
    ctx = context.current()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
        now = timezone.now()
        is_person = actor is not None and getattr(actor, "is_authenticated", False)
        fields = chain.event_fields(
            seq=head.seq + 1,
            at=now,
            actor_id=actor.pk if is_person else None,
            actor_label=actor.get_username() if is_person else ctx.channel,
            agency_code=agency_code,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            ip=ctx.ip,
            request_id=ctx.request_id,
            channel=ctx.channel,
            before=chain.normalize(before),
            after=chain.normalize(after),
            prev_hash=head.hash,
        )
        digest = chain.event_hash(fields)
        event = AuditEvent.objects.create(
            seq=fields["seq"],
            at=now,
            actor_id=fields["actor_id"],
            actor_label=fields["actor_label"],
            agency_code=agency_code,
            action=action,
            object_type=object_type,
            object_id=fields["object_id"],
            ip=fields["ip"],
            request_id=fields["request_id"],
            channel=fields["channel"],
            before=fields["before"],
            after=fields["after"],
            prev_hash=fields["prev_hash"],
            hash=digest,
        )
        head.seq, head.hash = event.seq, digest
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class ChainReport:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    problems: list[str]


def verify_chain(*, progress=None, batch: int = 2000) -> ChainReport:
    """Walk the whole chain in order; report every event altered, removed or inserted."""
    problems: list[str] = []
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
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
            if chain.hash_of(event) != event.hash:
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
    return ChainReport(not problems, checked, head_seq, head_hash, problems)
