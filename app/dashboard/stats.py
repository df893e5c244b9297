"""The managers' dashboard figures, each aggregated in SQL: a fixed handful of queries whatever
the size of the hospital.

Months are the hospital's local calendar months; their UTC bounds are computed here and each
row is put in its month with a CASE, so the same SQL runs on SQLite and PostgreSQL.
"""

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import DateTime, bindparam, case, func, literal_column, select, true

from app.auth.models import Department
from app.common.i18n import is_english, localized
from app.common.shared import shared_cache
from app.common.time import local_day_start, local_today, to_local, utcnow
from app.common.vocab import INSPECTION_KINDS, OPEN_HAZARD_STATUSES
from app.dashboard.version import settled_version
from app.extensions import db
from app.hazards.models import Hazard
from app.locations.models import Location, LocationType
from app.schedules import coverage

TREND_MONTHS = 12
SETTLED_KEEP_SECONDS = 24 * 3600  # the settled months' figures, kept while unchanged


def _month_firsts(today: date, count: int) -> list[date]:
    """The first days of the `count` local months up to today's, and of the month after."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 2)]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


ON_TIME = Hazard.closed_on_time.is_(True)


@dataclass
class Headline:
    open: int
    overdue: int
    closed_this_month: int
    on_time_rate: float | None  # closed this month with closed_on_time / closed this month


def headline(now: datetime | None = None, this_month: "Month | None" = None) -> Headline:
    """Open and overdue hazards now; those closed in this local month, and the share of them
    rectified by their deadline (`this_month`'s, when the trend has counted them). Cancelled
    cards are neither open nor closed; a reopened card counts where it closed last."""
    today = local_today(now or utcnow())
    # Both read the (status, deadline_on) and closed_at indexes, never the whole table; in one
    # statement, as one round trip.
    opened = (select(func.count().label("open"),
                     _count_if(Hazard.deadline_on < today).label("overdue"))
              .where(Hazard.status.in_(OPEN_HAZARD_STATUSES)).subquery())
    if this_month is not None:
        open_, overdue = db.session.execute(select(opened.c.open, opened.c.overdue)).one()
        closed, on_time = this_month.closed, this_month.on_time
    else:
        start, end = (local_day_start(first) for first in _month_firsts(today, 1))
        closing = (select(func.count().label("closed"), _count_if(ON_TIME).label("on_time"))
                   .where(Hazard.closed_at >= start, Hazard.closed_at < end).subquery())
        open_, overdue, closed, on_time = db.session.execute(
            select(opened.c.open, opened.c.overdue, closing.c.closed, closing.c.on_time)
            .select_from(opened.join(closing, true()))).one()
    return Headline(int(open_), int(overdue), int(closed), _ratio(int(on_time), int(closed)))


@dataclass
class DepartmentCount:
    department_id: int
    name: str
    open: int
    overdue: int


@dataclass
class LocationTypeCount:
    location_type_id: int
    name: str
    open: int
    overdue: int


def _named_counts(cls, rows):
    """(id, name_zh, name_en, open, overdue) rows as `cls` in the reader's language; int()
    because PostgreSQL sums integers as numeric."""
    return [cls(row[0], localized(row, "name"), int(row[3]), int(row[4])) for row in rows]


def by_department(now: datetime | None = None) -> list[DepartmentCount]:
    """Open hazards per department, most overdue first then most open; departments with none
    open are left out."""
    today = local_today(now or utcnow())
    # Grouped by department alone: read in the order of the (department, status, ...) index.
    o = (select(Hazard.department_id, func.count().label("open"),
                _count_if(Hazard.deadline_on < today).label("overdue"))
         .where(Hazard.status.in_(OPEN_HAZARD_STATUSES))
         .group_by(Hazard.department_id).subquery())
    rows = db.session.execute(
        select(Department.id, Department.name_zh, Department.name_en, o.c.open, o.c.overdue)
        .join(o, o.c.department_id == Department.id)
        .order_by(o.c.overdue.desc(), o.c.open.desc(), Department.id))
    return _named_counts(DepartmentCount, rows)


def by_location_type(now: datetime | None = None) -> list[LocationTypeCount]:
    """Open hazards per type of location, ordered as by_department."""
    return breakdowns(now)[1]


def breakdowns(now: datetime | None = None) -> tuple[list[DepartmentCount],
                                                     list[LocationTypeCount]]:
    """by_department and by_location_type, both added up from one count per (department,
    type of location): one read of the open cards instead of two."""
    today = local_today(now or utcnow())
    # Counted per (department, place) first: SQLite then reads the status index alone (joined
    # row by row to the places, it took 40 ms at the bench's scale, against 2).
    o = (select(Hazard.department_id, Hazard.location_id, func.count().label("open"),
                _count_if(Hazard.deadline_on < today).label("overdue"))
         .where(Hazard.status.in_(OPEN_HAZARD_STATUSES))
         .group_by(Hazard.department_id, Hazard.location_id).subquery())
    rows = db.session.execute(
        select(Department.id, Department.name_zh, Department.name_en, LocationType.id,
               LocationType.name_zh, LocationType.name_en, func.sum(o.c.open),
               func.sum(o.c.overdue))
        .select_from(o)
        .join(Department, Department.id == o.c.department_id)
        .join(Location, Location.id == o.c.location_id)
        .join(LocationType, LocationType.id == Location.location_type_id)
        .group_by(Department.id, Department.name_zh, Department.name_en, LocationType.id,
                  LocationType.name_zh, LocationType.name_en)).all()
    english = is_english()
    departments, types = {}, {}
    for row in rows:
        for totals, cls, (key, zh, en) in ((departments, DepartmentCount, row[0:3]),
                                           (types, LocationTypeCount, row[3:6])):
            if key not in totals:
                totals[key] = cls(key, ((en or zh) if english else (zh or en)) or "", 0, 0)
            kept = totals[key]
            kept.open += int(row[6])  # int(): PostgreSQL sums integers as numeric
            kept.overdue += int(row[7])

    def ordered(totals):  # most overdue first, then most open, then by id
        return [t for _key, t in sorted(totals.items(),
                                         key=lambda kv: (-kv[1].overdue, -kv[1].open, kv[0]))]

    return ordered(departments), ordered(types)


@dataclass
class Month:
    first: date  # the first day of the local month
    found: int = 0  # hazards reported in it, less those cancelled (duplicates, false reports)
    closed: int = 0  # hazards closed in it
    on_time: int = 0  # of those, rectified by their deadline

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.on_time, self.closed)


def _per_month(column, bounds: list[datetime], *extra, where=()):
    """Rows of (month index, count, sums of `extra` conditions) of hazards whose `column`
    falls in the months bounded by `bounds` (UTC, ascending); months with none left out."""
    # One range count per month, each on the column's covering index: no CASE over every row
    # and no grouping. As scalar subqueries of one row, which PostgreSQL runs one after the
    # other: a UNION ALL it ran with parallel workers, slower to start than the counts take.
    # Each bound and number a parameter once, however often used: psycopg parses a statement
    # of more than 50 parameters again on every run.
    one, zero = literal_column("1"), literal_column("0")
    figures = [func.count(), *[func.coalesce(func.sum(case((e, one), else_=zero)), zero)
                               for e in extra]]
    bounds = [bindparam(f"bound{i}", bound, type_=DateTime) for i, bound in enumerate(bounds)]
    row = db.session.execute(select(*[
        select(figure).where(column >= start, column < end, *where).scalar_subquery()
        for start, end in zip(bounds, bounds[1:], strict=False) for figure in figures])).one()
    width = len(figures)
    months = [row[i:i + width] for i in range(0, len(row), width)]
    return [(i, *(int(v) for v in month)) for i, month in enumerate(months) if month[0]]


def trend(now: datetime | None = None, months: int = TREND_MONTHS) -> list[Month]:
    """Hazards found, closed and closed on time in each of the last `months` local months,
    this one included (so far), oldest first."""
    firsts = _month_firsts(local_today(now or utcnow()), months)
    bounds = [local_day_start(first) for first in firsts]
    figures = [*_settled_figures(bounds[:-1]), _this_month(*bounds[-2:])]
    return [Month(first, *month) for first, month in zip(firsts[:-1], figures, strict=True)]


def _month_figures(bounds: list[datetime]) -> list[list[int]]:
    """[found, closed, closed on time] in each month between `bounds` (UTC, ascending)."""
    figures = [[0, 0, 0] for _ in bounds[1:]]
    for index, found in _per_month(Hazard.found_at, bounds,
                                   where=[Hazard.status != "cancelled"]):
        figures[index][0] = found
    for index, closed, on_time in _per_month(Hazard.closed_at, bounds, ON_TIME):
        figures[index][1:] = [closed, on_time]
    return figures


def _this_month(start: datetime, end: datetime) -> list[int]:
    """_month_figures of one month, in one statement (one round trip)."""
    found = (select(func.count().label("found"))
             .where(Hazard.found_at >= start, Hazard.found_at < end,
                    Hazard.status != "cancelled").subquery())
    closing = (select(func.count().label("closed"), _count_if(ON_TIME).label("on_time"))
               .where(Hazard.closed_at >= start, Hazard.closed_at < end).subquery())
    row = db.session.execute(select(found.c.found, closing.c.closed, closing.c.on_time)
                             .select_from(found.join(closing, true()))).one()
    return [int(value) for value in row]


def _settled_figures(bounds: list[datetime]) -> list[list[int]]:
    """_month_figures of the months before this one, computed once for every worker and host
    until a change reaches them (models.SETTLED): a change to this month's figures, the most
    common, leaves them as they were, and the dashboard then counts only this month."""
    if len(bounds) < 2:  # a trend of this month alone
        return []
    cache = shared_cache()
    key = f"settled-months:{bounds[0].isoformat()}:{len(bounds)}:{settled_version()}"
    kept = cache.get(key)
    if kept is not None:
        return json.loads(kept)
    figures = _month_figures(bounds)
    cache.set(key, json.dumps(figures), SETTLED_KEEP_SECONDS)
    return figures


@dataclass
class KindCoverage:
    kind: str
    done: int
    missed: int
    due: int

    @property
    def rate(self) -> float | None:
        return _ratio(self.done, self.done + self.missed)


@dataclass
class CoverageThisMonth:
    done: int  # periods inspected this month
    missed: int  # periods that ended this month without an inspection
    due: int  # current periods still waiting
    rate: float | None  # done / (done + missed)
    kinds: list[KindCoverage]


def coverage_this_month(now: datetime | None = None) -> CoverageThisMonth:
    """Inspection coverage of every active schedule since the local month began, by kind."""
    now = now or utcnow()
    local = to_local(now)
    since = datetime(local.year, local.month, 1)
    found = coverage.summary(since, now=now)
    kinds = [KindCoverage(kind, totals.done, totals.missed, totals.due)
             for kind, totals in sorted(found.kinds.items(),
                                        key=lambda kv: list(INSPECTION_KINDS).index(kv[0])
                                        if kv[0] in INSPECTION_KINDS else len(INSPECTION_KINDS))]
    return CoverageThisMonth(found.done, found.missed, found.due, found.rate,
                             [k for k in kinds if k.done or k.missed or k.due])


@dataclass
class Dashboard:
    now: datetime  # naive UTC
    headline: Headline
    departments: list[DepartmentCount]
    location_types: list[LocationTypeCount]
    trend: list[Month]
    coverage: CoverageThisMonth


def dashboard(now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows, as of `now` (naive UTC)."""
    now = now or utcnow()
    months = trend(now)
    return Dashboard(now, headline(now, months[-1]), *breakdowns(now), months,
                     coverage_this_month(now))


def dashboard_to_json(figures: Dashboard) -> str:
    """The figures as JSON, for the shared cache (dates as ISO text)."""
    return json.dumps(asdict(figures), default=lambda v: v.isoformat())


def dashboard_from_json(text: str) -> Dashboard:
    d = json.loads(text)
    coverage = d["coverage"]
    return Dashboard(
        datetime.fromisoformat(d["now"]), Headline(**d["headline"]),
        [DepartmentCount(**row) for row in d["departments"]],
        [LocationTypeCount(**row) for row in d["location_types"]],
        [Month(date.fromisoformat(m.pop("first")), **m) for m in d["trend"]],
        CoverageThisMonth(**{**coverage, "kinds": [KindCoverage(**k)
                                                   for k in coverage["kinds"]]}))
