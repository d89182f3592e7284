"""Outside channels behind one interface each, with a local implementation so that
tests and the demo run offline (GOV.UK Notify's clients with stub twins)."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from tinhso.core.identity import mask_ids_in_text

logger = logging.getLogger("tinhso.notifications")


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class LoggingSmsSender:
    """Writes the SMS (or Zalo message) to the log instead of sending it."""

    def send(self, *, phone: str, text: str) -> None:
        masked_phone = phone[:3] + "****" + phone[-3:] if len(phone) > 6 else "***"
        logger.info("SMS to %s: %s", masked_phone, mask_ids_in_text(text))


def sms_sender() -> SmsSender:
    path = getattr(settings, "SMS_SENDER", "tinhso.notifications.channels.LoggingSmsSender")
    return import_string(path)()


def send_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
