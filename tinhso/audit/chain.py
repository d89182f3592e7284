"""The hash of an audit event: pure functions, shared by writing and verifying.

Events are chained with HMAC-SHA256 under the audit key (`keys.py`); those written
before the chain was keyed keep their plain SHA-256 (and no `client_request_id`):
the head records from which event on the chain is keyed (`keyed_from`), under a seal
(an HMAC of the head) that nobody without the key can move."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def normalize(value: Any) -> Any:
    """What a JSON column gives back: plain JSON types only."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode("utf-8")


def event_fields(
    *,
    seq: int,
    at: datetime.datetime,
    actor_id: int | None,
    actor_label: str,
    agency_code: str,
    action: str,
    object_type: str,
    object_id: str,
    ip: str | None,
    request_id: str,
    channel: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "agency_code": agency_code,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "ip": ip,
        "request_id": request_id,
        "channel": channel,
        "before": before,
        "after": after,
        "prev_hash": prev_hash,
    }


def event_hash(fields: dict[str, Any], key: bytes | None = None) -> str:
    """HMAC-SHA256 of the canonical fields under `key`; plain SHA-256 without one
    (the events from before the chain was keyed)."""
    if key is None:
        return hashlib.sha256(canonical(fields)).hexdigest()
    return hmac.new(key, canonical(fields), hashlib.sha256).hexdigest()


def stored_fields(event, *, keyed: bool) -> dict[str, Any]:
    fields = event_fields(
        seq=event.seq,
        at=event.at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        agency_code=event.agency_code,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        ip=event.ip,
        request_id=event.request_id,
        channel=event.channel,
        before=event.before,
        after=event.after,
        prev_hash=event.prev_hash,
    )
    if keyed:  # the keyed chain also covers what the client said its request was
        fields["client_request_id"] = event.client_request_id
    # Its place in its stream, except for the events from before the streams (stream
    # 0, numbered as the log was): those read (0, seq) and are hashed as they were.
    # Any other value is covered, so moving an event is detected either way.
    stream, stream_seq = getattr(event, "stream", 0), getattr(event, "stream_seq", event.seq)
    if (stream, stream_seq) != (0, event.seq):
        fields["stream"], fields["stream_seq"] = stream, stream_seq
    return fields


def hash_of(event, key: bytes | None) -> str:
    """Recompute a stored event's hash from its columns (keyed when `key` is given)."""
    return event_hash(stored_fields(event, keyed=key is not None), key)


def head_seal(key: bytes, *, stream: int, seq: int, hash: str, keyed_from: int | None) -> str:
    return event_hash({"stream": stream, "head": seq, "hash": hash, "keyed_from": keyed_from}, key)


def head_seal_before_streams(key: bytes, *, seq: int, hash: str, keyed_from: int | None) -> str:
    """The seal of the one head from before the streams (checked when upgrading it)."""
    return event_hash({"head": seq, "hash": hash, "keyed_from": keyed_from}, key)


def anchor_hash(key: bytes, *, seq: int, at: datetime.datetime, heads: list, prev_hash: str) -> str:
    return event_hash(
        {
            "anchor": seq,
            "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "heads": heads,
            "prev_hash": prev_hash,
        },
        key,
    )


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
