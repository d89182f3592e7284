"""Who may read which part of the audit log (the log itself is `tinhso.audit`)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from tinhso.audit.models import AuditEvent

from . import authz
from .models import Agency, Role

VIEWER_ROLES = {Role.ADMINISTRATOR, Role.MONITORING, Role.LEADER}


def visible_agency_codes(user) -> list[str] | None:
    """None: the whole log (a province-wide viewer); else the agencies whose events
    this user may read (their own and those below it)."""
    if getattr(user, "is_superuser", False):
        return None
    prefixes = [
        a.agency.path
        for a in authz.assignments(user)
        if a.role in VIEWER_ROLES and a.agency_id is not None
    ]
    if any(p.count("/") == 2 for p in prefixes):  # "/UBND/": the province's root agency
        return None
    codes: set[str] = set()
    for prefix in prefixes:
        codes.update(Agency.objects.filter(path__startswith=prefix).values_list("code", flat=True))
    return sorted(codes)


def events_for(
    *,
    user,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    codes = visible_agency_codes(user)
    if codes is not None:
        qs = qs.filter(agency_code__in=codes)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__iexact=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-seq")


def can_browse(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(authz.roles_of(user) & VIEWER_ROLES)
