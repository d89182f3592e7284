"""Signing in: failed attempts and the lock-out, successful sign-ins, password
changes, an administrator unlocking, and the authenticator app (TOTP)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.audit.services import record_event
from tinhso.core.errors import DomainError, ValidationFailed

from .. import authz
from ..error_codes import AccountsErrorCode
from ..models import Role, User
from .agencies import _agency_code


class AccountLocked(DomainError):
    status = 403
    code = AccountsErrorCode.LOCKED


@transaction.atomic
def register_failed_login(*, user: User) -> User:
    """Count a wrong password; lock the account after LOCKOUT_THRESHOLD in a row."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_login_count += 1
    locked_now = user.failed_login_count >= settings.LOCKOUT_THRESHOLD
    if locked_now:
        user.locked_until = timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES)
        user.failed_login_count = 0
    user.save(update_fields=["failed_login_count", "locked_until"])
    record_event(
        actor=None,
        action="accounts.account_locked" if locked_now else "accounts.login_failed",
        object_type="accounts.User",
        object_id=user.pk,
        after={"locked_until": user.locked_until} if locked_now else None,
    )
    return user


@transaction.atomic
def register_successful_login(*, user: User, second_factor: bool) -> None:
    User.objects.filter(pk=user.pk).update(
        failed_login_count=0, locked_until=None, last_login=timezone.now()
    )
    record_event(
        actor=user,
        action="accounts.login",
        object_type="accounts.User",
        object_id=user.pk,
        after={"second_factor": second_factor},
    )


@transaction.atomic
def record_password_changed(*, user: User, via: str) -> None:
    """Called inside the transaction that saved the new password."""
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    record_event(
        actor=user,
        action="accounts.password_changed",
        object_type="accounts.User",
        object_id=user.pk,
        after={"via": via},
    )


@transaction.atomic
def unlock_user(*, actor: User, user: User) -> None:
    agency = authz.managing_agency(user)
    authz.require_role(actor, Role.ADMINISTRATOR, agency=agency)
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    record_event(
        actor=actor,
        action="accounts.account_unlocked",
        object_type="accounts.User",
        object_id=user.pk,
        agency_code=_agency_code(agency),
    )


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)


@transaction.atomic
def confirm_totp_enrolment(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    if device.user_id != user.pk or not device.verify_token((token or "").strip()):
        raise ValidationFailed(
            _("Mã xác thực không đúng hoặc đã hết hạn."),
            code=AccountsErrorCode.BAD_OTP,
            fields={"otp_token": _("Mã xác thực không đúng.")},
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record_event(
        actor=user,
        action="accounts.totp_enrolled",
        object_type="accounts.User",
        object_id=user.pk,
    )
    return device


@transaction.atomic
def create_confirmed_totp(*, user: User) -> TOTPDevice:
    """For bootstrap: an authenticator already confirmed (its URI is printed once)."""
    existing = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if existing is not None:
        return existing
    device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)
    record_event(
        actor=None,
        action="accounts.totp_enrolled",
        object_type="accounts.User",
        object_id=user.pk,
    )
    return device
