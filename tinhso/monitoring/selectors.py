"""The service index (Decision 766/QĐ-TTg) computed from dossier data by SQL
aggregation: one grouped query over the period's dossiers, one over the catalogue,
whatever the number of dossiers. Each component is a ratio in [0, 1] × its points; a
component with nothing to measure is not applicable and its points go to the other
components of its group; a group with nothing to measure is left out and the score is
rescaled to 100."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from tinhso.accounts.models import Agency
from tinhso.core.errors import ValidationFailed

from .models import IndicatorComponent

RESOLVED = ("returned", "result_ready")
RECEIVED = ("received", "in_progress", "awaiting_supplement", "awaiting_approval", "approved",
            "result_ready", "returned")  # fmt: skip


@dataclass
class ComponentValue:
    points: Decimal | None  # None: not applicable
    max: Decimal
    value: float | None  # the ratio
    numerator: int = 0
    denominator: int = 0


@dataclass
class AgencyIndex:
    agency: str
    agency_name: str
    period: str
    score: Decimal
    components: dict[str, ComponentValue] = field(default_factory=dict)


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """YYYY-MM, YYYY-Qn or YYYY → (first day, last day)."""
    text = (text or "").strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return datetime.date(year, month, 1), datetime.date(
                year, month, calendar.monthrange(year, month)[1]
            )
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        first = datetime.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return first, datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
    if m := re.fullmatch(r"(\d{4})", text):
        return datetime.date(int(m[1]), 1, 1), datetime.date(int(m[1]), 12, 31)
    raise ValidationFailed(
        _("Kỳ không hợp lệ: dùng YYYY-MM, YYYY-Qn hoặc YYYY."),
        fields={"period": _("Dùng YYYY-MM, YYYY-Qn hoặc YYYY.")},
    )


def _dossier_counts(agencies, first, last) -> dict[int, dict[str, int]]:
    from tinhso.dossiers.models import Dossier, DossierDocument

    reused = DossierDocument.objects.filter(dossier=OuterRef("pk"), stored_document__isnull=False)
    digital = DossierDocument.objects.filter(dossier=OuterRef("pk"))
    rows = (
        Dossier.objects.filter(
            agency__in=agencies, submitted_at__date__gte=first, submitted_at__date__lte=last
        )
        .annotate(has_reuse=Exists(reused), has_digital=Exists(digital))
        .values("agency")
        .annotate(
            submitted=Count("pk"),
            online=Count("pk", filter=Q(channel="online")),
            received=Count("pk", filter=Q(status__in=RECEIVED)),
            digitized=Count("pk", filter=Q(status__in=RECEIVED, has_digital=True)),
            reused=Count("pk", filter=Q(status__in=RECEIVED, has_reuse=True)),
            resolved=Count("pk", filter=Q(status__in=RESOLVED)),
            on_time=Count("pk", filter=Q(status__in=RESOLVED, result_issued_at__date__lte=F("due_date"))),
            with_fee=Count("pk", filter=Q(fee_amount__gt=0)),
            paid=Count("pk", filter=Q(fee_amount__gt=0, fee_paid=True)),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            satisfied=Count("pk", filter=Q(rating__gte=4)),
        )
    )  # fmt: skip
    return {row["agency"]: row for row in rows}


def _procedure_counts(agencies) -> dict[int, tuple[int, int]]:
    """(complete, all) active procedures per agency: published with papers, steps and
    legal basis in their current version."""
    from tinhso.procedures.models import Procedure, ProcedureVersion

    complete_version = (
        ProcedureVersion.objects.filter(procedure=OuterRef("pk"), number=OuterRef("version"))
        .exclude(data__legal_basis=[])
        .exclude(data__steps=[])
    )
    rows = (
        Procedure.objects.filter(is_active=True, agency__in=agencies)
        .annotate(complete=Exists(complete_version))
        .values("agency")
        .annotate(all=Count("pk"), done=Count("pk", filter=Q(complete=True)))
    )
    return {r["agency"]: (r["done"], r["all"]) for r in rows}


FORMULAS = {
    "procedures_complete": lambda d, p: p,
    "resolved_on_time": lambda d, p: (d.get("on_time", 0), d.get("resolved", 0)),
    "filed_online": lambda d, p: (d.get("online", 0), d.get("submitted", 0)),
    "paid_online": lambda d, p: (d.get("paid", 0), d.get("with_fee", 0)),
    "digitized_at_receipt": lambda d, p: (d.get("digitized", 0), d.get("received", 0)),
    "reused_documents": lambda d, p: (d.get("reused", 0), d.get("received", 0)),
    "rated_satisfied": lambda d, p: (d.get("satisfied", 0), d.get("rated", 0)),
}

TWO = Decimal("0.01")


def service_index(*, period: str, unit: str | None = None) -> list[AgencyIndex]:
    """The index of every agency under `unit` (an agency code, a ward code, or the
    province / nothing for all) for the period."""
    first, last = parse_period(period)
    agencies = Agency.objects.filter(is_active=True).order_by("path")
    if unit:
        agencies = agencies.filter(Q(code=unit) | Q(unit_id=unit) | Q(unit__parent_id=unit))
    agencies = list(agencies)
    components = list(IndicatorComponent.objects.all())
    dossiers = _dossier_counts(agencies, first, last)
    procedures = _procedure_counts(agencies)
    out = []
    for agency in agencies:
        d = dossiers.get(agency.pk, {})
        p = procedures.get(agency.pk, (0, 0))
        values: dict[str, ComponentValue] = {}
        for c in components:
            num, den = FORMULAS[c.formula](d, p)
            ratio = (num / den) if den else None
            values[c.code] = ComponentValue(None, c.max_points, ratio, num, den)
        groups: dict[int, list[IndicatorComponent]] = {}
        for c in components:
            groups.setdefault(c.group, []).append(c)
        score = Decimal(0)
        counted_max = Decimal(0)
        for members in groups.values():
            applicable = [c for c in members if values[c.code].value is not None]
            if not applicable:
                continue
            group_max = sum((c.max_points for c in members), Decimal(0))
            weight = sum((c.max_points for c in applicable), Decimal(0))
            for c in applicable:
                share = group_max * c.max_points / weight  # redistributed within the group
                points = (share * Decimal(str(values[c.code].value))).quantize(TWO, ROUND_HALF_UP)
                values[c.code].points = points
                values[c.code].max = share.quantize(TWO, ROUND_HALF_UP)
                score += points
            counted_max += group_max
        total = (
            (score * 100 / counted_max).quantize(TWO, ROUND_HALF_UP) if counted_max else Decimal(0)
        )
        out.append(AgencyIndex(agency.code, agency.name, period, total, values))
    return out
