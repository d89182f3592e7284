from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tinhso.accounts import authz
from tinhso.accounts.models import STAFF_ROLES

from .models import Dossier, DossierDocument, DossierEvent, Status


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "procedure", "procedure_version", "agency", "desk", "unit"
    )


def my_dossiers(user, *, status: str | None = None, q: str = "") -> QuerySet[Dossier]:
    qs = _base().filter(applicant=user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(code__icontains=q.strip())
    return qs.order_by("-created_at")


def can_see(user, dossier: Dossier) -> bool:
    """The applicant, and officers whose scope covers the processing agency or the desk."""
    if user is None or not user.is_authenticated:
        return False
    if dossier.applicant_id == user.pk:
        return True
    return authz.has_role(user, STAFF_ROLES, agency=dossier.agency) or authz.has_role(
        user, STAFF_ROLES, agency=dossier.desk
    )


def dossier_for(user, code: str) -> Dossier | None:
    """The dossier if this user may see it; None when absent or not theirs (no hint
    whether the code exists)."""
    dossier = (
        _base()
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.order_by("at", "pk")),
            Prefetch(
                "documents",
                queryset=DossierDocument.objects.filter(replaced_at__isnull=True).order_by("kind"),
                to_attr="current_documents",
            ),
        )
        .filter(code=code)
        .first()
    )
    if dossier is None or not can_see(user, dossier):
        return None
    return dossier


def _last4_matches(dossier: Dossier, last4: str) -> bool:
    last4 = (last4 or "").strip()
    if len(last4) != 4 or not last4.isdigit():
        return False
    return any(
        value and value.endswith(last4)
        for value in (dossier.applicant_phone, dossier.applicant_identifier)
    )


def tracked_dossier(code: str, last4: str) -> Dossier | None:
    """Public tracking: the code and the last 4 digits of the phone or ID number."""
    dossier = (
        _base()
        .prefetch_related(Prefetch("events", queryset=DossierEvent.objects.order_by("at", "pk")))
        .filter(code=(code or "").strip().upper())
        .exclude(status=Status.DRAFT)
        .first()
    )
    if dossier is None or not _last4_matches(dossier, last4):
        return None
    return dossier


def agency_queue(agency, *, status: str | None = None) -> QuerySet[Dossier]:
    """Dossiers waiting at an agency, as its desk or as the processing agency."""
    from django.db.models import Q

    qs = _base().filter(Q(agency=agency) | Q(desk=agency)).exclude(status=Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("submitted_at")
