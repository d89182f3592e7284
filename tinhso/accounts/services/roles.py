"""Roles: an administrator grants and revokes them within the scope they cover."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed
from tinhso.geo.models import AdministrativeUnit

from .. import authz
from ..error_codes import AccountsErrorCode
from ..models import STAFF_ROLES, AccountType, Agency, Role, RoleAssignment, User
from .agencies import _agency_code


@transaction.atomic
def grant_role(
    *,
    actor: User | None,
    user: User,
    role: str,
    agency: Agency | None = None,
    unit: AdministrativeUnit | None = None,
    position_title: str = "",
) -> RoleAssignment:
    """Give a role within a scope the administrator covers; a leader's
    `position_title` is printed under their signature ("PHÓ GIÁM ĐỐC")."""
    if role in STAFF_ROLES and agency is None and unit is None:
        raise ValidationFailed(
            _("Vai trò cán bộ phải gắn với một cơ quan hoặc đơn vị hành chính."),
            code=AccountsErrorCode.SCOPE_REQUIRED,
            fields={"agency": _("Chọn cơ quan.")},
        )
    if actor is not None:
        authz.require_role(actor, Role.ADMINISTRATOR, **_granting_scope(agency, unit))
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        agency=agency,
        unit=unit,
        defaults={"granted_by": actor, "position_title": _title(position_title)},
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


def _granting_scope(agency: Agency | None, unit: AdministrativeUnit | None) -> dict:
    """Roles held at an agency or unit are granted by its administrators; a citizen's
    or business's role (no scope) only by the province's."""
    if agency is None and unit is None:
        return {"province": True}
    return {"agency": agency, "unit": unit}


def _title(position_title: str) -> str:
    return " ".join((position_title or "").split()).upper()[:80]


@transaction.atomic
def set_position_title(
    *, actor: User | None, assignment: RoleAssignment, position_title: str
) -> RoleAssignment:
    """The position an officer holds in the agency, as printed under their signature on
    results (Decree 30/2020/NĐ-CP, Appendix I): by an administrator covering the
    agency (`actor=None` only from trusted code)."""
    if actor is not None:
        authz.require_role(
            actor, Role.ADMINISTRATOR, agency=assignment.agency, unit=assignment.unit
        )
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    before = assignment.position_title
    assignment.position_title = _title(position_title)
    assignment.save(update_fields=["position_title"])
    authz.forget_assignments(assignment.user)
    record_event(
        actor=actor,
        action="accounts.position_title_set",
        object_type="accounts.User",
        object_id=assignment.user_id,
        before={"position_title": before},
        after={"position_title": assignment.position_title, "role": assignment.role},
        agency_code=_agency_code(assignment.agency),
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor: User, assignment: RoleAssignment) -> None:
    authz.require_role(
        actor, Role.ADMINISTRATOR, **_granting_scope(assignment.agency, assignment.unit)
    )
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
