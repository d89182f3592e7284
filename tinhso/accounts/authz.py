"""Who may do what, where. Services call these before they write; views only
use them to decide what to show."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from tinhso.core.errors import PermissionDenied

from .error_codes import AccountsErrorCode
from .models import STAFF_ROLES, Agency, RoleAssignment

_CACHE_ATTR = "_tinhso_assignments"


def assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, read once per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user_id=user.pk).select_related("agency", "unit")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_assignments(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> set[str]:
    return {a.role for a in assignments(user)}


def is_staff_member(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def needs_second_factor(user) -> bool:
    """Officers, leaders and administrators must sign in with a second factor."""
    return is_staff_member(user) or bool(getattr(user, "is_superuser", False))


def primary_agency(user) -> Agency | None:
    for a in assignments(user):
        if a.agency_id and a.role in STAFF_ROLES:
            return a.agency
    return None


def _unit_covers(scope_unit, unit) -> bool:
    return scope_unit.code == unit.code or unit.parent_id == scope_unit.code


def _assignment_covers(a: RoleAssignment, *, agency: Agency | None, unit) -> bool:
    if agency is not None:
        if a.agency_id:
            return a.agency.covers(agency)
        return a.unit_id is not None and _unit_covers(a.unit, agency.unit)
    if unit is not None:
        if a.unit_id:
            return _unit_covers(a.unit, unit)
        return a.agency_id is not None and _unit_covers(a.agency.unit, unit)
    return True


def has_role(user, roles: str | Iterable[str], *, agency: Agency | None = None, unit=None) -> bool:
    """True when the user holds one of `roles` with a scope covering `agency`/`unit`."""
    wanted = {roles} if isinstance(roles, str) else set(roles)
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return any(
        a.role in wanted and _assignment_covers(a, agency=agency, unit=unit)
        for a in assignments(user)
    )


def require_role(
    user, roles: str | Iterable[str], *, agency: Agency | None = None, unit=None
) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Cần đăng nhập để thực hiện thao tác này."))
    if not has_role(user, roles, agency=agency, unit=unit):
        where = agency.name if agency is not None else (unit.name if unit is not None else "")
        raise PermissionDenied(
            _("Tài khoản của bạn không có quyền thực hiện thao tác này tại %(where)s.")
            % {"where": where}
            if where
            else _("Tài khoản của bạn không có quyền thực hiện thao tác này."),
            code=AccountsErrorCode.OUT_OF_SCOPE,
        )
