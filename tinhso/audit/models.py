from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """Nhật ký hệ thống: one event of an append-only, hash-chained log.

    The log is AUDIT_STREAMS chains ("streams"), so that transactions writing at once
    do not queue on one lock: a transaction appends all its events to one stream.
    `stream_seq` numbers the events of a stream 1, 2, 3… without gaps: an event
    missing is judged there. `seq` orders the whole log in time (the order to show
    it in); it comes from a database sequence, so a rolled-back transaction leaves a
    gap in it, which is normal. Within a stream, `seq` grows with `stream_seq`.

    `hash` = HMAC-SHA256, under the audit key kept outside the database, of the
    event's canonical JSON, which includes `prev_hash`, the hash of the event before
    it in its stream (plain SHA-256 for the events written before the chain was
    keyed: see AuditHead.keyed_from). Rows are never updated or deleted (database
    triggers refuse it); `tinhso audit_verify` recomputes every stream, and AuditAnchor
    records the streams' heads from time to time.
    """

    seq = models.BigIntegerField(unique=True)
    stream = models.SmallIntegerField(default=0)
    # Empty only in rows from an archive made before the streams, until its restore
    # numbers them (`services.upgrade_to_streams`).
    stream_seq = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=150, blank=True)
    agency_code = models.CharField(max_length=40, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)  # ours
    # What the client sent as X-Request-ID: its own word, for correlating its logs.
    client_request_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["stream", "stream_seq"], name="audit_event_stream_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """The newest event of one stream (a row a stream): taken under a lock to append
    to that stream, and compared by audit_verify so that removing the last events is
    detected too. `seq` is the stream's `stream_seq` (0: no event yet).

    `keyed_from`: the first event of the stream hashed with the audit key (stream 0,
    the log from before the streams, keeps plain SHA-256 for its events from before
    the upgrade; every other stream is keyed from its start, 1). `seal`: HMAC of
    (stream, seq, hash, keyed_from) under the key, so that neither the end of a stream
    nor its switch point can be moved, nor one stream's head passed for another's,
    without it."""

    stream = models.SmallIntegerField(default=0, unique=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    keyed_from = models.BigIntegerField(null=True, blank=True)
    seal = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"head {self.stream} #{self.seq}"


class AuditAnchor(models.Model):
    """Every stream's head (stream, seq, hash) at one moment, in one record sealed
    under the audit key and chained to the anchor before it (`prev_hash`): made by the
    periodic `audit_anchor` command and by `audit_verify`. audit_verify checks that
    each head an anchor recorded is still in its stream, so an event removed or
    altered before an anchor is detected even if the stream's head was rewritten
    with it. Append-only, like the events."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    heads = models.JSONField()  # [[stream, seq, hash], …] ordered by stream
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"anchor #{self.seq}"
