"""The database itself refuses to change or delete an audit event."""

from django.db import migrations

SQL = {
    "postgresql": (
        [
            """
            CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'audit events are append-only';
            END;
            $$ LANGUAGE plpgsql;
            """,
            """
            CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_auditevent
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
            """,
        ],
        [
            "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;",
            "DROP FUNCTION IF EXISTS audit_event_append_only();",
        ],
    ),
    "sqlite": (
        [
            """
            CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
            """,
            """
            CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
            """,
        ],
        [
            "DROP TRIGGER IF EXISTS audit_event_no_update;",
            "DROP TRIGGER IF EXISTS audit_event_no_delete;",
        ],
    ),
}


def _run(apps, schema_editor, index):
    statements = SQL.get(schema_editor.connection.vendor)
    if statements is None:
        return
    for statement in statements[index]:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(apps, schema_editor, 0)


def backwards(apps, schema_editor):
    _run(apps, schema_editor, 1)


def create_head(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
