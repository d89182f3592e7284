from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """Nhật ký hệ thống: one event of an append-only, hash-chained log.

    `hash` = HMAC-SHA256, under the audit key kept outside the database, of the
    event's canonical JSON, which includes `prev_hash`, the hash of the event before
    it (plain SHA-256 for the events written before the chain was keyed: see
    AuditHead.keyed_from). Rows are never updated or deleted (database triggers refuse
    it); `tinhso audit_verify` recomputes the chain.
    """

    seq = models.BigIntegerField(unique=True)
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

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """The newest event of the chain (one row): taken under a lock to append, and
    compared by audit_verify so that removing the last events is detected too.

    `keyed_from`: the first event hashed with the audit key (the ones before it, from
    before the upgrade, keep plain SHA-256). `seal`: HMAC of (seq, hash, keyed_from)
    under the key, so that neither the end of the chain nor the switch point can be
    moved without it."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
    keyed_from = models.BigIntegerField(null=True, blank=True)
    seal = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"head #{self.seq}"
