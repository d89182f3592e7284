"""Telling people what happened. `notify` is called inside a service's transaction;
the in-app row commits with the change, the e-mail and SMS leave after commit."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from .channels import send_email, sms_sender
from .models import Notification

logger = logging.getLogger("tinhso.notifications")


def notify(*, user, subject: str, body: str, link: str = "") -> Notification:
    notification = Notification.objects.create(
        user=user, subject=subject[:200], body=body, link=link[:300]
    )
    email, phone = user.email, user.phone

    def deliver() -> None:
        # Delivery failures are logged, never raised: the change itself has happened.
        if email:
            try:
                send_email(to=email, subject=subject, body=f"{body}\n\n{link}".strip())
            except Exception:
                logger.exception("e-mail notification %s failed", notification.pk)
        if phone:
            try:
                sms_sender().send(phone=phone, text=f"{subject}. {link}".strip())
            except Exception:
                logger.exception("SMS notification %s failed", notification.pk)

    transaction.on_commit(deliver)
    return notification


def mark_read(*, user, notification_ids: list[int]) -> int:
    return Notification.objects.filter(
        user=user, pk__in=notification_ids, read_at__isnull=True
    ).update(read_at=timezone.now())
