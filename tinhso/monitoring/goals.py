"""The goals tracker: Resolution 09-NQ/TU and the yearly plans as data, their
measured values with evidence, and the values the platform measures itself.

A goal's status follows from its target, due date and latest value: done (the
latest value reaches the target), late (due and not reached), on track (not due
yet), no data (nothing measured), or tracked (an indicator without a target). Platform metrics (`PLATFORM_METRICS`) record today's value of the goals
that name them, from the same SQL aggregation as the service index.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.accounts.models import Agency

from .models import Goal, Measurement, Programme

DATA = Path(__file__).parent / "data" / "goals.json"

PLATFORM_SOURCE = "tinhso"

STATUS_LABELS = {
    "done": _("Hoàn thành"),
    "on_track": _("Đúng tiến độ"),
    "late": _("Chậm, quá hạn"),
    "no_data": _("Chưa có số liệu"),
    "tracked": _("Theo dõi"),
}

# metric code → function(year) -> value in % or None (nothing to measure yet)
PLATFORM_METRICS: dict[str, Callable[[int], Decimal | None]] = {}


def platform_metric(code: str):
    """Register a value the platform measures itself (other apps add theirs)."""

    def register(fn):
        PLATFORM_METRICS[code] = fn
        return fn

    return register


def _province_ratio(year: int, component: str) -> Decimal | None:
    from . import selectors

    row = selectors.unit_index(period=str(year))
    value = row.components[component].value
    return None if value is None else (Decimal(str(value)) * 100).quantize(Decimal("0.01"))


@platform_metric("online_rate")
def _online_rate(year: int) -> Decimal | None:
    return _province_ratio(year, "online")


@platform_metric("on_time_rate")
def _on_time_rate(year: int) -> Decimal | None:
    return _province_ratio(year, "on_time")


@platform_metric("pupil_identity_coverage")
def _pupil_identity_coverage(year: int) -> Decimal | None:
    from tinhso.education import selectors as education

    return education.identity_coverage()


@platform_metric("school_report_coverage")
def _school_report_coverage(year: int) -> Decimal | None:
    from tinhso.education import selectors as education

    return education.report_coverage(year)


@transaction.atomic
def load_goals(*, path: Path = DATA) -> int:
    """Programmes, goals and their sourced measurements from the data file;
    idempotent (codes and (goal, date, source) are the keys)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = data["sources"]
    agencies = {a.code: a for a in Agency.objects.all()}
    count = 0
    for p in data["programmes"]:
        programme, _created = Programme.objects.update_or_create(
            code=p["code"],
            defaults={
                "number": p["number"],
                "title": p["title"],
                "issuer": p["issuer"],
                "issued_on": p["issued_on"],
                "horizon": p["horizon"],
                "summary": p.get("summary", ""),
                "source": sources.get(p.get("source", ""), ""),
                "quote": p.get("quote", ""),
            },
        )
        for position, g in enumerate(p["goals"]):
            goal, _created = Goal.objects.update_or_create(
                code=g["code"],
                defaults={
                    "programme": programme,
                    "kind": g.get("kind", Goal.Kind.GOAL),
                    "pillar": g.get("pillar", ""),
                    "title": g["title"],
                    "owner": agencies.get(g.get("owner", "")),
                    "unit": g.get("unit", ""),
                    "baseline": g.get("baseline"),
                    "baseline_year": g.get("baseline_year"),
                    "target": g.get("target"),
                    "direction": g.get("direction", Goal.Direction.UP),
                    "due": g.get("due"),
                    "metric": g.get("metric", ""),
                    "source": sources.get(g.get("source", ""), ""),
                    "quote": g.get("quote", ""),
                    "position": position,
                },
            )
            for m in g.get("measurements", []):
                Measurement.objects.update_or_create(
                    goal=goal,
                    measured_on=m["on"],
                    source=sources[m["source"]],
                    defaults={
                        "value": Decimal(str(m["value"])),
                        "evidence": m.get("evidence", ""),
                        "approximate_date": m.get("approximate", False),
                    },
                )
            count += 1
    return count


def record_platform_measurements(*, today: datetime.date | None = None) -> int:
    """Today's value of every goal that names a platform metric, for the year so far
    (one row per goal and day: a second run the same day updates it)."""
    today = today or timezone.localdate()
    recorded = 0
    for goal in Goal.objects.exclude(metric=""):
        fn = PLATFORM_METRICS.get(goal.metric)
        value = fn(today.year) if fn else None
        if value is None:
            continue
        Measurement.objects.update_or_create(
            goal=goal,
            measured_on=today,
            source=PLATFORM_SOURCE,
            defaults={
                "value": value,
                "automatic": True,
                "evidence": str(
                    _("Đo tự động từ dữ liệu của nền tảng, từ đầu năm %(year)s đến %(day)s.")
                    % {"year": today.year, "day": f"{today:%d/%m/%Y}"}
                ),
            },
        )
        recorded += 1
    return recorded


@dataclass
class GoalProgress:
    goal: Goal
    latest: Measurement | None
    status: str
    progress: float | None  # share of the way from baseline (or 0) to target, 0..1

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def _reached(goal: Goal, value: Decimal) -> bool:
    if goal.direction == Goal.Direction.DOWN:
        return value <= goal.target
    return value >= goal.target


def goal_status(goal: Goal, latest: Measurement | None, today: datetime.date) -> str:
    if goal.target is None:
        return "tracked"
    if latest is None:
        return "no_data"  # late or not, nothing says how far it is
    if _reached(goal, latest.value):
        return "done"
    if goal.due is not None and goal.due < today:
        return "late"
    return "on_track"


def _progress(goal: Goal, latest: Measurement | None) -> float | None:
    if goal.target is None or latest is None:
        return None
    if goal.direction == Goal.Direction.DOWN:
        # a rank: reaching the target or better is 100 %
        return 1.0 if latest.value <= goal.target else float(goal.target / latest.value)
    start = goal.baseline or Decimal(0)
    span = goal.target - start
    if span <= 0:
        return 1.0
    return max(0.0, min(1.0, float((latest.value - start) / span)))


def goals_progress(*, programme: str | None = None, owner: str | None = None, today=None):
    """Every goal with its latest value and status, in two queries."""
    today = today or timezone.localdate()
    goals = Goal.objects.select_related("programme", "owner").prefetch_related("measurements")
    if programme:
        goals = goals.filter(programme__code=programme)
    if owner:
        goals = goals.filter(owner__code=owner)
    out = []
    for goal in goals:
        measurements = sorted(goal.measurements.all(), key=lambda m: (m.measured_on, m.pk))
        latest = measurements[-1] if measurements else None
        out.append(
            GoalProgress(goal, latest, goal_status(goal, latest, today), _progress(goal, latest))
        )
    return out


def status_counts(progress: list[GoalProgress]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for p in progress:
        counts[p.status] += 1
    return counts
