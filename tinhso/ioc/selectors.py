"""The operations centre's board (Trung tâm điều hành, IOC): today's figures across the
platform, read from the apps' counters and selectors (the index's per agency-month
counts, the open feedback by agency, today's health check-ins and doses, the open-data
catalogue), never a scan of the
dossiers per refresh. Alerts are thresholds kept as data (`ioc/data/alerts.csv`)."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models import Sum
from django.utils import timezone

from tinhso.feedback import selectors as feedback
from tinhso.health import selectors as health
from tinhso.monitoring.models import AgencyMonth
from tinhso.opendata.models import Dataset

ALERTS = Path(__file__).resolve().parent / "data" / "alerts.csv"
STALE_AFTER = {"daily": 2, "weekly": 8, "monthly": 32, "yearly": 370}  # days


@dataclass(frozen=True)
class Threshold:
    metric: str
    threshold: int
    label: str


@lru_cache(maxsize=1)
def thresholds() -> tuple[Threshold, ...]:
    with ALERTS.open(encoding="utf-8") as fh:
        return tuple(
            Threshold(r["metric"], int(r["threshold"]), r["label"]) for r in csv.DictReader(fh)
        )


@dataclass
class Alert:
    label: str
    agency: str
    value: int
    threshold: int


@dataclass
class Board:
    at: datetime.datetime
    month: datetime.date
    dossiers: dict[str, int]
    dossiers_by_agency: list[dict]
    feedback_by_agency: list[dict]
    feedback_open: int
    feedback_late: int
    feedback_today: int
    datasets: list[dict]
    health: dict[str, int] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)


def _dossiers(month: datetime.date) -> tuple[dict[str, int], list[dict]]:
    fields = ("submitted", "online", "resolved", "on_time", "with_fee", "paid")
    rows: list[dict] = [
        dict(r)
        for r in AgencyMonth.objects.filter(month=month)
        .values("agency__code", "agency__name")
        .annotate(**{f: Sum(f) for f in fields})
        .order_by("-submitted", "agency__code")
    ]
    for r in rows:
        r["resolved_late"] = (r["resolved"] or 0) - (r["on_time"] or 0)
    totals = {f: sum(r[f] or 0 for r in rows) for f in (*fields, "resolved_late")}
    return totals, rows


def _datasets(now: datetime.datetime) -> list[dict]:
    out: list[dict] = []
    for dataset in Dataset.objects.order_by("name").only(
        "name", "title", "frequency", "refreshed_at"
    ):
        limit = datetime.timedelta(days=STALE_AFTER.get(dataset.frequency, 32))
        refreshed = dataset.refreshed_at
        out.append(
            {
                "name": dataset.name,
                "title": dataset.title,
                "refreshed_at": refreshed,
                "stale": refreshed is None or now - refreshed > limit,
            }
        )
    return out


def board(*, now: datetime.datetime | None = None) -> Board:
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = today.replace(day=1)
    totals, by_agency = _dossiers(month)
    open_feedback = feedback.open_by_agency(today=today)
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    result = Board(
        at=now,
        month=month,
        dossiers=totals,
        dossiers_by_agency=by_agency[:10],
        feedback_by_agency=open_feedback[:10],
        feedback_open=sum(r["open"] for r in open_feedback),
        feedback_late=sum(r["late"] for r in open_feedback),
        feedback_today=feedback.received_since(midnight),
        datasets=_datasets(now),
        health=health.day_counts(today),
    )
    values = {
        "feedback_late": [(r["agency__name"], r["late"]) for r in open_feedback],
        "dossiers_resolved_late": [(r["agency__name"], r["resolved_late"]) for r in by_agency],
    }
    for t in thresholds():
        for agency, value in values.get(t.metric, []):
            if value >= t.threshold:
                result.alerts.append(Alert(t.label, agency, value, t.threshold))
    return result
