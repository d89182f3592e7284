import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.workdays import WorkCalendar, calendar

D = datetime.date
cal = WorkCalendar(extra_workdays=frozenset({D(2025, 4, 26), D(2024, 5, 4), D(2026, 8, 22)}))
days = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0))


def test_a_friday_before_tet_counts_past_the_holiday():
    # Tết Bính Ngọ: 16–20 Feb 2026 are days off, then a weekend.
    assert cal.due_date(at(D(2026, 2, 13)), 5) == D(2026, 2, 27)


def test_a_dossier_received_after_the_cut_off_counts_from_the_next_working_day():
    cut = datetime.time(15, 0)
    assert cal.due_date(at(D(2025, 3, 3), 14), 1, cut) == D(2025, 3, 4)
    assert cal.due_date(at(D(2025, 3, 3), 16), 1, cut) == D(2025, 3, 5)
    # Friday evening → Monday is the day of receipt
    assert cal.due_date(at(D(2025, 3, 7), 16), 1, cut) == D(2025, 3, 11)


def test_a_decreed_saturday_is_a_working_day_and_the_bridge_day_is_not():
    assert cal.is_working_day(D(2025, 4, 26))  # Saturday worked
    assert not cal.is_working_day(D(2025, 5, 2))  # the Friday it paid for
    assert not cal.is_working_day(D(2025, 4, 30)) and not cal.is_working_day(D(2025, 5, 1))
    # Thursday 24 April 2025 + 2 working days: Friday 25, Saturday 26
    assert cal.add_working_days(D(2025, 4, 24), 2) == D(2025, 4, 26)


def test_national_day_and_hung_kings():
    assert not cal.is_working_day(D(2025, 9, 1)) and not cal.is_working_day(D(2025, 9, 2))
    assert not cal.is_working_day(D(2025, 4, 7))  # Giỗ Tổ Hùng Vương 2025


@given(days, st.integers(min_value=0, max_value=60))
def test_the_due_date_is_a_working_day_exactly_n_working_days_later(start, n):
    due = cal.add_working_days(start, n)
    assert cal.working_days_between(start, due) == n
    if n:
        assert cal.is_working_day(due)
        assert due > start


@given(days, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_adding_working_days_composes(start, a, b):
    assert cal.add_working_days(cal.add_working_days(start, a), b) == cal.add_working_days(
        start, a + b
    )


@given(days)
def test_weekends_are_off_unless_decreed(day):
    if day.weekday() >= 5 and day not in cal.extra_workdays:
        assert not cal.is_working_day(day)


@given(days, st.integers(min_value=0, max_value=23))
def test_receipt_day_is_a_working_day_on_or_after_the_day(day, hour):
    got = cal.receipt_day(at(day, hour), datetime.time(15, 0))
    assert cal.is_working_day(got) and got >= day


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 1, 1), -1)


@pytest.mark.django_db
def test_the_platform_calendar_reads_the_decreed_swaps():
    assert calendar().is_working_day(D(2025, 4, 26))
