"""E-mail and SMS leave after commit, at least once and never twice: the notification
row is the outbox, each channel marked when sent."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from tinhso.notifications import services
from tinhso.notifications.models import Notification

SENT_SMS: list[tuple[str, str]] = []


class RecordingSms:
    def send(self, *, phone: str, text: str) -> None:
        SENT_SMS.append((phone, text))


class BrokenSms:
    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")


@pytest.fixture
def person(make_citizen):
    user = make_citizen()
    user.email, user.phone = "congdan@example.vn", "0912345678"
    user.save(update_fields=["email", "phone"])
    SENT_SMS.clear()
    return user


def _notify(user, capture):
    with capture(execute=True):
        return services.notify(
            user=user, subject="Hồ sơ đã được tiếp nhận", body="Nội dung", link="/ho-so/X/"
        )


@override_settings(SMS_SENDER=f"{__name__}.RecordingSms")
def test_sent_once_after_commit_and_marked(person, django_capture_on_commit_callbacks):
    note = _notify(person, django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["congdan@example.vn"]
    assert SENT_SMS == [("0912345678", "Hồ sơ đã được tiếp nhận. /ho-so/X/")]
    assert note.delivered_at and note.email_sent_at and note.sms_sent_at


@override_settings(SMS_SENDER=f"{__name__}.RecordingSms")
def test_a_second_delivery_sends_nothing_again(person, django_capture_on_commit_callbacks):
    note = _notify(person, django_capture_on_commit_callbacks)
    services.deliver(notification_id=note.pk)  # the same message delivered again
    Notification.objects.filter(pk=note.pk).update(
        created_at=note.created_at - datetime.timedelta(hours=1)
    )
    call_command("deliver_notifications", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 1
    assert len(SENT_SMS) == 1


def test_a_failed_channel_is_retried_alone_by_the_sweep(person, django_capture_on_commit_callbacks):
    with override_settings(SMS_SENDER=f"{__name__}.BrokenSms"):
        note = _notify(person, django_capture_on_commit_callbacks)
    note.refresh_from_db()
    assert note.delivered_at is None and note.email_sent_at is not None
    Notification.objects.filter(pk=note.pk).update(
        created_at=note.created_at - datetime.timedelta(hours=1)
    )
    with override_settings(SMS_SENDER=f"{__name__}.RecordingSms"):
        assert services.deliver_pending() == 1
    note.refresh_from_db()
    assert note.delivered_at is not None and note.attempts == 2
    assert len(mail.outbox) == 1  # the e-mail that went out the first time is not resent
    assert len(SENT_SMS) == 1


def test_a_channel_that_keeps_failing_is_given_up(person, django_capture_on_commit_callbacks):
    with override_settings(SMS_SENDER=f"{__name__}.BrokenSms"):
        note = _notify(person, django_capture_on_commit_callbacks)
        for _ in range(services.MAX_ATTEMPTS):
            services.deliver(notification_id=note.pk)
    note.refresh_from_db()
    assert note.delivered_at is not None and note.sms_sent_at is None
    assert note.attempts == services.MAX_ATTEMPTS


def test_nothing_to_send_without_email_or_phone(citizen, django_capture_on_commit_callbacks):
    note = _notify(citizen, django_capture_on_commit_callbacks)
    assert note.delivered_at is not None
    assert mail.outbox == []
