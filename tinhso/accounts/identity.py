"""Xác minh danh tính: is this account really the person whose ID it carries?

Registration checks only a personal ID's structure, so anyone could open an account
with someone else's number. Until sign-in through the national identity (VNeID)
exists, a self-registered account is unverified; a one-stop officer verifies it at
the desk, with the ID card in hand (recorded and audited), and only then may it file
dossiers in that person's name."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.core.identity import mask_id

from . import authz
from .error_codes import AccountsErrorCode
from .models import AccountType, Role, User

# Who verifies: the one-stop desk, wherever it is (a citizen may go to any desk).
VERIFIER_ROLES = frozenset({Role.ONE_STOP_OFFICER})


def files_in_a_persons_name(user) -> bool:
    """A citizen's account files in the name of the person its ID belongs to."""
    return user.account_type == AccountType.CITIZEN or bool(user.personal_id)


def require_verified_identity(user) -> None:
    """Before a dossier is filed in a person's name (a 403 problem otherwise)."""
    if files_in_a_persons_name(user) and not user.is_identity_verified:
        raise PermissionDenied(
            _(
                "Danh tính của tài khoản chưa được xác minh nên chưa nộp được hồ sơ. "
                "Hãy mang căn cước đến bộ phận một cửa bất kỳ để cán bộ đối chiếu và "
                "xác minh tài khoản, sau đó nộp hồ sơ trực tuyến như bình thường."
            ),
            code=AccountsErrorCode.IDENTITY_NOT_VERIFIED,
        )


def can_verify(user) -> bool:
    return authz.has_role(user, VERIFIER_ROLES, anywhere=True)


@transaction.atomic
def verify_identity(
    *,
    actor: User | None,
    personal_id: str,
    date_of_birth: datetime.date,
    note: str = "",
) -> User:
    """The officer typed the number and the date of birth from the card in front of
    them; the account that carries both is verified. `actor=None` from trusted code
    (bootstrap's demo citizen). Nothing about an account is told unless both match."""
    if actor is not None:
        authz.require_role(actor, VERIFIER_ROLES, anywhere=True)
    number = "".join(ch for ch in (personal_id or "") if ch.isdigit())
    user = (
        User.objects.select_for_update()
        .filter(personal_id=number, date_of_birth=date_of_birth, is_active=True)
        .first()
        if len(number) == 12
        else None
    )
    if user is None:
        raise ValidationFailed(
            _("Không có tài khoản nào khớp cả số định danh và ngày sinh trên căn cước."),
            code=AccountsErrorCode.IDENTITY_MISMATCH,
            fields={"personal_id": _("Số định danh và ngày sinh không khớp tài khoản nào.")},
        )
    if user.is_identity_verified:
        return user
    user.identity_verified_at = timezone.now()
    user.identity_verified_by = actor if actor is not None else None
    user.save(update_fields=["identity_verified_at", "identity_verified_by"])
    agency = authz.primary_agency(actor) if actor is not None else None
    record_event(
        actor=actor,
        action="accounts.identity_verified",
        object_type="accounts.User",
        object_id=user.pk,
        after={
            "username": user.username,
            "personal_id": mask_id(number),
            "note": (note or "").strip()[:300],
        },
        agency_code=agency.code if agency else "",
    )
    return user


@transaction.atomic
def record_national_verification(*, user: User, issuer: str) -> User:
    """The national identity provider vouched for this account's person (level 2): the
    account counts as verified, as after a desk check, and the event says by whom."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_identity_verified:
        return user
    user.identity_verified_at = timezone.now()
    user.identity_verified_by = None
    user.save(update_fields=["identity_verified_at", "identity_verified_by"])
    record_event(
        actor=user,
        action="accounts.identity_verified",
        object_type="accounts.User",
        object_id=user.pk,
        after={"username": user.username, "via": "national", "issuer": issuer},
    )
    return user
