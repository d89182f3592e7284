"""Categories and routing rules are data (`feedback/data/`); loading them is idempotent."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tinhso.accounts.models import Agency, AgencyKind
from tinhso.audit.services import record_event
from tinhso.core.errors import ValidationFailed

from ..error_codes import FeedbackErrorCode
from ..models import Category, ResponsibleKind, RoutingRule

DATA = Path(__file__).resolve().parent.parent / "data"
# Reports with no ward whose category a ward committee answers go to the province's
# office, which forwards them to the right ward (the 1022 hotline's practice).
DISPATCH_AGENCY = "VPUB"


@transaction.atomic
def load_feedback_reference(*, province_code: str | None = None) -> dict[str, int]:
    """Categories, then the province's routing rules (when it has a file)."""
    province_code = province_code or settings.TINHSO_PROVINCE
    agencies = {a.code: a for a in Agency.objects.all()}
    created = 0
    with (DATA / "categories.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        _category, was_created = Category.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row["description"],
                "deadline_days": int(row["deadline_days"]),
                "responsible_kind": row["responsible_kind"],
                "responsible_agency": agencies.get(row["responsible_agency"]),
                "order": int(row["order"] or 0),
                "is_active": True,
            },
        )
        created += was_created
    rules = 0
    routing = DATA / f"routing_{province_code}.csv"
    if routing.exists():
        categories = {c.code: c for c in Category.objects.all()}
        with routing.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                agency = agencies.get(row["agency"])
                if agency is None:
                    continue  # an agency of another deployment
                RoutingRule.objects.update_or_create(
                    category=categories.get(row["category"]) if row["category"] else None,
                    ward_id=row["ward"] or None,
                    defaults={"agency": agency, "note": row.get("note", "")},
                )
                rules += 1
    if created:
        record_event(
            action="feedback.reference_loaded",
            object_type="feedback.Category",
            object_id="*",
            after={"categories": len(rows), "created": created, "rules": rules},
        )
    return {"categories": len(rows), "created": created, "rules": rules}


def route(*, category: Category, ward_code: str | None) -> Agency:
    """The agency responsible for a category at a ward: the most specific rule, then
    the category's default (the ward's committee, or its department or utility)."""
    rules = {
        (r.category_id, r.ward_id): r.agency
        for r in RoutingRule.objects.filter(
            Q(category=category) | Q(category__isnull=True)
        ).select_related("agency")
    }
    for key in ((category.pk, ward_code), (category.pk, None), (None, ward_code)):
        if key in rules and (key[1] is None or ward_code):
            return rules[key]
    if category.responsible_kind == ResponsibleKind.WARD_COMMITTEE:
        if ward_code:
            committee = Agency.objects.filter(
                kind=AgencyKind.WARD_COMMITTEE, unit_id=ward_code, is_active=True
            ).first()
            if committee is not None:
                return committee
    elif category.responsible_agency_id:
        return category.responsible_agency  # type: ignore[return-value]
    if (None, None) in rules:
        return rules[(None, None)]
    dispatch = Agency.objects.filter(code=DISPATCH_AGENCY).first()
    if dispatch is None:
        raise ValidationFailed(
            _("Chưa xác định được cơ quan tiếp nhận phản ánh này."),
            code=FeedbackErrorCode.NO_ROUTE,
        )
    return dispatch
