import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tinhso.audit.models import AuditEvent
from tinhso.audit.services import record_event
from tinhso.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _three_events():
    return [
        record_event(
            action="test.event", object_type="t", object_id=i, after={"n": i, "tên": "Hạ Long"}
        )
        for i in range(3)
    ]


def _raw(sql, params=()):
    """Tamper as an intruder with database access would: around the guard triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql, params)


def test_each_event_holds_the_hash_of_the_one_before():
    events = _three_events()
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert verify_chain().ok


def test_an_edited_event_is_detected():
    events = _three_events()
    _raw("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["999", events[1].seq])
    report = verify_chain()
    assert not report.ok
    assert f"event #{events[1].seq} was altered" in report.problems


def test_a_deleted_event_is_detected():
    events = _three_events()
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    report = verify_chain()
    assert not report.ok
    assert any("missing" in p for p in report.problems)


def test_removing_the_newest_event_is_detected():
    events = _three_events()
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    report = verify_chain()
    assert not report.ok
    assert any("removed from the end" in p for p in report.problems)


def test_the_database_refuses_changes_to_events():
    event = _three_events()[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(RuntimeError):
        event.save()


def test_audit_verify_command_exits_non_zero_on_tampering(capsys):
    events = _three_events()
    call_command("audit_verify")
    assert "audit chain OK" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET after = %s WHERE seq = %s", ['{"n": 42}', events[0].seq])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify")


def test_events_record_the_request_context(client, citizen):
    client.force_login(citizen)
    client.post(
        "/tai-khoan/ho-so/",
        {"email": "moi@example.vn", "phone": "0912000111"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_REQUEST_ID="abc123",
    )
    event = AuditEvent.objects.filter(action="accounts.profile_updated").get()
    assert (event.ip, event.client_request_id, event.channel) == ("203.0.113.7", "abc123", "web")
    assert event.actor_label == citizen.username
    assert event.before["email"] == "" and event.after["email"] == "moi@example.vn"
