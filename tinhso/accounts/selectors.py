from __future__ import annotations

from django.db.models import F, Q, QuerySet

from .models import Agency


def agencies(*, kind: str | None = None, unit: str | None = None, q: str | None = None) -> QuerySet:
    qs = Agency.objects.filter(is_active=True).annotate(parent_code=F("parent__code"))
    if kind:
        qs = qs.filter(kind=kind)
    if unit:
        qs = qs.filter(unit_id=unit)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs.order_by("path")
