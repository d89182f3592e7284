import datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from . import goals, selectors

router = Router(tags=["monitoring"])


class ComponentOut(Schema):
    points: Decimal | None
    max: Decimal
    value: float | None
    numerator: int
    denominator: int


class IndexOut(Schema):
    agency: str
    agency_name: str
    period: str
    score: Decimal
    components: dict[str, ComponentOut]


class IndexQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(max_length=7)
    unit: str | None = Field(None, max_length=40)


class TrendQuery(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: str = Field(alias="from", max_length=7)
    end: str = Field(alias="to", max_length=7)
    unit: str | None = Field(None, max_length=40)


class LateStepOut(Schema):
    agency: str
    agency_name: str
    step: str
    open_late: int
    finished_late: int


class MeasurementOut(Schema):
    measured_on: datetime.date
    value: Decimal
    evidence: str
    source: str
    automatic: bool
    approximate_date: bool


class GoalOut(Schema):
    programme: str
    code: str
    kind: str
    title: str
    owner: str | None
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    direction: str
    due: datetime.date | None
    status: str
    progress: float | None
    latest: MeasurementOut | None
    source: str
    quote: str


class GoalQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    programme: str | None = Field(None, max_length=40)
    owner: str | None = Field(None, max_length=40)


@router.get(
    "/monitoring/index", response=list[IndexOut], auth=None, summary="Bộ chỉ số phục vụ (766)"
)
def index(request, query: Query[IndexQuery]):
    """The service index of Decision 766/QĐ-TTg per agency for a month (YYYY-MM),
    quarter (YYYY-Qn) or year; public, like the national portal's. `unit`: an agency
    code (with the agencies under it), a ward code, or the province code."""
    return selectors.service_index(period=query.period, unit=query.unit)


@router.get("/monitoring/summary", response=IndexOut, auth=None, summary="Chỉ số của cả đơn vị")
def summary(request, query: Query[IndexQuery]):
    """The index of a whole unit (the province by default): its agencies' counts
    added up, then scored."""
    return selectors.unit_index(period=query.period, unit=query.unit)


@router.get("/monitoring/trend", response=list[IndexOut], auth=None, summary="Chỉ số theo tháng")
def trend(request, query: Query[TrendQuery]):
    """The unit's index month by month, `from` and `to` as YYYY-MM (at most 36 months)."""
    return selectors.index_trend(start=query.start, end=query.end, unit=query.unit)


@router.get(
    "/monitoring/late-steps", response=list[LateStepOut], auth=None, summary="Bước xử lý trễ hạn"
)
def late_steps(request, query: Query[IndexQuery]):
    """Steps of the control slip that are late, per agency and step: still open past
    their deadline, or finished late in the period. Counts only."""
    return [
        LateStepOut(
            agency=r["agency__code"],
            agency_name=r["agency__name"],
            step=r["name"],
            open_late=r["open_late"],
            finished_late=r["finished_late"],
        )
        for r in selectors.late_steps(period=query.period, unit=query.unit)
    ]


@router.get("/monitoring/goals", response=list[GoalOut], auth=None, summary="Mục tiêu, chỉ tiêu")
def goal_list(request, query: Query[GoalQuery]):
    """Resolution 09-NQ/TU and the yearly plans: each goal with its target, latest
    measured value with evidence and source, and status (done, on_track, late,
    no_data, tracked)."""
    return [
        GoalOut(
            programme=p.goal.programme.number,
            code=p.goal.code,
            kind=p.goal.kind,
            title=p.goal.title,
            owner=p.goal.owner.code if p.goal.owner else None,
            unit=p.goal.unit,
            baseline=p.goal.baseline,
            target=p.goal.target,
            direction=p.goal.direction,
            due=p.goal.due,
            status=p.status,
            progress=p.progress,
            latest=p.latest,
            source=p.goal.source,
            quote=p.goal.quote,
        )
        for p in goals.goals_progress(programme=query.programme, owner=query.owner)
    ]
