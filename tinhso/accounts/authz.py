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


def remember_assignments(user, held: list[RoleAssignment]) -> None:
    """The user's role assignments, read with something else (auth: with the token)."""
    setattr(user, _CACHE_ATTR, held)


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


_UNSET = object()


def province_agency() -> Agency | None:
    """The root of the agency tree (the province's People's Committee): an
    assignment there, or at the province's unit, covers the whole province."""
    return Agency.objects.filter(parent__isnull=True).order_by("path").first()


def managing_agency(user) -> Agency | None:
    """Whose administrators manage this account: the officer's agency, or the
    province for accounts that belong to no agency (citizens, businesses)."""
    return primary_agency(user) or province_agency()


def _assignment_covers(a: RoleAssignment, *, agency: Agency | None, unit) -> bool:
    """An empty scope (no agency and no unit) covers nothing: never "anywhere"."""
    if agency is not None:
        if a.agency_id:
            return a.agency.covers(agency)
        return a.unit_id is not None and _unit_covers(a.unit, agency.unit)
    if unit is not None:
        if a.unit_id:
            return _unit_covers(a.unit, unit)
        return a.agency_id is not None and _unit_covers(a.agency.unit, unit)
    return False


def _scope(agency, unit, province: bool, anywhere: bool) -> tuple[Agency | None, object, bool]:
    """(agency, unit, anywhere) from the caller's words; exactly one kind of scope."""
    named = (agency is not _UNSET or unit is not _UNSET) + province + anywhere
    if named != 1:
        raise TypeError(
            "a role check names exactly one scope: agency=/unit=, province=True or anywhere=True"
        )
    if province:
        return province_agency(), None, False
    return (
        None if agency is _UNSET else agency,
        None if unit is _UNSET else unit,
        anywhere,
    )


def has_role(
    user,
    roles: str | Iterable[str],
    *,
    agency: Agency | None = _UNSET,  # type: ignore[assignment]
    unit=_UNSET,
    province: bool = False,
    anywhere: bool = False,
) -> bool:
    """True when the user holds one of `roles` with a scope covering the one named:
    `agency=` and/or `unit=` (None covers nothing), `province=True` (an assignment
    covering the whole province), or `anywhere=True` (held at any scope at all)."""
    agency, unit, anywhere = _scope(agency, unit, province, anywhere)
    wanted = {roles} if isinstance(roles, str) else set(roles)
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return any(
        a.role in wanted and (anywhere or _assignment_covers(a, agency=agency, unit=unit))
        for a in assignments(user)
    )


def require_role(
    user,
    roles: str | Iterable[str],
    *,
    agency: Agency | None = _UNSET,  # type: ignore[assignment]
    unit=_UNSET,
    province: bool = False,
    anywhere: bool = False,
) -> None:
    """`has_role` or PermissionDenied; the scope is required (see `has_role`)."""
    _scope(agency, unit, province, anywhere)  # a missing scope is a bug, even when signed out
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Cần đăng nhập để thực hiện thao tác này."))
    if not has_role(user, roles, agency=agency, unit=unit, province=province, anywhere=anywhere):
        place = agency if agency is not _UNSET and agency is not None else None
        place = place or (unit if unit is not _UNSET and unit is not None else None)
        where = place.name if place is not None else ""
        raise PermissionDenied(
            _("Tài khoản của bạn không có quyền thực hiện thao tác này tại %(where)s.")
            % {"where": where}
            if where
            else _("Tài khoản của bạn không có quyền thực hiện thao tác này."),
            code=AccountsErrorCode.OUT_OF_SCOPE,
        )
