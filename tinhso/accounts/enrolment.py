"""An officer's first second factor (kích hoạt xác thực hai lớp).

Officers, leaders and administrators work only after a second factor. Whoever
knows an officer's password must not be able to enrol an authenticator of their
own, so the first enrolment (and a replacement, when a phone is lost) goes
through a link an administrator issues: one use, expiring, audited. Until then a
password-only session sees nothing but the enrolment page (`middleware.py`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.audit.services import record_event
from tinhso.core.errors import NotFound, ValidationFailed

from . import authz, services
from .error_codes import AccountsErrorCode
from .models import EnrolmentLink, Role, User

LINK_HOURS = 72
SESSION_KEY = "tinhso_enrolment_link"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def enrolment_path(raw: str) -> str:
    return reverse("accounts:otp_enrol", args=[raw])


@transaction.atomic
def issue_enrolment_link(
    *, actor: User | None, user: User, hours: int = LINK_HOURS
) -> tuple[EnrolmentLink, str]:
    """A new link for `user` (an administrator whose scope covers the user's agency;
    `actor=None` from the console). Any earlier unused link stops working, and any
    authenticator the user had is removed: the link is how a lost phone is replaced.
    The raw secret is returned once and never stored."""
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=authz.managing_agency(user))
    if not user.is_active:
        raise ValidationFailed(
            _("Tài khoản đã bị khóa, không thể cấp đường dẫn kích hoạt."),
            code=AccountsErrorCode.UNKNOWN_USER,
        )
    if not 1 <= hours <= 24 * 14:
        raise ValidationFailed(
            _("Thời hạn của đường dẫn từ 1 giờ đến 14 ngày."),
            fields={"hours": _("Thời hạn không hợp lệ.")},
        )
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    raw = secrets.token_urlsafe(32)
    link = EnrolmentLink.objects.create(
        user=user, digest=_digest(raw), created_by=actor, expires_at=now + timedelta(hours=hours)
    )
    agency = authz.primary_agency(user)
    record_event(
        actor=actor,
        action="accounts.enrolment_link_issued",
        object_type="accounts.User",
        object_id=user.pk,
        after={
            "username": user.username,
            "link": link.pk,
            "expires_at": link.expires_at,
            "devices_removed": removed,
        },
        agency_code=agency.code if agency else "",
    )
    return link, raw


def usable_link(raw: str, *, user: User) -> EnrolmentLink:
    """The link behind `raw` if it is this user's, unused and not expired."""
    link = (
        EnrolmentLink.objects.filter(digest=_digest(raw or ""), user=user).first()
        if raw and len(raw) <= 100
        else None
    )
    if link is None or not link.is_usable:
        raise NotFound(
            _(
                "Đường dẫn kích hoạt không đúng, đã dùng hoặc đã hết hạn. "
                "Hãy đề nghị quản trị viên cấp đường dẫn mới."
            ),
            code=AccountsErrorCode.BAD_ENROLMENT_LINK,
        )
    return link


def session_link(request) -> EnrolmentLink | None:
    """The link this browser session opened, while it is still usable."""
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    link = EnrolmentLink.objects.filter(pk=pk, user_id=request.user.pk).first()
    return link if link is not None and link.is_usable else None


@transaction.atomic
def confirm_enrolment(
    *, user: User, device: TOTPDevice, token: str, link: EnrolmentLink | None
) -> TOTPDevice:
    """Confirm the authenticator with one code; the link (when one was needed) is
    spent in the same transaction, so it enrols exactly one device."""
    if link is not None:
        link = EnrolmentLink.objects.select_for_update().get(pk=link.pk)
        if link.user_id != user.pk or not link.is_usable:
            raise NotFound(
                _("Đường dẫn kích hoạt đã dùng hoặc đã hết hạn."),
                code=AccountsErrorCode.BAD_ENROLMENT_LINK,
            )
    confirmed = services.confirm_totp_enrolment(user=user, device=device, token=token)
    if link is not None:
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        record_event(
            actor=user,
            action="accounts.enrolment_link_used",
            object_type="accounts.User",
            object_id=user.pk,
            after={"link": link.pk},
        )
    return confirmed


def needs_link(user) -> bool:
    """An officer with no second factor yet in this session enrols through a link;
    citizens and businesses may add one freely, and a verified session may replace
    its own."""
    return authz.needs_second_factor(user) and not user.is_verified()
