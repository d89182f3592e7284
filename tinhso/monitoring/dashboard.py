"""What the steering board and each agency see: the index and its trend, rankings of
agencies and of wards, late steps, goals — as tables (the charts draw from the same
rows, and the exports write them). The public page shows the province's figures.

Permission is checked here, not in the view: the steering dashboard of a unit is
for the monitoring officers, leaders and administrators of that unit's agency (the
province's People's Committee for the whole province)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.accounts import authz
from tinhso.accounts.models import Agency, AgencyKind, Role
from tinhso.core.dates import add_months

from . import goals, selectors
from .models import IndicatorComponent

DASHBOARD_ROLES = (Role.MONITORING, Role.LEADER, Role.ADMINISTRATOR)
PROVINCE_AGENCY = "UBND"


@dataclass
class Table:
    """Rows for a page table, a chart, and an export alike."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: dict | None = None  # {"type", "labels", "series": [{"label", "data"}], "horizontal"}

    def chart_of(self, kind: str, label_col: int, value_cols: list[int], *, horizontal=False,
                 limit: int | None = None) -> Table:  # fmt: skip
        rows = self.rows[:limit] if limit else self.rows

        def number(v):
            try:
                return float(v)
            except (TypeError, ValueError):
                return None

        self.chart = {
            "type": kind,
            "horizontal": horizontal,
            "labels": [str(r[label_col]) for r in rows],
            "series": [
                {"label": str(self.columns[c]), "data": [number(r[c]) for r in rows]}
                for c in value_cols
            ],
        }
        return self


@dataclass
class Dashboard:
    period: str
    unit: str
    unit_name: str
    summary: selectors.AgencyIndex
    components: Table
    trend: Table
    agencies: Table
    wards: Table
    late: Table
    goals: Table
    goal_counts: dict[str, int]

    def tables(self) -> dict[str, Table]:
        return {t.key: t for t in (self.components, self.trend, self.agencies, self.wards,
                                   self.late, self.goals)}  # fmt: skip


def default_period(today: datetime.date | None = None) -> str:
    return str((today or timezone.localdate()).year)


def viewable_agencies(user) -> list[Agency]:
    """The agencies whose dashboard this user may open (their own and those below)."""
    return [
        a
        for a in Agency.objects.filter(is_active=True).order_by("path")
        if authz.has_role(user, DASHBOARD_ROLES, agency=a)
    ]


def _root_agency(unit: str) -> Agency:
    agencies = selectors.agencies_of(unit)
    if not unit or unit == settings.TINHSO_PROVINCE:
        return Agency.objects.get(code=PROVINCE_AGENCY)
    named = next((a for a in agencies if a.code == unit), None)
    return named or agencies[0]


def _pct(value: float | None) -> Decimal | str:
    """A share as a percentage with one decimal, a number (the page prints it in the
    table's one style, the exports as a number), "—" when there is none."""
    return "—" if value is None else Decimal(f"{value * 100:.1f}")


def _trend_range(period: str) -> tuple[str, str]:
    _first, last = selectors.parse_period(period)
    end = min(last, timezone.localdate())
    return f"{add_months(end, -11):%Y-%m}", f"{end:%Y-%m}"


def build(*, period: str, unit: str = "", viewer=None, public: bool = False) -> Dashboard:
    """The dashboard of `unit` (the province by default) for `period`. `public` is the
    province-wide page anyone may see (no per-step detail); otherwise `viewer` must
    hold a dashboard role at the unit's agency."""
    unit = unit or ""
    selectors.parse_period(period)  # a clear error before anything else
    if public:
        unit = ""
    else:
        authz.require_role(viewer, DASHBOARD_ROLES, agency=_root_agency(unit))
    summary = selectors.unit_index(period=period, unit=unit or None)
    names = dict(IndicatorComponent.objects.values_list("code", "name"))
    sources = dict(IndicatorComponent.objects.values_list("code", "source"))
    components = Table(
        "components", _("Chỉ số thành phần"),
        [_("Chỉ số"), _("Điểm"), _("Tối đa"), _("Tỷ lệ (%)"), _("Tử số"), _("Mẫu số"),
         _("Nguồn trọng số")],
        [[names.get(code, code), c.points if c.points is not None else "—", c.max,
          _pct(c.value), c.numerator, c.denominator, sources.get(code) or "—"]
         for code, c in summary.components.items()],
    ).chart_of("bar", 0, [1, 2], horizontal=True)  # fmt: skip
    start, end = _trend_range(period)
    trend_rows = selectors.index_trend(start=start, end=end, unit=unit or None)
    trend = Table(
        "trend", _("Điểm theo tháng"),
        [_("Tháng"), _("Điểm"), _("Trực tuyến (%)"), _("Đúng hạn (%)")],
        [[r.period, r.score, _pct(r.components["online"].value), _pct(r.components["on_time"].value)]
         for r in trend_rows],
    ).chart_of("line", 0, [1, 2, 3])  # fmt: skip
    rows = selectors.service_index(period=period, unit=unit or None)
    kinds = dict(Agency.objects.values_list("code", "kind"))
    measured = [r for r in rows if r.components["online"].denominator]
    measured.sort(key=lambda r: (-r.score, r.agency))

    def ranking(key, title, members):
        return Table(key, title, [_("Hạng"), _("Cơ quan"), _("Điểm"), _("Hồ sơ"),
                                  _("Trực tuyến (%)"), _("Đúng hạn (%)"), _("Hài lòng (%)")],
                     [[n, r.agency_name, r.score, r.components["online"].denominator,
                       _pct(r.components["online"].value), _pct(r.components["on_time"].value),
                       _pct(r.components["satisfaction"].value)]
                      for n, r in enumerate(members, 1)])  # fmt: skip

    agencies = ranking(
        "agencies", _("Xếp hạng sở, ban, ngành"),
        [r for r in measured if kinds.get(r.agency) != AgencyKind.WARD_COMMITTEE],
    ).chart_of("bar", 1, [2], horizontal=True, limit=20)  # fmt: skip
    wards = ranking(
        "wards", _("Xếp hạng phường, xã"),
        [r for r in measured if kinds.get(r.agency) == AgencyKind.WARD_COMMITTEE],
    ).chart_of("bar", 1, [2], horizontal=True, limit=20)  # fmt: skip
    late = Table("late", _("Bước xử lý trễ hạn"),
                 [_("Cơ quan"), _("Bước"), _("Đang trễ"), _("Đã xong nhưng trễ")], [])  # fmt: skip
    if not public:
        late.rows = [
            [r["agency__name"], r["name"], r["open_late"], r["finished_late"]]
            for r in selectors.late_steps(period=period, unit=unit or None)
        ]
        late.chart_of("bar", 0, [2, 3], horizontal=True, limit=15)
    progress = goals.goals_progress()
    goal_table = Table(
        "goals", _("Mục tiêu chuyển đổi số"),
        [_("Văn bản"), _("Nội dung"), _("Chỉ tiêu"), _("Giá trị mới nhất"), _("Trạng thái")],
        [[p.goal.programme.number, p.goal.title,
          "—" if p.goal.target is None else f"{p.goal.target.normalize():f} {p.goal.unit}",
          "—" if p.latest is None else f"{p.latest.value.normalize():f} ({p.latest.measured_on:%m/%Y})",
          str(p.status_label)] for p in progress],
    )  # fmt: skip
    return Dashboard(
        period=period,
        unit=unit,
        unit_name=summary.agency_name,
        summary=summary,
        components=components,
        trend=trend,
        agencies=agencies,
        wards=wards,
        late=late,
        goals=goal_table,
        goal_counts=goals.status_counts(progress),
    )
