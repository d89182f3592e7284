"""Calendar months: the one place where months are added, counted and ended
(report periods, trends, open-data windows), with `dateutil.relativedelta`."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by `months` calendar months (back when negative). The day of the
    month is kept, or becomes the month's last day when it has fewer (31 January
    plus one month is 28 or 29 February)."""
    return day + relativedelta(months=months)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of `day`'s month."""
    return day + relativedelta(day=31)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """How many whole calendar months `last`'s month is after `first`'s (0 for the
    same month, negative when before)."""
    between = relativedelta(last.replace(day=1), first.replace(day=1))
    return between.years * 12 + between.months
