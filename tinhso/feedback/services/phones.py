"""An anonymous reporter proves a phone number with a code sent by SMS (through the
notifications' SMS channel). Only a hash of the code is kept; five tries per code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import throttle
from tinhso.core.errors import ValidationFailed
from tinhso.notifications.channels import sms_sender
from tinhso.population.normalize import InvalidValue, normalize_phone

from ..error_codes import FeedbackErrorCode
from ..models import PhoneConfirmation

CODE_MINUTES = 10
MAX_TRIES = 5
CONFIRMED_FOR = timedelta(hours=24)


def clean_phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidValue:
        message = _("Số điện thoại không hợp lệ.")
        raise ValidationFailed(
            message, code=FeedbackErrorCode.INVALID, fields={"phone": message}
        ) from None


def _digest(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_phone_code(*, phone: str) -> PhoneConfirmation:
    """Send a 6-digit code to the phone (at most 5 an hour per number)."""
    phone = clean_phone(phone)
    if not throttle.allow(f"feedback-phone:{phone}", limit=5, window_seconds=3600):
        raise throttle.TooManyRequests(
            _("Đã gửi quá nhiều mã tới số này, vui lòng thử lại sau."), retry_after=3600
        )
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        confirmation = PhoneConfirmation.objects.create(
            phone=phone,
            code_digest=_digest(phone, code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
        text = _("Mã xác nhận gửi phản ánh của bạn: %(code)s (hiệu lực %(minutes)s phút).") % {
            "code": code,
            "minutes": CODE_MINUTES,
        }
        transaction.on_commit(lambda: sms_sender().send(phone=phone, text=text))
    return confirmation


def confirm_phone(*, phone: str, code: str) -> str:
    """The phone in national form once `code` is the one last sent to it; else
    ValidationFailed (and a try counted)."""
    phone = clean_phone(phone)
    now = timezone.now()
    with transaction.atomic():
        confirmation = (
            PhoneConfirmation.objects.select_for_update()
            .filter(phone=phone, expires_at__gt=now, confirmed_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        ok = confirmation is not None and confirmation.attempts < MAX_TRIES
        if confirmation is not None:
            confirmation.attempts += 1
            if ok and hmac.compare_digest(
                confirmation.code_digest, _digest(phone, (code or "").strip())
            ):
                confirmation.confirmed_at = now
                confirmation.save(update_fields=["attempts", "confirmed_at"])
                return phone
            confirmation.save(update_fields=["attempts"])
    message = _("Mã xác nhận không đúng hoặc đã hết hạn.")
    raise ValidationFailed(message, code=FeedbackErrorCode.BAD_PHONE_CODE, fields={"code": message})


def phone_is_confirmed(phone: str) -> bool:
    """The phone was confirmed by a code in the last 24 hours."""
    try:
        phone = normalize_phone(phone)
    except InvalidValue:
        return False
    return PhoneConfirmation.objects.filter(
        phone=phone, confirmed_at__gte=timezone.now() - CONFIRMED_FOR
    ).exists()
