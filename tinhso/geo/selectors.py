from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import caches
from django.db.models import Q, QuerySet

from tinhso.core.text import fold

from .models import AdministrativeUnit, UnitLevel


def units(
    *,
    parent: str | None = None,
    level: str | None = None,
    q: str | None = None,
    on: datetime.date | None = None,
    include_past: bool = False,
) -> QuerySet[AdministrativeUnit]:
    """Units, current by default; `on` gives those valid on a given day."""
    qs = AdministrativeUnit.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    elif not include_past:
        qs = qs.filter(valid_to__isnull=True)
    return qs.order_by("code")


def unit(code: str) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(code=code).first()


def home_province() -> AdministrativeUnit | None:
    """The province this deployment serves (TINHSO_PROVINCE); cached, reset on load."""
    from .services import HOME_PROVINCE_CACHE_KEY

    cache = caches["local"]  # read on every page: this process's memory, not the shared cache
    found = cache.get(HOME_PROVINCE_CACHE_KEY)
    if found is None:
        found = AdministrativeUnit.objects.filter(
            code=settings.TINHSO_PROVINCE, level=UnitLevel.PROVINCE
        ).first()
        if found is not None:
            cache.set(HOME_PROVINCE_CACHE_KEY, found, 300)
    return found


def current_successors(code: str) -> list[AdministrativeUnit]:
    """Where an old unit's territory is today (follows successor links transitively)."""
    start = AdministrativeUnit.objects.filter(code=code).first()
    if start is None:
        return []
    if start.valid_to is None:
        return [start]
    seen: set[str] = {start.code}
    frontier = [start]
    found: dict[str, AdministrativeUnit] = {}
    while frontier:
        nxt = []
        for u in frontier:
            for s in u.successors.all():
                if s.code in seen:
                    continue
                seen.add(s.code)
                if s.valid_to is None:
                    found[s.code] = s
                else:
                    nxt.append(s)
        frontier = nxt
    return sorted(found.values(), key=lambda u: u.code)
