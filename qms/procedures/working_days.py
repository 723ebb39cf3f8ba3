"""Working days in Vietnam: Monday to Friday, less the public holidays (Tết included), from `holidays`.

Statutory time limits of administrative procedures are counted in working days (ngày làm việc) or
working hours; a day of Tết or of a national holiday is not one. The `holidays` package keeps the lunar
calendar's holidays (Tết, the Hùng Kings' day) and the observed days, year by year, better than a table
we would have to maintain ourselves.
"""

import datetime
from decimal import Decimal
from functools import lru_cache

import holidays

#: Hours of one working day: a time limit in working hours is compared in these.
HOURS_PER_DAY = 8


@lru_cache(maxsize=64)
def _holidays(year):
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day):
    return day.weekday() < 5 and day not in _holidays(day.year)


def holiday_name(day):
    return holidays.country_holidays("VN", years=day.year).get(day)


def working_days_between(start, end):
    """Working days from `start` to `end`, both included."""
    count = 0
    day = start
    while day <= end:
        count += is_working_day(day)
        day += datetime.timedelta(days=1)
    return count


def add_working_days(start, days):
    """The date `days` working days after `start` (a dossier received on `start` is due then)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def fewest_working_days(calendar_days, *, start, horizon_days=366):
    """The fewest working days that any `calendar_days` consecutive days hold, for windows starting from
    `start` over `horizon_days`; and the first window's start that holds so few (the one with Tết, usually).
    """
    span = int(calendar_days)
    first = start
    fewest = None
    for offset in range(horizon_days):
        window_start = start + datetime.timedelta(days=offset)
        count = working_days_between(window_start, window_start + datetime.timedelta(days=span - 1))
        if fewest is None or count < fewest:
            fewest, first = count, window_start
    return fewest, first


def in_hours(amount, unit):
    """A step's or way's time in working hours (calendar days are not counted here: see time_limits)."""
    amount = Decimal(amount)
    return amount if unit == "working_hours" else amount * HOURS_PER_DAY
