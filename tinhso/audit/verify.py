"""Checking the audit log: every stream walked in order, every head's seal, every
anchor (`tinhso audit_verify`)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from . import chain
from .keys import audit_key
from .models import GENESIS_HASH, AuditAnchor, AuditEvent, AuditHead
from .services import ANCHORED, streams


@dataclass
class ChainReport:
    ok: bool
    checked: int
    head_seq: int  # the newest event's `seq` (in the whole log)
    head_hash: str  # the newest anchor's hash, if any
    problems: list[str]
    keyed_from: int | None = None  # stream 0's
    heads: list[list] = field(default_factory=list)  # [[stream, seq, hash]] as checked
    streams: int = 0
    anchors: int = 0


@contextmanager
def _one_snapshot():
    """Read the whole log as of one moment (PostgreSQL: a REPEATABLE READ transaction,
    when not already inside one), so that appends going on do not look like events
    removed from the end."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    with transaction.atomic():
        yield


def verify_chain(*, progress=None, batch: int = 2000, key: bytes | None = None) -> ChainReport:
    """Walk every stream in order and report every event altered, removed (a gap in
    `stream_seq`, or the end short of the head) or inserted; a head whose seal does
    not hold (altered, or checked with another AUDIT_KEY); an anchor altered, and a
    head an anchor recorded that its stream no longer has."""
    key = audit_key() if key is None else key
    with _one_snapshot():
        problems: list[str] = []
        heads = {h.stream: h for h in AuditHead.objects.all()}
        head: AuditHead | None
        for head in heads.values():
            if head.keyed_from is None:
                problems.append(
                    f"stream {head.stream}: the head is not sealed: "
                    "the chain's switch to HMAC was removed"
                )
            elif not chain.same(
                head.seal,
                chain.head_seal(
                    key,
                    stream=head.stream,
                    seq=head.seq,
                    hash=head.hash,
                    keyed_from=head.keyed_from,
                ),
            ):
                problems.append(
                    f"stream {head.stream}: the head's seal does not match: the head was "
                    "altered, or this is not the AUDIT_KEY the chain was written with"
                )
        anchored, anchors, last_anchor = _check_anchors(key, problems)
        anchor_hashes = dict(AuditAnchor.objects.values_list("seq", "hash"))
        present = set(AuditEvent.objects.values_list("stream", flat=True).distinct())
        checked = newest = 0
        # Every stream below the highest one known has a head (ensure_heads): one
        # missing with its events too is a stream removed whole.
        known = range(max([streams() - 1, *present, *heads]) + 1) if heads or present else []
        for stream in sorted(present | set(heads) | set(known)):
            head = heads.get(stream)
            if head is None and stream not in present:
                problems.append(
                    f"stream {stream} has no head: it was removed with its events (or "
                    "AUDIT_STREAMS was raised and `tinhso migrate` has not made its head)"
                )
                continue
            if head is None:
                problems.append(f"stream {stream} has events but no head")
            count, end, last_seq = _check_stream(
                stream, head, key, anchored, problems, batch, progress, checked, anchor_hashes
            )
            checked += count
            newest = max(newest, last_seq)
            if head is not None and (end[0] != head.seq or end[1] != head.hash):
                problems.append(
                    f"stream {stream} ends at {end[0]} but its head records {head.seq}: "
                    "events were removed from the end"
                )
        loose = AuditEvent.objects.filter(stream_seq__isnull=True).count()
        if loose:
            problems.append(f"{loose} event(s) are in no stream (not numbered in one)")
        for (stream, stream_seq), (number, _) in sorted(anchored.items()):
            problems.append(
                f"stream {stream} no longer has its event {stream_seq} that anchor "
                f"#{number} recorded: the stream was truncated or rewritten"
            )
        zero = heads.get(0)
        return ChainReport(
            ok=not problems,
            checked=checked,
            head_seq=newest,
            head_hash=last_anchor,
            problems=problems,
            keyed_from=zero.keyed_from if zero else 1,
            heads=[[h.stream, h.seq, h.hash] for _, h in sorted(heads.items())],
            streams=len(heads),
            anchors=anchors,
        )


def _check_anchors(key: bytes, problems: list[str]):
    """Check the anchors' own chain; give the heads they recorded, still to be found
    in the streams: {(stream, stream_seq): (anchor number, hash)}."""
    anchored: dict[tuple[int, int], tuple[int, str]] = {}
    prev, expected, count = GENESIS_HASH, 1, 0
    for anchor in AuditAnchor.objects.order_by("seq").iterator(chunk_size=500):
        count += 1
        if anchor.seq != expected:
            problems.append(f"anchors #{expected}..#{anchor.seq - 1} are missing")
        if anchor.prev_hash != prev:
            problems.append(f"anchor #{anchor.seq} does not follow the anchor before it")
        computed = chain.anchor_hash(
            key, seq=anchor.seq, at=anchor.at, heads=anchor.heads, prev_hash=anchor.prev_hash
        )
        if not chain.same(computed, anchor.hash):
            problems.append(f"anchor #{anchor.seq} was altered")
        for stream, stream_seq, hash_ in anchor.heads:
            if stream_seq == 0:
                if hash_ != GENESIS_HASH:
                    problems.append(f"anchor #{anchor.seq} records an empty stream {stream}")
                continue
            seen = anchored.get((stream, stream_seq))
            if seen is not None and seen[1] != hash_:
                problems.append(f"anchors #{seen[0]} and #{anchor.seq} disagree on stream {stream}")
            anchored[(stream, stream_seq)] = (anchor.seq, hash_)
        prev, expected = anchor.hash, anchor.seq + 1
    return anchored, count, prev if count else ""


def _check_stream(stream, head, key, anchored, problems, batch, progress, done, anchor_hashes):
    """Walk one stream; give (events checked, (last stream_seq, last hash), last seq).
    An anchor the stream recorded (its ANCHORED event) must still be in the anchors."""
    switch = head.keyed_from if head is not None and head.keyed_from is not None else 1
    expected, prev, last_seq, checked = 1, GENESIS_HASH, 0, 0
    after = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(stream=stream, stream_seq__gt=after).order_by("stream_seq")[
                :batch
            ]
        )
        if not rows:
            break
        for event in rows:
            name = f"event #{event.seq}"
            stream_seq = event.stream_seq or 0  # numbered in the stream (the filter)
            if stream_seq != expected:
                problems.append(f"stream {stream}: events {expected}..{stream_seq - 1} are missing")
            if event.prev_hash != prev:
                problems.append(f"{name} does not follow the event before it")
            if event.seq <= last_seq:
                problems.append(f"{name} is out of order in stream {stream}")
            computed = chain.hash_of(event, key if stream_seq >= switch else None)
            if not chain.same(computed, event.hash):
                problems.append(f"{name} was altered")
            if event.action == ANCHORED and isinstance(event.after, dict):
                number = event.after.get("anchor")
                if not chain.same(str(anchor_hashes.get(number, "")), str(event.after.get("hash"))):
                    problems.append(
                        f"stream {stream} records anchor #{number}, which the anchors no longer "
                        "have: the anchors were cut back (and streams with them)"
                    )
            mark = anchored.pop((stream, stream_seq), None)
            if mark is not None and not chain.same(mark[1], event.hash):
                problems.append(
                    f"{name} is not the event anchor #{mark[0]} recorded in stream {stream}"
                )
            prev, expected, after = event.hash, stream_seq + 1, stream_seq
            last_seq = max(last_seq, event.seq)
            checked += 1
        if progress:
            progress(done + checked)
    return checked, (after, prev), last_seq
