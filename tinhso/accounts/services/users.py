"""People's accounts: citizens and businesses registering, officers' accounts made
by an administrator, and a person's own contact details."""

from __future__ import annotations

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed
from tinhso.core.identity import InvalidIdentifier, mask_id, parse_personal_id, validate_tax_code

from .. import authz
from ..error_codes import AccountsErrorCode
from ..models import STAFF_ROLES, AccountType, Agency, Role, RoleAssignment, User


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
    position_title: str = "",
) -> User:
    """An officer's account, created by an administrator of (a parent of) the agency.
    `actor=None` only from trusted code (bootstrap, the CLI). A leader's
    `position_title` ("PHÓ GIÁM ĐỐC") is printed under their signature."""
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
    RoleAssignment.objects.create(
        user=user,
        role=role,
        agency=agency,
        granted_by=actor,
        position_title=" ".join(position_title.split()).upper()[:80],
    )
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
def create_placeholder_user(*, actor: User | None, username: str, full_name: str) -> User:
    """An account no one signs in to (inactive, no usable password, no role) that
    stands for records without a person of their own, such as the history of a
    previous system. `actor=None` only from trusted code (bootstrap, the CLI)."""
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, province=True)
    username = _check_username(username)
    user = User(username=username, full_name=" ".join(full_name.split()), is_active=False)
    user.set_unusable_password()
    user.save()
    record_event(
        actor=actor,
        action="accounts.placeholder_created",
        object_type="accounts.User",
        object_id=user.pk,
        after={"username": username},
    )
    return user


@transaction.atomic
def update_profile(*, actor: User, user: User, email: str, phone: str) -> User:
    """A person updates their own contact details (the ID data come from the registry)."""
    if actor.pk != user.pk:
        authz.require_role(actor, Role.ADMINISTRATOR, agency=authz.managing_agency(user))
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
