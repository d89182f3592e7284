"""Every write about people, agencies, roles and tokens. Each function is one use
case, checks permission first, runs in one transaction and leaves an audit event."""

from __future__ import annotations

import csv
import datetime
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.audit.services import record_event
from tinhso.core.errors import DomainError, ValidationFailed
from tinhso.core.identity import InvalidIdentifier, mask_id, parse_personal_id, validate_tax_code
from tinhso.geo.models import AdministrativeUnit, UnitLevel

from . import authz
from .auth import TOKEN_PREFIX, token_digest
from .error_codes import AccountsErrorCode
from .models import (
    STAFF_ROLES,
    AccountType,
    Agency,
    AgencyKind,
    ApiToken,
    Role,
    RoleAssignment,
    User,
)

DATA_DIR = Path(__file__).parent / "data"


def _agency_code(agency: Agency | None) -> str:
    return agency.code if agency is not None else ""


# ---------------------------------------------------------------- agencies


def province_label(province: AdministrativeUnit) -> str:
    """'tỉnh Quảng Ninh', 'thành phố Hải Phòng' — as it follows an agency's name."""
    if province.division_type == "tỉnh":
        return f"tỉnh {province.name}"
    return province.name[0].lower() + province.name[1:]


@transaction.atomic
def load_agencies(*, province_code: str, actor=None) -> dict[str, int]:
    """The province's agencies (data/agencies.csv) and a People's Committee for each
    of its current wards. Idempotent: names are refreshed, nothing is removed."""
    province = AdministrativeUnit.objects.filter(
        code=province_code, level=UnitLevel.PROVINCE
    ).first()
    if province is None:
        raise ValidationFailed(
            _("Không có tỉnh/thành phố mã %(code)s.") % {"code": province_code},
            fields={"province": _("Mã tỉnh không tồn tại.")},
        )
    label = province_label(province)
    created = 0
    by_code: dict[str, Agency] = {}
    with (DATA_DIR / "agencies.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            parent = by_code.get(row["parent"]) if row["parent"] else None
            agency, was_created = _upsert_agency(
                code=row["code"],
                name=row["name"].format(province=label),
                short_name=row["short_name"],
                kind=row["kind"],
                parent=parent,
                unit=province,
                head_title=row.get("head_title", ""),
            )
            by_code[agency.code] = agency
            created += was_created
    root = by_code["UBND"]
    wards = AdministrativeUnit.objects.filter(
        parent=province, level=UnitLevel.WARD, valid_to__isnull=True
    )
    for ward in wards:
        _ward_agency, was_created = _upsert_agency(
            code=f"UBND{ward.code}",
            name=f"Ủy ban nhân dân {ward.name[0].lower()}{ward.name[1:]}",
            short_name=f"UBND {ward.name}",
            kind=AgencyKind.WARD_COMMITTEE,
            parent=root,
            unit=ward,
            head_title="CHỦ TỊCH",  # Chairman of the ward People's Committee
        )
        created += was_created
    total = Agency.objects.count()
    record_event(
        actor=actor,
        action="accounts.agencies_loaded",
        object_type="accounts.Agency",
        object_id="*",
        after={"province": province_code, "created": created, "total": total},
    )
    return {"created": created, "total": total}


def _upsert_agency(
    *, code, name, short_name, kind, parent, unit, head_title=""
) -> tuple[Agency, bool]:
    path = (parent.path if parent else "/") + code + "/"
    agency, created = Agency.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short_name,
            "kind": kind,
            "parent": parent,
            "unit": unit,
            "path": path,
            "head_title": head_title,
        },
    )
    return agency, created


@transaction.atomic
def update_agency(
    *,
    actor: User,
    agency: Agency,
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    cut_off_time: datetime.time | None = None,
) -> Agency:
    """Contact details and the daily cut-off hour, by the agency's leader or an administrator."""
    authz.require_role(actor, {Role.LEADER, Role.ADMINISTRATOR}, agency=agency)
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = _agency_snapshot(agency)
    changes = {
        "email": email,
        "phone": phone,
        "address": address,
        "cut_off_time": cut_off_time,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(agency, field, value)
    try:
        agency.full_clean(exclude=["parent", "unit", "path"])
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("Thông tin cơ quan không hợp lệ."),
            fields={k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()},
        ) from exc
    agency.save()
    record_event(
        actor=actor,
        action="accounts.agency_updated",
        object_type="accounts.Agency",
        object_id=agency.code,
        before=before,
        after=_agency_snapshot(agency),
        agency_code=agency.code,
    )
    return agency


def _agency_snapshot(agency: Agency) -> dict:
    return {
        "email": agency.email,
        "phone": agency.phone,
        "address": agency.address,
        "cut_off_time": agency.cut_off_time.isoformat() if agency.cut_off_time else None,
    }


# ---------------------------------------------------------------- people


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            " ".join(exc.messages),
            code=AccountsErrorCode.WEAK_PASSWORD,
            fields={"password": " ".join(exc.messages)},
        ) from exc


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationFailed(
            _("Tên đăng nhập là bắt buộc, tối đa 150 ký tự."),
            fields={"username": _("Tên đăng nhập không hợp lệ.")},
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(
            _("Tên đăng nhập %(name)s đã được dùng.") % {"name": username},
            code=AccountsErrorCode.DUPLICATE_USERNAME,
            fields={"username": _("Tên đăng nhập đã được dùng.")},
        )
    return username


def _check_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                _("Địa chỉ thư điện tử không hợp lệ."),
                fields={"email": _("Địa chỉ thư điện tử không hợp lệ.")},
            ) from exc
    return email


def _check_personal_id(personal_id: str, *, date_of_birth, sex) -> str:
    try:
        info = parse_personal_id(
            personal_id,
            birth_year=date_of_birth.year if date_of_birth else None,
            sex=sex or None,
        )
    except InvalidIdentifier as exc:
        raise ValidationFailed(
            exc.message,
            code=AccountsErrorCode.INVALID_PERSONAL_ID,
            fields={"personal_id": exc.message},
        ) from exc
    if User.objects.filter(personal_id=info.number).exists():
        raise ValidationFailed(
            _("Số định danh cá nhân này đã có tài khoản."),
            code=AccountsErrorCode.DUPLICATE_PERSONAL_ID,
            fields={"personal_id": _("Số định danh cá nhân này đã có tài khoản.")},
        )
    return info.number


@transaction.atomic
def register_citizen(
    *,
    username: str,
    password: str,
    full_name: str,
    personal_id: str,
    date_of_birth: datetime.date,
    sex: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Công dân đăng ký tài khoản: the personal ID is checked against sex and birth year."""
    username = _check_username(username)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationFailed(
            _("Họ và tên là bắt buộc."), fields={"full_name": _("Họ và tên là bắt buộc.")}
        )
    number = _check_personal_id(personal_id, date_of_birth=date_of_birth, sex=sex)
    email = _check_email(email)
    user = User(
        username=username,
        full_name=full_name,
        personal_id=number,
        date_of_birth=date_of_birth,
        sex=sex,
        email=email,
        phone=phone,
        account_type=AccountType.CITIZEN,
    )
    _check_password(password, user)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.CITIZEN)
    record_event(
        actor=user,
        action="accounts.citizen_registered",
        object_type="accounts.User",
        object_id=user.pk,
        after={"username": username, "personal_id": mask_id(number)},
    )
    return user


@transaction.atomic
def register_business(
    *,
    username: str,
    password: str,
    organisation_name: str,
    tax_code: str,
    full_name: str,
    email: str = "",
    phone: str = "",
) -> User:
    """A business or organisation, identified by its tax code (mã số thuế)."""
    username = _check_username(username)
    try:
        code = validate_tax_code(tax_code)
    except InvalidIdentifier as exc:
        raise ValidationFailed(
            exc.message, code=AccountsErrorCode.INVALID_TAX_CODE, fields={"tax_code": exc.message}
        ) from exc
    user = User(
        username=username,
        full_name=" ".join(full_name.split()),
        organisation_name=organisation_name.strip(),
        tax_code=code,
        email=email,
        phone=phone,
        account_type=AccountType.BUSINESS,
    )
    _check_password(password, user)
    user.set_password(password)
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.BUSINESS)
    record_event(
        actor=user,
        action="accounts.business_registered",
        object_type="accounts.User",
        object_id=user.pk,
        after={"username": username, "tax_code": code},
    )
    return user


@transaction.atomic
def create_staff_user(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    email: str,
    role: str,
    agency: Agency,
    password: str | None = None,
) -> User:
    """An officer's account, created by an administrator of (a parent of) the agency.
    `actor=None` only from trusted code (bootstrap, the CLI)."""
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=agency)
    if role not in STAFF_ROLES:
        raise ValidationFailed(
            _("Vai trò %(role)s không dành cho cán bộ.") % {"role": role},
            code=AccountsErrorCode.ROLE_NOT_ALLOWED,
            fields={"role": _("Vai trò không hợp lệ.")},
        )
    username = _check_username(username)
    user = User(
        username=username,
        full_name=" ".join(full_name.split()),
        email=email,
        account_type=AccountType.STAFF,
    )
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()  # the officer sets one through the reset e-mail
    user.save()
    RoleAssignment.objects.create(user=user, role=role, agency=agency, granted_by=actor)
    record_event(
        actor=actor,
        action="accounts.staff_created",
        object_type="accounts.User",
        object_id=user.pk,
        after={"username": username, "role": role, "agency": agency.code},
        agency_code=agency.code,
    )
    return user


@transaction.atomic
def grant_role(
    *,
    actor: User | None,
    user: User,
    role: str,
    agency: Agency | None = None,
    unit: AdministrativeUnit | None = None,
) -> RoleAssignment:
    """Give a role within a scope the administrator covers."""
    if role in STAFF_ROLES and agency is None and unit is None:
        raise ValidationFailed(
            _("Vai trò cán bộ phải gắn với một cơ quan hoặc đơn vị hành chính."),
            code=AccountsErrorCode.SCOPE_REQUIRED,
            fields={"agency": _("Chọn cơ quan.")},
        )
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=agency, unit=unit)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, agency=agency, unit=unit, defaults={"granted_by": actor}
    )
    if role in STAFF_ROLES and user.account_type != AccountType.STAFF:
        user.account_type = AccountType.STAFF
        user.save(update_fields=["account_type"])
    authz.forget_assignments(user)
    if created:
        record_event(
            actor=actor,
            action="accounts.role_granted",
            object_type="accounts.User",
            object_id=user.pk,
            after={"role": role, "agency": _agency_code(agency), "unit": unit.code if unit else ""},
            agency_code=_agency_code(agency),
        )
    return assignment


@transaction.atomic
def revoke_role(*, actor: User, assignment: RoleAssignment) -> None:
    authz.require_role(actor, Role.ADMINISTRATOR, agency=assignment.agency, unit=assignment.unit)
    before = {
        "role": assignment.role,
        "agency": _agency_code(assignment.agency),
        "unit": assignment.unit_id or "",
    }
    user = assignment.user
    assignment.delete()
    authz.forget_assignments(user)
    record_event(
        actor=actor,
        action="accounts.role_revoked",
        object_type="accounts.User",
        object_id=user.pk,
        before=before,
        agency_code=before["agency"],
    )


@transaction.atomic
def update_profile(*, actor: User, user: User, email: str, phone: str) -> User:
    """A person updates their own contact details (the ID data come from the registry)."""
    if actor.pk != user.pk:
        authz.require_role(actor, Role.ADMINISTRATOR)
    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if phone and not (9 <= len(phone.lstrip("+")) <= 12):
        raise ValidationFailed(
            _("Số điện thoại không hợp lệ."), fields={"phone": _("Số điện thoại không hợp lệ.")}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"email": user.email, "phone": user.phone}
    user.email, user.phone = (email or "").strip(), phone
    user.email = _check_email(user.email)
    user.save(update_fields=["email", "phone"])
    record_event(
        actor=actor,
        action="accounts.profile_updated",
        object_type="accounts.User",
        object_id=user.pk,
        before=before,
        after={"email": user.email, "phone": user.phone},
    )
    return user


# ---------------------------------------------------------------- sign-in


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
    agency = authz.primary_agency(user)
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


# ---------------------------------------------------------------- API tokens


@transaction.atomic
def issue_api_token(
    *, actor: User | None, user: User, name: str = "", expires_at=None
) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=authz.primary_agency(user))
    if not user.is_active:
        raise ValidationFailed(_("Tài khoản đã bị khóa, không thể cấp mã truy cập."))
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=prefix, digest=token_digest(raw), expires_at=expires_at
    )
    record_event(
        actor=actor,
        action="accounts.token_issued",
        object_type="accounts.ApiToken",
        object_id=token.pk,
        after={"user": user.username, "prefix": prefix, "name": token.name},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=authz.primary_agency(token.user))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            action="accounts.token_revoked",
            object_type="accounts.ApiToken",
            object_id=token.pk,
            after={"user": token.user.username, "prefix": token.prefix},
        )
    return token
