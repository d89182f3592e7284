"""Month arithmetic: adding months keeps the day or clamps it to the month's end,
counts agree with additions, and a month ends on its last day."""

import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.dates import add_months, month_end, months_between

days = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31))
shifts = st.integers(min_value=-600, max_value=600)


def test_the_end_of_january_plus_one_month_is_the_end_of_february():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 3, 15), -11) == datetime.date(2025, 4, 15)
    assert add_months(datetime.date(2026, 1, 1), -24) == datetime.date(2024, 1, 1)


@given(days, shifts)
def test_adding_months_moves_the_month_and_keeps_the_day_when_it_can(day, n):
    moved = add_months(day, n)
    assert months_between(day, moved) == n
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])


@given(days)
def test_a_month_ends_on_its_last_day(day):
    end = month_end(day)
    assert (end.year, end.month) == (day.year, day.month)
    assert (end + datetime.timedelta(days=1)).day == 1


@given(days, days)
def test_months_between_is_antisymmetric(a, b):
    assert months_between(a, b) == -months_between(b, a)
