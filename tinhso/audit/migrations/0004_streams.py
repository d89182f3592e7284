"""The audit log becomes AUDIT_STREAMS chains ("streams"), each with its own head, so
that audited transactions do not all queue on one lock; anchors record every
stream's head from time to time. The log as it was becomes stream 0 (its events
numbered in it as they were, its head sealed again to cover the stream, its
`keyed_from` kept): it verifies as before."""

from django.db import migrations, models

ANCHOR_GUARD = {
    "postgresql": (
        [
            """
            CREATE OR REPLACE FUNCTION audit_anchor_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit anchors are append-only';
            END;
            $$ LANGUAGE plpgsql;
            """,
            """
            CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE OR DELETE ON audit_auditanchor
            FOR EACH ROW EXECUTE FUNCTION audit_anchor_append_only();
            """,
        ],
        [
            "DROP TRIGGER IF EXISTS audit_anchor_no_update ON audit_auditanchor;",
            "DROP FUNCTION IF EXISTS audit_anchor_append_only();",
        ],
    ),
    "sqlite": (
        [
            """
            CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_auditanchor
            BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;
            """,
            """
            CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_auditanchor
            BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;
            """,
        ],
        [
            "DROP TRIGGER IF EXISTS audit_anchor_no_update;",
            "DROP TRIGGER IF EXISTS audit_anchor_no_delete;",
        ],
    ),
}


def into_stream_zero(apps, schema_editor):
    from tinhso.audit.services import upgrade_to_streams

    def execute(sql, params=()):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    upgrade_to_streams(execute)


def head_ids(apps, schema_editor):
    """The first head was made with its id given (1): PostgreSQL's sequence for the
    heads' ids is moved past it, for the streams' heads made from now on."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_audithead', 'id'), "
            "COALESCE(MAX(id), 0) + 1, false) FROM audit_audithead"
        )


def guards(apps, schema_editor):
    """The anchors' guard; and the events' again on SQLite, which adds a column by
    copying the table (losing its triggers)."""
    import importlib

    vendor = schema_editor.connection.vendor
    statements = ANCHOR_GUARD.get(vendor, ([], []))[0]
    if vendor == "sqlite":
        events = importlib.import_module("tinhso.audit.migrations.0002_append_only").SQL
        statements = events["sqlite"][1] + events["sqlite"][0] + statements
    for statement in statements:
        schema_editor.execute(statement)


def no_guards(apps, schema_editor):
    for statement in ANCHOR_GUARD.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain")]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(unique=True)),
                ("at", models.DateTimeField()),
                ("heads", models.JSONField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
            ],
            options={"ordering": ["-seq"]},
        ),
        migrations.AddField(
            model_name="auditevent",
            name="stream",
            field=models.SmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="stream_seq",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="audithead",
            name="stream",
            field=models.SmallIntegerField(default=0, unique=True),
        ),
        migrations.RunPython(into_stream_zero, migrations.RunPython.noop),
        migrations.RunPython(head_ids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("stream", "stream_seq"), name="audit_event_stream_seq"
            ),
        ),
        migrations.RunPython(guards, no_guards),
    ]
