"""Who works on the population registry, and on whose records.

Only registry keepers (`Role.REGISTRY_KEEPER`: the police's registry officers, and
whoever the province names by granting the role) read or change it, and only for
people whose ward their scope covers. A keeper at a provincial agency (the police,
`CAT`) covers every ward of the province; at a ward's People's Committee, or at a
ward, only that ward. People with no known ward are seen by province-wide keepers
only. Province-wide work (imports, a registry-wide deduplication) needs a
province-wide keeper. Other officers, leaders and administrators see nothing of it.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Role
from tinhso.core.errors import NotFound, PermissionDenied
from tinhso.geo.models import AdministrativeUnit, UnitLevel

from .error_codes import PopulationErrorCode
from .models import Person

REGISTRY_ROLES = frozenset({Role.REGISTRY_KEEPER})


def _province_unit() -> AdministrativeUnit | None:
    root = authz.province_agency()
    return root.unit if root is not None else None


def is_keeper(user) -> bool:
    """Holds the keeper's role somewhere (to show the registry's pages at all)."""
    return authz.has_role(user, REGISTRY_ROLES, anywhere=True)


def is_province_keeper(user) -> bool:
    province = _province_unit()
    return province is not None and authz.has_role(user, REGISTRY_ROLES, unit=province)


def require_keeper(actor) -> None:
    """`actor=None` is the operator at the console (management commands), whose
    events are recorded under the `cli` channel."""
    if actor is None:
        return
    authz.require_role(actor, REGISTRY_ROLES, anywhere=True)


def require_province_keeper(actor) -> None:
    """Work on the whole registry (an import, a deduplication run)."""
    if actor is None:
        return
    province = _province_unit()
    if province is None:
        raise PermissionDenied(_("Chưa có dữ liệu tỉnh."), code=PopulationErrorCode.OUT_OF_SCOPE)
    authz.require_role(actor, REGISTRY_ROLES, unit=province)


def ward_scope(user, field: str = "ward") -> Q | None:
    """A filter on the ward reached through `field` keeping what the user may see;
    None when they see nothing. `Q()` (everything) for the console and superusers."""
    if user is None or (getattr(user, "is_superuser", False) and user.is_active):
        return Q()
    codes = [
        a.unit_id or a.agency.unit_id
        for a in authz.assignments(user)
        if a.role in REGISTRY_ROLES and (a.unit_id or a.agency_id)
    ]
    if not codes:
        return None
    provinces = list(
        AdministrativeUnit.objects.filter(code__in=codes, level=UnitLevel.PROVINCE).values_list(
            "code", flat=True
        )
    )
    q = Q(**{f"{field}_id__in": codes}) | Q(**{f"{field}__parent_id__in": codes})
    if provinces:
        # The former communes (before July 2025) sit under a former district.
        q |= Q(**{f"{field}__parent__parent_id__in": provinces}) | Q(**{f"{field}__isnull": True})
    return q


def in_scope(user, queryset, field: str = "ward"):
    """`queryset` cut to what `user` may see of the registry."""
    q = ward_scope(user, field)
    return queryset.none() if q is None else queryset.filter(q)


def person_in_scope(user, person) -> bool:
    """People with no record of their own yet (None) are the province's keepers'."""
    if person is None:
        return user is None or is_province_keeper(user)
    return in_scope(user, Person.objects.filter(pk=person.pk)).exists()


def require_person(actor, person, *, hide: bool = False) -> None:
    """The person's ward must be in the actor's scope. `hide`: answer as if the
    person did not exist (reads), not with a refusal that confirms they do."""
    if actor is None:
        return
    if not is_keeper(actor) or not person_in_scope(actor, person):
        if hide:
            raise NotFound(_("Không tìm thấy công dân."), code=PopulationErrorCode.NOT_FOUND)
        raise PermissionDenied(
            _("Người này không thuộc phạm vi dữ liệu dân cư bạn được giao."),
            code=PopulationErrorCode.OUT_OF_SCOPE,
        )
