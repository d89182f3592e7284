"""Telling people what happened. `notify` is called inside a service's transaction;
the in-app row commits with the change, the e-mail and SMS leave after commit, at
least once and never twice (the row is the outbox; see `deliver`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tinhso.core import jobs
from tinhso.core.compiled import Compiled, insert, update

from .channels import send_email, sms_sender
from .models import Notification

logger = logging.getLogger("tinhso.notifications")


MAX_ATTEMPTS = 5


def notify(*, user, subject: str, body: str, link: str = "") -> Notification:
    has_outside_channel = bool(user.email or user.phone)
    notification = insert(
        Notification(
            user=user,
            subject=subject[:200],
            body=body,
            link=link[:300],
            delivered_at=None if has_outside_channel else timezone.now(),
        )
    )
    if has_outside_channel:
        # After commit: on a Celery worker when there is a broker, inline otherwise;
        # `deliver_notifications` (periodic) picks up any that a crash left behind.
        jobs.defer("notifications.deliver", notification_id=notification.pk)
    return notification


# The notification locked (not its person's row), with its person: compiled once per
# process (core.compiled), as every change a citizen is told of comes here.
_UNDELIVERED = Compiled(
    lambda pk: (
        Notification.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=pk, delivered_at__isnull=True)
        .order_by()
    ),
    [2_147_000_005],  # never a notification's id in this statement's first build
)


def deliver(*, notification_id: int) -> None:
    """Send a notification's e-mail and SMS, each at most once: the row is locked
    while sending and each channel is marked sent, so a second delivery (a
    redelivered message, the sweep) sends only what failed before. Failures are
    logged, never raised: the change itself has happened."""
    now = timezone.now
    with transaction.atomic():
        notification = _UNDELIVERED.first(notification_id)
        if notification is None:
            return
        user = notification.user
        subject, body, link = notification.subject, notification.body, notification.link
        failed = False
        if user.email and notification.email_sent_at is None:
            try:
                send_email(to=user.email, subject=subject, body=f"{body}\n\n{link}".strip())
                notification.email_sent_at = now()
            except Exception:
                failed = True
                logger.exception("e-mail notification %s failed", notification.pk)
        if user.phone and notification.sms_sent_at is None:
            try:
                sms_sender().send(phone=user.phone, text=f"{subject}. {link}".strip())
                notification.sms_sent_at = now()
            except Exception:
                failed = True
                logger.exception("SMS notification %s failed", notification.pk)
        notification.attempts += 1
        if not failed or notification.attempts >= MAX_ATTEMPTS:
            notification.delivered_at = now()
        update(notification, ("email_sent_at", "sms_sent_at", "attempts", "delivered_at"))


def deliver_pending(*, older_than: timedelta = timedelta(minutes=2), limit: int = 1000) -> int:
    """Deliver what a crash, a lost message or a failed channel left undelivered."""
    ids = list(
        Notification.objects.filter(
            delivered_at__isnull=True, created_at__lt=timezone.now() - older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for notification_id in ids:
        deliver(notification_id=notification_id)
    return len(ids)


def mark_read(*, user, notification_ids: list[int]) -> int:
    return Notification.objects.filter(
        user=user, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=timezone.now())
