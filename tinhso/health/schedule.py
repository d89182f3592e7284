"""The childhood immunisation schedule (Chương trình tiêm chủng mở rộng) as data
(`data/immunization_schedule.csv`, its source in `data/immunization_schedule.md`) and
which doses a child has had, is due for, or is late for."""

from __future__ import annotations

import csv
import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tinhso.core.dates import add_months

SCHEDULE_CSV = Path(__file__).parent / "data" / "immunization_schedule.csv"


class Status(enum.StrEnum):
    GIVEN = "given"
    UPCOMING = "upcoming"  # not yet due
    DUE = "due"  # due now, within the grace period
    OVERDUE = "overdue"
    WAITING = "waiting"  # an earlier dose of the series is still missing


@dataclass(frozen=True)
class Step:
    series: str
    vaccine_codes: frozenset[str]
    name_vi: str
    name_en: str
    dose: int
    age_months: int
    age_days: int
    min_interval_days: int
    overdue_after_days: int

    def due_by_age(self, birth_date: datetime.date) -> datetime.date:
        return add_months(birth_date, self.age_months) + datetime.timedelta(days=self.age_days)


@dataclass(frozen=True)
class ScheduledDose:
    step: Step
    status: Status
    due_on: datetime.date | None
    given_on: datetime.date | None = None

    @property
    def overdue_on(self) -> datetime.date | None:
        if self.due_on is None:
            return None
        return self.due_on + datetime.timedelta(days=self.step.overdue_after_days)


@cache
def steps() -> tuple[Step, ...]:
    with SCHEDULE_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Step(
                series=row["series"],
                vaccine_codes=frozenset(row["vaccine_codes"].split("|")),
                name_vi=row["name_vi"],
                name_en=row["name_en"],
                dose=int(row["dose"]),
                age_months=int(row["age_months"]),
                age_days=int(row["age_days"]),
                min_interval_days=int(row["min_interval_days"]),
                overdue_after_days=int(row["overdue_after_days"]),
            )
            for row in csv.DictReader(fh)
        )


def series_for_code(vaccine_code: str) -> str | None:
    for step in steps():
        if vaccine_code in step.vaccine_codes:
            return step.series
    return None


def child_schedule(
    *,
    birth_date: datetime.date,
    doses: Iterable[tuple[str, datetime.date]],
    today: datetime.date,
) -> list[ScheduledDose]:
    """Every step of the schedule for a child born on `birth_date` who had `doses`
    (`(vaccine code, date given)`): the n-th dose of a series (in date order) fills
    its n-th step; the first missing step of a series is upcoming, due or overdue, the
    ones after it wait. A step falls due at its age, and not before the minimum
    interval after the series' previous dose."""
    given: dict[str, list[datetime.date]] = defaultdict(list)
    for code, day in doses:
        series = series_for_code(code)
        if series is not None:
            given[series].append(day)
    for days in given.values():
        days.sort()

    result: list[ScheduledDose] = []
    previous: dict[str, datetime.date | None] = {}
    blocked: set[str] = set()
    for step in steps():
        taken = given.get(step.series, [])
        if step.dose <= len(taken):
            day = taken[step.dose - 1]
            result.append(ScheduledDose(step, Status.GIVEN, None, day))
            previous[step.series] = day
            continue
        if step.series in blocked:
            result.append(ScheduledDose(step, Status.WAITING, None))
            continue
        blocked.add(step.series)
        due_on = step.due_by_age(birth_date)
        last = previous.get(step.series)
        if last is not None:
            due_on = max(due_on, last + datetime.timedelta(days=step.min_interval_days))
        if today < due_on:
            status = Status.UPCOMING
        elif today <= due_on + datetime.timedelta(days=step.overdue_after_days):
            status = Status.DUE
        else:
            status = Status.OVERDUE
        result.append(ScheduledDose(step, status, due_on))
    return result


def needs_attention(schedule: list[ScheduledDose]) -> list[ScheduledDose]:
    """The steps a station acts on now: due or overdue."""
    return [d for d in schedule if d.status in (Status.DUE, Status.OVERDUE)]
