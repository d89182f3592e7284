"""The audit chain is keyed (HMAC-SHA256 under AUDIT_KEY, kept outside the database)
from the next event on: the head records that switch point under a seal. The events
already written keep their plain SHA-256. A client's X-Request-ID gets its own
column, apart from our request id."""

import importlib

from django.db import migrations, models


def seal(apps, schema_editor):
    from tinhso.audit import chain
    from tinhso.audit.keys import audit_key

    AuditHead = apps.get_model("audit", "AuditHead")
    for head in AuditHead.objects.filter(keyed_from__isnull=True):
        head.keyed_from = head.seq + 1
        head.seal = chain.head_seal_before_streams(
            audit_key(), seq=head.seq, hash=head.hash, keyed_from=head.keyed_from
        )
        head.save(update_fields=["keyed_from", "seal"])


def triggers_again(apps, schema_editor):
    """SQLite adds a NOT NULL column by copying the table, which loses its triggers:
    the append-only guard is put back (PostgreSQL keeps them)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    guard = importlib.import_module("tinhso.audit.migrations.0002_append_only")
    for statement in guard.SQL["sqlite"][1] + guard.SQL["sqlite"][0]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="client_request_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="audithead",
            name="keyed_from",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="audithead",
            name="seal",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(triggers_again, triggers_again),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
