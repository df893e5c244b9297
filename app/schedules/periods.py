"""Inspection periods: each shift, day, week, month or quarter on the hospital's clock.

Pure arithmetic on naive datetimes in the hospital's time zone (the wall clock a guard reads):
a period is [start, end), and every schedule of one frequency shares the same periods.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, time, timedelta


@dataclass(frozen=True)
class Period:
    frequency: str
    start: datetime
    end: datetime


def parse_shift_starts(text: str) -> tuple[time, ...]:
    """"08:00,20:00" → the times each shift begins, sorted; at least one."""
    starts = sorted({time.fromisoformat(part.strip()) for part in text.split(",") if part.strip()})
    if not starts:
        raise ValueError("SHIFT_STARTS needs at least one time, e.g. 08:00,20:00")
    return tuple(starts)


def period_start(frequency: str, at: datetime, shifts: tuple[time, ...]) -> datetime:
    """The start of the period of `frequency` that contains the local time `at`."""
    day = at.date()
    if frequency == "shift":
        today = [datetime.combine(day, t) for t in shifts]
        index = bisect_right(today, at) - 1
        if index >= 0:
            return today[index]
        return datetime.combine(day - timedelta(days=1), shifts[-1])  # last night's shift
    if frequency == "daily":
        return datetime.combine(day, time())
    if frequency == "weekly":  # weeks begin on Monday, as in China
        return datetime.combine(day - timedelta(days=day.weekday()), time())
    if frequency == "monthly":
        return datetime(day.year, day.month, 1)
    if frequency == "quarterly":
        return datetime(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown frequency {frequency!r}")


def next_start(frequency: str, start: datetime, shifts: tuple[time, ...]) -> datetime:
    """The start of the period after the one starting at `start`."""
    if frequency == "shift":
        later = [t for t in shifts if t > start.time()]
        if later:
            return datetime.combine(start.date(), later[0])
        return datetime.combine(start.date() + timedelta(days=1), shifts[0])
    if frequency == "daily":
        return start + timedelta(days=1)
    if frequency == "weekly":
        return start + timedelta(days=7)
    months = 1 if frequency == "monthly" else 3
    month = start.month - 1 + months
    return datetime(start.year + month // 12, month % 12 + 1, 1)


def period_of(frequency: str, at: datetime, shifts: tuple[time, ...]) -> Period:
    start = period_start(frequency, at, shifts)
    return Period(frequency, start, next_start(frequency, start, shifts))


def periods_between(frequency: str, since: datetime, until: datetime,
                    shifts: tuple[time, ...]) -> list[Period]:
    """Every period that overlaps [since, until), in order."""
    result = []
    start = period_start(frequency, since, shifts)
    while start < until:
        end = next_start(frequency, start, shifts)
        result.append(Period(frequency, start, end))
        start = end
    return result


def label(period: Period) -> str:
    """A short, language-neutral name for the period, as a duty roster writes it."""
    start, last = period.start, period.end - timedelta(microseconds=1)
    if period.frequency == "shift":
        return f"{start:%m-%d %H:%M}–{period.end:%H:%M}"
    if period.frequency == "daily":
        return f"{start:%Y-%m-%d}"
    if period.frequency == "weekly":
        return f"{start:%m-%d}–{last:%m-%d}"
    if period.frequency == "monthly":
        return f"{start:%Y-%m}"
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"
