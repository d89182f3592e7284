"""Working days (ngày làm việc): no weekends, no public holidays (`holidays.Vietnam`),
with the decreed swaps of `CalendarOverride` (a Saturday worked to make up for a
bridge day) applied on top.

A deadline of N working days counts from the day after receipt; a dossier received
after the agency's cut-off hour, or on a day off, counts as received on the next
working day (DOMAIN.md §5).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils import timezone


@dataclass(frozen=True)
class WorkCalendar:
    extra_workdays: frozenset[datetime.date] = frozenset()
    extra_holidays: frozenset[datetime.date] = frozenset()

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays or day.weekday() >= 5:
            return False
        return day not in _public_holidays(day.year)

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after `day`."""
        day += datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def receipt_day(
        self, moment: datetime.datetime, cut_off: datetime.time | None = None
    ) -> datetime.date:
        """The working day on which a dossier received at `moment` counts as received."""
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        day = local.date()
        late = cut_off is not None and local.time() >= cut_off
        if not self.is_working_day(day) or late:
            return self.next_working_day(day)
        return day

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        day = start
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def due_date(
        self, received: datetime.datetime, days: int, cut_off: datetime.time | None = None
    ) -> datetime.date:
        return self.add_working_days(self.receipt_day(received, cut_off), days)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Vietnam(years=year).keys())


def calendar_years_loaded(year: int) -> None:
    """Compute the public holidays of `year` and the next (a server process does it
    once, before it forks its workers)."""
    _public_holidays(year)
    _public_holidays(year + 1)


_cached: WorkCalendar | None = None


def calendar() -> WorkCalendar:
    """The platform's calendar, with the overrides kept in the database."""
    global _cached
    if _cached is None:
        from .models import CalendarOverride

        rows = list(CalendarOverride.objects.values_list("date", "kind"))
        _cached = WorkCalendar(
            extra_workdays=frozenset(d for d, k in rows if k == "workday"),
            extra_holidays=frozenset(d for d, k in rows if k == "holiday"),
        )
    return _cached


def forget_calendar() -> None:
    global _cached
    _cached = None
