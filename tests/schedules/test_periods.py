"""Period arithmetic: shift, day, week, month and quarter boundaries on the hospital's clock."""

from datetime import datetime, time

import pytest

from app.schedules.periods import (
    next_start,
    parse_shift_starts,
    period_of,
    periods_between,
)

SHIFTS = (time(8), time(20))


@pytest.mark.parametrize("at, start, end", [
    (datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 8), datetime(2026, 11, 24, 20)),
    (datetime(2026, 11, 24, 19, 59), datetime(2026, 11, 24, 8), datetime(2026, 11, 24, 20)),
    (datetime(2026, 11, 24, 20, 0), datetime(2026, 11, 24, 20), datetime(2026, 11, 25, 8)),
    # Before 08:00 the night shift that began yesterday evening is still on.
    (datetime(2026, 11, 25, 7, 59), datetime(2026, 11, 24, 20), datetime(2026, 11, 25, 8)),
    # The night shift of the last day of a month runs into the next month and year.
    (datetime(2027, 1, 1, 3, 0), datetime(2026, 12, 31, 20), datetime(2027, 1, 1, 8)),
])
def test_shift_periods(at, start, end):
    period = period_of("shift", at, SHIFTS)
    assert (period.start, period.end) == (start, end)


def test_three_shifts_a_day():
    shifts = parse_shift_starts("16:00, 00:00,08:00")
    assert shifts == (time(0), time(8), time(16))
    starts = [p.start for p in periods_between("shift", datetime(2026, 11, 24, 1),
                                               datetime(2026, 11, 25, 1), shifts)]
    assert starts == [datetime(2026, 11, 24, 0), datetime(2026, 11, 24, 8),
                      datetime(2026, 11, 24, 16), datetime(2026, 11, 25, 0)]


def test_shift_starts_must_name_a_time():
    with pytest.raises(ValueError):
        parse_shift_starts(" , ")


@pytest.mark.parametrize("at, start, end", [
    (datetime(2026, 11, 30, 23, 59), datetime(2026, 11, 30), datetime(2026, 12, 1)),
    (datetime(2026, 12, 1, 0, 0), datetime(2026, 12, 1), datetime(2026, 12, 2)),
    (datetime(2028, 2, 28, 12), datetime(2028, 2, 28), datetime(2028, 2, 29)),  # leap year
])
def test_daily_periods(at, start, end):
    period = period_of("daily", at, SHIFTS)
    assert (period.start, period.end) == (start, end)


def test_weeks_begin_on_monday_and_cross_months():
    period = period_of("weekly", datetime(2026, 12, 3, 9), SHIFTS)  # a Thursday
    assert (period.start, period.end) == (datetime(2026, 11, 30), datetime(2026, 12, 7))


@pytest.mark.parametrize("at, start, end", [
    (datetime(2026, 1, 31, 23, 59), datetime(2026, 1, 1), datetime(2026, 2, 1)),
    (datetime(2026, 2, 1), datetime(2026, 2, 1), datetime(2026, 3, 1)),
    (datetime(2026, 12, 31, 23), datetime(2026, 12, 1), datetime(2027, 1, 1)),
])
def test_monthly_periods(at, start, end):
    period = period_of("monthly", at, SHIFTS)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("at, start, end", [
    (datetime(2026, 3, 31, 23, 59), datetime(2026, 1, 1), datetime(2026, 4, 1)),
    (datetime(2026, 4, 1), datetime(2026, 4, 1), datetime(2026, 7, 1)),
    (datetime(2026, 11, 24), datetime(2026, 10, 1), datetime(2027, 1, 1)),
])
def test_quarterly_periods(at, start, end):
    period = period_of("quarterly", at, SHIFTS)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("frequency", ["shift", "daily", "weekly", "monthly", "quarterly"])
def test_periods_follow_each_other_without_gaps(frequency):
    periods = periods_between(frequency, datetime(2026, 1, 1), datetime(2027, 1, 1), SHIFTS)
    assert all(a.end == b.start for a, b in zip(periods, periods[1:], strict=False))
    assert all(next_start(frequency, p.start, SHIFTS) == p.end for p in periods)
