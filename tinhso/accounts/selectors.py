from __future__ import annotations

from django.db.models import F, Q, QuerySet

from tinhso.core.document_layout import signature_titles

from .models import Agency, Role, RoleAssignment


def agencies(*, kind: str | None = None, unit: str | None = None, q: str | None = None) -> QuerySet:
    qs = Agency.objects.filter(is_active=True).annotate(parent_code=F("parent__code"))
    if kind:
        qs = qs.filter(kind=kind)
    if unit:
        qs = qs.filter(unit_id=unit)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__iexact=q))
    return qs.order_by("path")


def signature_lines(user, agency: Agency) -> list[str]:
    """The title lines over `user`'s signature on a document `agency` issues: their
    position from their leader's assignment covering the agency, under the agency's
    head ("KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"; "CHỦ TỊCH"). None when no position is on
    record."""
    held = [
        a
        for a in RoleAssignment.objects.filter(user=user, role=Role.LEADER).select_related("agency")
        if a.agency_id and a.agency.covers(agency) and a.position_title
    ]
    if not held:
        return []
    closest = max(held, key=lambda a: len(a.agency.path))
    return signature_titles(position_title=closest.position_title, head_title=agency.head_title)
