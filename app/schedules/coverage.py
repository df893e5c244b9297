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
from sqlalchemy import String, and_, func, or_, select, type_coerce

from app.common.permissions import sees_all_departments
from app.common.time import (
    DEVICE_CLOCK_SKEW,
    DEVICE_CLOCK_TRUST,
    believable_device_time,
    local_to_utc,
    to_local,
    utcnow,
)
from app.common.vocab import FREQUENCIES
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


# Totals without a row per schedule: the wall and the dashboard count every schedule of the
# hospital (4,000 at 2,000 places), and building each one's coverage in Python cost them
# hundreds of milliseconds. The counts are the sums of compute()'s, to the period.

@dataclass
class KindTotals:
    done: int = 0
    missed: int = 0
    due: int = 0


@dataclass
class Missed:
    """One period that ended unmet, as the wall lists it."""

    period: Period
    location_id: int
    location_code: str
    kind: str
    frequency: str


@dataclass
class Summary:
    kinds: dict[str, KindTotals]  # by inspection kind
    missed_rows: list[Missed]  # the newest first (period end, then place code, descending)

    @property
    def done(self) -> int:
        return sum(k.done for k in self.kinds.values())

    @property
    def missed(self) -> int:
        return sum(k.missed for k in self.kinds.values())

    @property
    def due(self) -> int:
        return sum(k.due for k in self.kinds.values())

    @property
    def rate(self) -> float | None:
        owed = self.done + self.missed
        return self.done / owed if owed else None


def summary(since: datetime, *, now: datetime | None = None, missed_rows: int = 0) -> Summary:
    """compute()'s totals by kind over all active schedules, and its `missed_rows` newest
    missed periods. Schedules are counted in SQL by frequency and kind; only those made inside
    the window (they owe from the period they were made in) and the inspections that may count
    are read one by one."""
    now = now or utcnow()
    now_local = to_local(now).replace(tzinfo=None)
    shifts = shift_starts()
    calendars = {f: _Calendar(f, since, now_local, shifts) for f in FREQUENCIES}
    # Made before its frequency's second period of the window: owes from the first.
    owes_all = or_(*(and_(InspectionSchedule.frequency == f,
                          InspectionSchedule.created_at < _second_start(c))
                     for f, c in calendars.items()))
    kinds: dict[str, KindTotals] = {}
    owing: set[tuple[str, str]] = set()  # the (frequency, kind) pairs of the schedules
    for frequency, kind, count in db.session.execute(
            _active(select(InspectionSchedule.frequency, InspectionSchedule.kind, func.count())
                    .where(owes_all)
                    .group_by(InspectionSchedule.frequency, InspectionSchedule.kind))):
        totals = kinds.setdefault(kind, KindTotals())
        totals.missed += count * calendars[frequency].current_index
        totals.due += count
        owing.add((frequency, kind))
    firsts: dict[int, int] = {}
    for id_, frequency, kind, created_at in db.session.execute(
            _active(select(InspectionSchedule.id, InspectionSchedule.frequency,
                           InspectionSchedule.kind, _raw(InspectionSchedule.created_at))
                    .where(InspectionSchedule.created_at >= min(map(_second_start,
                                                                    calendars.values())),
                           ~owes_all))):
        firsts[id_] = first = calendars[frequency].first_owed(_datetime(created_at))
        totals = kinds.setdefault(kind, KindTotals())
        totals.missed += max(0, calendars[frequency].current_index - first)
        totals.due += 1
        owing.add((frequency, kind))
    done = _done_pairs(calendars, firsts, now, owing)
    for _id, frequency, kind, index in done:
        totals = kinds[kind]
        totals.done += 1
        if index < calendars[frequency].current_index:
            totals.missed -= 1
        else:
            totals.due -= 1
    return Summary(kinds, _newest_missed(calendars, done, missed_rows) if missed_rows else [])


def _active(query):
    """Active schedules of active places (visible_schedules() for everyone)."""
    return (query.join(Location, Location.id == InspectionSchedule.location_id)
            .where(InspectionSchedule.is_active, Location.is_active))


def _second_start(calendar: "_Calendar") -> datetime:
    starts = calendar.starts_utc
    return starts[1] if len(starts) > 1 else calendar.end_utc


def _done_pairs(calendars: dict, firsts: dict[int, int], now: datetime,
                kinds: set[tuple[str, str]]) -> set:
    """(schedule id, frequency, kind, period index) of every owed period with an inspection
    in it: the inspections of each kind from the first period its schedules' frequencies look
    at (today's patrols need not read back to the start of the quarter; a phone's clock may be
    a little ahead) joined to their schedules."""
    since_by_kind: dict[str, datetime] = {}
    for frequency, kind in kinds:
        start = calendars[frequency].starts_utc[0] - DEVICE_CLOCK_SKEW
        since_by_kind[kind] = min(start, since_by_kind.get(kind, start))
    if not since_by_kind:
        return set()
    rows = db.session.execute(_active(
        select(InspectionSchedule.id, InspectionSchedule.frequency, InspectionSchedule.kind,
               _raw(Inspection.submitted_at), _raw(Inspection.received_at))
        .join(Inspection, and_(Inspection.location_id == InspectionSchedule.location_id,
                               Inspection.kind == InspectionSchedule.kind)))
        .where(Inspection.received_at <= now + DEVICE_CLOCK_TRUST,
               or_(*(and_(Inspection.kind == kind, Inspection.received_at >= start)
                     for kind, start in sorted(since_by_kind.items())))))
    done = set()
    for id_, frequency, kind, submitted_at, received_at in rows:
        at = done_at(_datetime(submitted_at), _datetime(received_at))
        if at > now:
            continue
        index = calendars[frequency].index_of(at)
        if index is not None and index >= firsts.get(id_, 0):
            done.add((id_, frequency, kind, index))
    return done


def _newest_missed(calendars: dict, done: set, limit: int) -> list[Missed]:
    """The `limit` newest missed periods: from the latest end back, the places of the periods
    ending then in descending code, those done left out."""
    ended = [(c.periods[i], f, i) for f, c in calendars.items() for i in range(c.current_index)]
    rows: list[Missed] = []
    for end in sorted({period.end for period, _f, _i in ended}, reverse=True):
        found = []
        for period, frequency, index in ((p, f, i) for p, f, i in ended if p.end == end):
            skip = {id_ for id_, f, _k, i in done if f == frequency and i == index}
            for id_, location_id, code, kind in db.session.execute(_active(
                    select(InspectionSchedule.id, InspectionSchedule.location_id,
                           Location.code, InspectionSchedule.kind))
                    .where(InspectionSchedule.frequency == frequency,
                           InspectionSchedule.created_at
                           < calendars[frequency].starts_utc[index + 1])
                    .order_by(Location.code.desc(), InspectionSchedule.kind)
                    .limit(limit - len(rows) + len(skip))):
                if id_ not in skip:
                    found.append(Missed(period, location_id, code, kind, frequency))
        found.sort(key=lambda m: m.location_code, reverse=True)
        rows.extend(found[:limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows
