"""The service index (Decision 766/QĐ-TTg) computed from dossier data by SQL
aggregation: one grouped query over the period's dossiers, one over the catalogue,
whatever the number of dossiers; the counts are scored by `index.score_of`. Also the
periods the index is asked for, and the late steps."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts.models import Agency
from tinhso.core.dates import add_months, month_end, months_between
from tinhso.core.errors import ValidationFailed

from .counts import FIELDS, _bounds
from .index import ComponentValue, score_of
from .models import AgencyMonth, IndicatorComponent


@dataclass
class AgencyIndex:
    agency: str
    agency_name: str
    period: str
    score: Decimal
    components: dict[str, ComponentValue] = field(default_factory=dict)


def parse_period(
    text: str, *, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """YYYY-MM, YYYY-Qn or YYYY → (first day, last day); a period that has not begun
    is refused."""
    try:
        first, last = _parse_period(text)
    except ValueError:  # year 0000: no such date
        first = last = datetime.date.min
    today = today or timezone.localdate()
    if first > today:
        raise ValidationFailed(
            _("Kỳ %(period)s chưa bắt đầu.") % {"period": text},
            fields={"period": _("Chọn một kỳ đã bắt đầu.")},
        )
    if first.year < 2000:
        raise ValidationFailed(
            _("Kỳ không hợp lệ: dùng YYYY-MM, YYYY-Qn hoặc YYYY."),
            fields={"period": _("Dùng YYYY-MM, YYYY-Qn hoặc YYYY.")},
        )
    return first, last


def _parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    text = (text or "").strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return datetime.date(year, month, 1), month_end(datetime.date(year, month, 1))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        first = datetime.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return first, month_end(datetime.date(year, last_month, 1))
    if m := re.fullmatch(r"(\d{4})", text):
        return datetime.date(int(m[1]), 1, 1), datetime.date(int(m[1]), 12, 31)
    raise ValidationFailed(
        _("Kỳ không hợp lệ: dùng YYYY-MM, YYYY-Qn hoặc YYYY."),
        fields={"period": _("Dùng YYYY-MM, YYYY-Qn hoặc YYYY.")},
    )


def _month_rows(agencies, first, last, *, by: tuple[str, ...] = ("agency",)):
    """The counts every formula needs, summed from the per agency-month table
    (counts.py) over the months of the period, per `by` (agency, month)."""
    return (
        AgencyMonth.objects.filter(
            agency__in=agencies, month__gte=first.replace(day=1), month__lte=last
        )
        .values(*by)
        .annotate(**{f: Sum(f) for f in FIELDS})
        .order_by(*by)
    )


FEEDBACK_FIELDS = ("feedback_answered", "feedback_on_time")


def _with_feedback(counts: dict, agencies, first, last, *, by_month: bool) -> dict:
    """Add the feedback each agency answered (and answered on time) in the period to
    its counts: the satisfaction group's `feedback_on_time` component."""
    from tinhso.feedback.selectors import answered_counts_by_agency_month

    wanted = {a.pk for a in agencies}
    for row in answered_counts_by_agency_month(first=first, last=last):
        agency = row["answered_by_agency"]
        if agency not in wanted:
            continue
        key = (agency, f"{row['month']:%Y-%m}") if by_month else agency
        target = counts.setdefault(key, {"agency": agency})
        for name in FEEDBACK_FIELDS:
            target[name] = target.get(name, 0) + row[name]
    return counts


def _dossier_counts(agencies, first, last) -> dict[int, dict[str, int]]:
    counts = {row["agency"]: dict(row) for row in _month_rows(agencies, first, last)}
    return _with_feedback(counts, agencies, first, last, by_month=False)


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


def _sum(rows) -> dict[str, int]:
    total = dict.fromkeys((*FIELDS, *FEEDBACK_FIELDS), 0)
    for row in rows:
        for key in total:
            total[key] += row.get(key, 0)
    return total


def agencies_of(unit: str | None):
    """The active agencies a unit names: an agency code (with the agencies under it),
    a ward code (its People's Committee), or the province / nothing (all). An unknown
    unit is an error, not an empty answer."""
    agencies = Agency.objects.filter(is_active=True).select_related("unit").order_by("path")
    if not unit or unit == settings.TINHSO_PROVINCE:
        return list(agencies)
    root = Agency.objects.filter(code=unit).first()
    if root is not None:
        return list(agencies.filter(path__startswith=root.path))
    found = list(agencies.filter(Q(unit_id=unit) | Q(unit__parent_id=unit)))
    if not found:
        raise ValidationFailed(
            _("Không có cơ quan hay đơn vị hành chính mã %(unit)s.") % {"unit": unit},
            fields={"unit": _("Mã cơ quan (ví dụ STP) hoặc mã phường, xã.")},
        )
    return found


def service_index(*, period: str, unit: str | None = None) -> list[AgencyIndex]:
    """The index of every agency under `unit` (an agency code, a ward code, or the
    province / nothing for all) for the period."""
    first, last = parse_period(period)
    agencies = agencies_of(unit)
    components = list(IndicatorComponent.objects.all())
    dossiers = _dossier_counts(agencies, first, last)
    procedures = _procedure_counts(agencies)
    out = []
    for agency in agencies:
        score, values = score_of(
            dossiers.get(agency.pk, {}), procedures.get(agency.pk, (0, 0)), components
        )
        out.append(AgencyIndex(agency.code, agency.name, period, score, values))
    return out


def unit_index(*, period: str, unit: str | None = None) -> AgencyIndex:
    """The index of a whole unit (the province by default) as one: the counts of all
    its agencies added up, then scored, so a big agency weighs more than a small one."""
    first, last = parse_period(period)
    agencies = agencies_of(unit)
    components = list(IndicatorComponent.objects.all())
    counts = _sum(_dossier_counts(agencies, first, last).values())
    procs = _procedure_counts(agencies).values()
    p = (sum(done for done, _all in procs), sum(n for _done, n in procs))
    score, values = score_of(counts, p, components)
    code = unit or settings.TINHSO_PROVINCE
    name = agencies[0].name if unit and len(agencies) == 1 else _unit_name(code)
    return AgencyIndex(code, name, period, score, values)


def _unit_name(code: str) -> str:
    from tinhso.geo.models import AdministrativeUnit

    found = AdministrativeUnit.objects.filter(code=code).values_list("name", flat=True).first()
    return found or Agency.objects.filter(code=code).values_list("name", flat=True).first() or code


MAX_TREND_MONTHS = 36


def month_range(start: str, end: str) -> list[str]:
    """The months from `start` to `end` (YYYY-MM, both included); an inverted or too
    long range is an error."""
    first, _end = parse_period(start)
    last_first, _end = parse_period(end)
    if not (
        re.fullmatch(r"\d{4}-\d{2}", start.strip()) and re.fullmatch(r"\d{4}-\d{2}", end.strip())
    ):
        raise ValidationFailed(
            _("Khoảng thời gian tính theo tháng: YYYY-MM."),
            fields={"from": _("Dùng YYYY-MM."), "to": _("Dùng YYYY-MM.")},
        )
    if last_first < first:
        raise ValidationFailed(
            _("Khoảng thời gian ngược: tháng bắt đầu sau tháng kết thúc."),
            fields={"from": _("Tháng bắt đầu phải trước tháng kết thúc.")},
        )
    months = months_between(first, last_first) + 1
    if months > MAX_TREND_MONTHS:
        raise ValidationFailed(
            _("Tối đa %(n)s tháng một lần.") % {"n": MAX_TREND_MONTHS},
            fields={"from": _("Chọn khoảng ngắn hơn.")},
        )
    return [f"{add_months(first, i):%Y-%m}" for i in range(months)]


def index_trend(*, start: str, end: str, unit: str | None = None) -> list[AgencyIndex]:
    """The unit's index month by month, from one query grouped by month."""
    months = month_range(start, end)
    agencies = agencies_of(unit)
    components = list(IndicatorComponent.objects.all())
    first, _end = parse_period(months[0])
    _start, last = _parse_period(months[-1])
    by_month = {
        f"{row['month']:%Y-%m}": row for row in _month_rows(agencies, first, last, by=("month",))
    }
    procs = _procedure_counts(agencies).values()
    p = (sum(done for done, _all in procs), sum(n for _done, n in procs))
    code = unit or settings.TINHSO_PROVINCE
    out = []
    for month in months:
        score, values = score_of(by_month.get(month, {}), p, components)
        out.append(AgencyIndex(code, "", month, score, values))
    return out


def late_steps(*, period: str, unit: str | None = None, today: datetime.date | None = None):
    """Steps of the control slip that are late: still open past their deadline (the
    clock of a dossier waiting for the applicant's supplement does not count), or
    finished in the period after it; per agency and step, most late first."""
    from tinhso.dossiers.models import (
        AT_AGENCY,
        CLOCK_RUNNING,
        DossierStep,
        in_states,
        step_finished_late_q,
        step_late_q,
    )

    first, last = parse_period(period)
    today = today or timezone.localdate()
    agencies = agencies_of(unit)
    # at the agency with the clock running (the applicant's supplement stops it)
    open_late = step_late_q(today) & in_states(AT_AGENCY & CLOCK_RUNNING, "dossier__status")
    start, end = _bounds(first, last)
    finished_late = Q(finished_at__gte=start, finished_at__lt=end) & step_finished_late_q()
    return list(
        DossierStep.objects.filter(agency__in=agencies)
        .filter(open_late | finished_late)
        .values("agency__code", "agency__short_name", "agency__name", "name")
        .annotate(
            open_late=Count("pk", filter=Q(finished_at__isnull=True)),
            finished_late=Count("pk", filter=Q(finished_at__isnull=False)),
        )
        .order_by("-open_late", "-finished_late", "agency__code", "name")
    )


def index_by_agency_month(*, start: str, end: str) -> list[AgencyIndex]:
    """Every agency's index for every month of the range, from one query grouped by
    agency and month (what the open-data dataset publishes)."""
    months = month_range(start, end)
    agencies = agencies_of(None)
    components = list(IndicatorComponent.objects.all())
    first, _end = parse_period(months[0])
    _start, last = _parse_period(months[-1])
    counts = {
        (row["agency"], f"{row['month']:%Y-%m}"): dict(row)
        for row in _month_rows(agencies, first, last, by=("agency", "month"))
    }
    _with_feedback(counts, agencies, first, last, by_month=True)
    procedures = _procedure_counts(agencies)
    out = []
    for month in months:
        for agency in agencies:
            d = counts.get((agency.pk, month))
            if d is None:
                continue
            score, values = score_of(d, procedures.get(agency.pk, (0, 0)), components)
            out.append(AgencyIndex(agency.code, agency.name, month, score, values))
    return out


def available_periods(
    *, today: datetime.date | None = None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods that hold figures, to pick from (newest first), grouped by year:
    [(year, [(value, label), ...])]: the year, its quarters and its months that have
    begun, from the first month with dossiers (the current year when none)."""
    today = today or timezone.localdate()
    first = AgencyMonth.objects.order_by("month").values_list("month", flat=True).first()
    start = first.year if first else today.year
    groups = []
    for year in range(today.year, start - 1, -1):
        options = [(str(year), _("Cả năm %(year)s") % {"year": year})]
        for q in range(4, 0, -1):
            if datetime.date(year, 3 * q - 2, 1) <= today:
                options.append((f"{year}-Q{q}", _("Quý %(q)s/%(year)s") % {"q": q, "year": year}))
        for m in range(12, 0, -1):
            if datetime.date(year, m, 1) <= today and (
                first is None or (year, m) >= (first.year, first.month)
            ):
                options.append(
                    (f"{year}-{m:02d}", _("Tháng %(m)s/%(year)s") % {"m": m, "year": year})
                )
        groups.append((str(year), options))
    return groups
