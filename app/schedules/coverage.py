"""Coverage: for each inspection schedule, which periods were done, which missed, what is due.

A period of a schedule is *done* when an inspection of the schedule's kind at its location
happened inside it (by anyone: the place was inspected), *missed* when it ended without one,
and *due* while it is the current period and not yet done. Periods that ended before the
schedule was created are not owed. Everything is computed from the inspections table on the
fly, one query for the schedules and one for the inspections of the window.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import String, and_, or_, select, type_coerce

from app.common.permissions import sees_all_departments
from app.common.time import (
    DEVICE_CLOCK_TRUST,
    believable_device_time,
    local_to_utc,
    to_local,
    utcnow,
)
from app.extensions import db
from app.inspections.models import Inspection
from app.locations.models import Location
from app.schedules.models import InspectionSchedule
from app.schedules.periods import Period, parse_shift_starts, periods_between


def done_at(submitted_at: datetime | None, received_at: datetime) -> datetime:
    """When an inspection happened, for coverage: the phone's submit time if believable (an
    offline round is counted in the period it was walked), else when the server got it."""
    return believable_device_time(submitted_at, received_at, default=received_at)


class _Schedule(NamedTuple):
    id: int
    location_id: int
    kind: str
    frequency: str
    created_at: object  # a datetime, or SQLite's text of one (see _raw)
    location_code: str


@dataclass
class ScheduleCoverage:
    """One schedule over a window: `done` and `missed` count periods that ended in the window
    (plus the current one when it is done); `due` says the current period still waits."""

    schedule_id: int
    location_id: int
    location_code: str
    kind: str
    frequency: str
    current: Period
    due: bool = False
    done: int = 0
    missed: int = 0
    last_done_at: datetime | None = None  # naive UTC
    missed_periods: list[Period] = field(default_factory=list)  # newest first

    @property
    def rate(self) -> float | None:
        owed = self.done + self.missed
        return self.done / owed if owed else None


@dataclass
class Coverage:
    since: datetime  # local
    now: datetime  # local
    schedules: list[ScheduleCoverage]

    @property
    def done(self) -> int:
        return sum(s.done for s in self.schedules)

    @property
    def missed(self) -> int:
        return sum(s.missed for s in self.schedules)

    @property
    def due(self) -> int:
        return sum(s.due for s in self.schedules)

    @property
    def rate(self) -> float | None:
        owed = self.done + self.missed
        return self.done / owed if owed else None


def _raw(column):
    """The column without SQLAlchemy's result processing: SQLite's datetime strings are then
    parsed by `_datetime` (C code, ten times faster on the thousands of rows read here)."""
    return type_coerce(column, String).label(column.key)


def _datetime(value):
    if value is None or isinstance(value, datetime):  # PostgreSQL's driver gives datetimes
        return value
    return datetime.fromisoformat(value)


def shift_starts():
    return parse_shift_starts(current_app.config["SHIFT_STARTS"])


def visible_schedules(user=None):
    """Active schedules of active locations; a department lead's are those of the department's
    locations and those the department owes."""
    query = (
        select(InspectionSchedule.id, InspectionSchedule.location_id, InspectionSchedule.kind,
               InspectionSchedule.frequency, _raw(InspectionSchedule.created_at),
               Location.code.label("location_code"))
        .join(Location, Location.id == InspectionSchedule.location_id)
        .where(InspectionSchedule.is_active, Location.is_active)
    )
    if user is not None and not sees_all_departments(user):
        query = query.where(or_(Location.department_id == user.department_id,
                                InspectionSchedule.owner_department_id == user.department_id))
    return query


def compute(since: datetime, *, user=None, now: datetime | None = None,
            with_missed: bool = False, schedule_query=None) -> Coverage:
    """Coverage of the schedules `user` sees (all when None) for periods ending after the
    local time `since`, up to `now` (naive UTC, default the present)."""
    now = now or utcnow()
    now_local = to_local(now).replace(tzinfo=None)
    shifts = shift_starts()
    # Plain named tuples: read many times each below, far cheaper than result rows.
    rows = [_Schedule(*row) for row in db.session.execute(
        schedule_query if schedule_query is not None else visible_schedules(user))]
    if not rows:
        return Coverage(since, now_local, [])
    calendars = {f: _Calendar(f, since, now_local, shifts) for f in {r.frequency for r in rows}}
    done_in, last = _periods_done(rows, calendars, now)
    return Coverage(since, now_local, [
        _schedule_coverage(row, calendars[row.frequency], done_in.get(row.id, set()),
                           last.get(row.id), with_missed)
        for row in rows
    ])


def _inspections_in_window(rows: list[_Schedule], calendars: dict, now: datetime):
    """(location id, kind, submitted at, received at) of the inspections the schedules may
    count: each kind from the start of the earliest period its schedules look at (today's
    patrols need not read back to the start of the quarter)."""
    since_by_kind: dict[str, datetime] = {}
    for row in rows:
        start = calendars[row.frequency].starts_utc[0]
        since_by_kind[row.kind] = min(start, since_by_kind.get(row.kind, start))
    return db.session.execute(
        select(Inspection.location_id, Inspection.kind, _raw(Inspection.submitted_at),
               _raw(Inspection.received_at))
        .where(Inspection.received_at.between(min(since_by_kind.values()),
                                              now + DEVICE_CLOCK_TRUST),
               or_(*(and_(Inspection.kind == kind, Inspection.received_at >= start)
                     for kind, start in since_by_kind.items())))
    )


def _periods_done(rows: list[_Schedule], calendars: dict, now: datetime):
    """For each schedule id, the indexes of its periods with an inspection in them, and when
    it was last done (not after `now`)."""
    by_key: dict[tuple[int, str], list[_Schedule]] = {}
    for row in rows:
        by_key.setdefault((row.location_id, row.kind), []).append(row)
    done_in: dict[int, set[int]] = {}
    last: dict[int, datetime] = {}
    inspections = _inspections_in_window(rows, calendars, now)
    for location_id, kind, submitted_at, received_at in inspections:
        schedules = by_key.get((location_id, kind))
        if not schedules:
            continue
        at = done_at(_datetime(submitted_at), _datetime(received_at))
        if at > now:  # looking back at a past window
            continue
        for row in schedules:
            index = calendars[row.frequency].index_of(at)
            if index is not None:
                done_in.setdefault(row.id, set()).add(index)
                last[row.id] = max(at, last.get(row.id, at))
    return done_in, last


def _schedule_coverage(row: _Schedule, calendar: "_Calendar", done_in: set[int],
                       last_done_at: datetime | None, with_missed: bool) -> ScheduleCoverage:
    """One schedule's counts: periods owed from the one it was created in."""
    first = calendar.first_owed(_datetime(row.created_at))
    current = calendar.current_index
    done = {i for i in done_in if i >= first}
    ended = range(first, current)
    item = ScheduleCoverage(row.id, row.location_id, row.location_code, row.kind,
                            row.frequency, calendar.periods[current], last_done_at=last_done_at)
    item.due = current >= first and current not in done
    item.done = len(done)
    item.missed = len(ended) - len([i for i in done if i < current])
    if with_missed:
        item.missed_periods = [calendar.periods[i] for i in reversed(ended) if i not in done]
    return item


class _Calendar:
    """The periods of one frequency from the one ending after `since` to the current one,
    with their starts in UTC for placing inspections."""

    def __init__(self, frequency, since, now_local, shifts):
        self.periods = [p for p in periods_between(frequency, since, now_local + timedelta(
            microseconds=1), shifts) if p.end > since]
        self.current_index = len(self.periods) - 1
        self.starts_utc = [local_to_utc(p.start) for p in self.periods]
        self.end_utc = local_to_utc(self.periods[-1].end)
        self.frequency, self.shifts = frequency, shifts

    def index_of(self, at_utc: datetime) -> int | None:
        if at_utc >= self.end_utc:
            return None
        index = bisect_right(self.starts_utc, at_utc) - 1
        return index if index >= 0 else None

    def first_owed(self, created_at: datetime) -> int:
        """The index of the period in which the schedule was created (0 when before)."""
        return max(0, bisect_right(self.starts_utc, created_at) - 1)
