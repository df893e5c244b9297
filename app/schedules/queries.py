"""What the coverage page lists: schedules filtered, their coverage, one page at a time."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.common.forms import record_id
from app.common.pages import page_of
from app.common.quarters import Quarter
from app.common.time import local_day_start, local_today, parse_month, utcnow
from app.common.vocab import FREQUENCIES, INSPECTION_KINDS
from app.extensions import db
from app.locations.models import Location
from app.schedules.coverage import Coverage, ScheduleCoverage, compute, visible_schedules
from app.schedules.models import InspectionSchedule

PAGE_SIZE = 50
STATES = ("due", "missed", "done")



@dataclass
class CoverageFilters:
    month: date  # the first of the month looked at
    department_id: int | None = None
    kind: str | None = None
    frequency: str | None = None
    state: str | None = None  # due now, missed this month, or done (nothing missed)
    quarter: Quarter | None = None  # a whole quarter instead of the month (the assessment's)

    @classmethod
    def from_args(cls, args, today: date) -> "CoverageFilters":
        month = parse_month(args.get("month")) or today.replace(day=1)
        quarter = Quarter.parse(args.get("quarter"))
        return cls(
            month=min(month, today.replace(day=1)),
            department_id=args.get("department", type=record_id),
            kind=args.get("kind") if args.get("kind") in INSPECTION_KINDS else None,
            frequency=args.get("frequency") if args.get("frequency") in FREQUENCIES else None,
            state=args.get("state") if args.get("state") in STATES else None,
            quarter=min(quarter, Quarter.of(today)) if quarter else None,
        )

    def args(self) -> dict:
        values = {"month": self.month.strftime("%Y-%m"), "department": self.department_id,
                  "kind": self.kind, "frequency": self.frequency, "state": self.state,
                  "quarter": str(self.quarter) if self.quarter else None}
        return {k: v for k, v in values.items() if v}


@dataclass
class CoveragePage:
    coverage: Coverage
    rows: list[tuple[InspectionSchedule, ScheduleCoverage]]
    total: int
    number: int
    pages: int
    is_current_month: bool


def coverage_page(user, filters: CoverageFilters, number: int,
                  now: datetime | None = None) -> CoveragePage:
    """The month's coverage of the schedules `user` sees, worst first: most periods missed,
    then due now, then by place."""
    now = now or utcnow()
    first = filters.quarter.first if filters.quarter else filters.month
    following = filters.quarter.next().first if filters.quarter else \
        (filters.month.replace(day=28) + timedelta(days=4)).replace(day=1)
    is_current = following > local_today(now)
    until = now if is_current else local_day_start(following)
    result = compute(datetime.combine(first, time()), now=until,
                     schedule_query=_filtered_schedules(user, filters), with_missed=True)
    items = _in_state(result.schedules, filters.state, is_current)
    items.sort(key=lambda s: (-s.missed, not (s.due and is_current), s.location_code, s.kind))
    page = page_of(items, number, PAGE_SIZE)
    schedules = _schedules_by_id([s.schedule_id for s in page.rows])
    return CoveragePage(result, [(schedules[s.schedule_id], s) for s in page.rows], page.total,
                        page.number, page.pages, is_current)


def _filtered_schedules(user, filters: CoverageFilters):
    """The schedules `user` sees, narrowed by department, kind and frequency."""
    query = visible_schedules(user)
    if filters.department_id:
        query = query.where(Location.department_id == filters.department_id)
    if filters.kind:
        query = query.where(InspectionSchedule.kind == filters.kind)
    if filters.frequency:
        query = query.where(InspectionSchedule.frequency == filters.frequency)
    return query


def _in_state(items: list[ScheduleCoverage], state: str | None,
              is_current: bool) -> list[ScheduleCoverage]:
    """Due now (only in the current month), missed this month, done (nothing missed), or all."""
    if state == "due":
        return [s for s in items if s.due and is_current]
    if state == "missed":
        return [s for s in items if s.missed]
    if state == "done":
        return [s for s in items if not s.missed]
    return items


def _schedules_by_id(ids: list[int]) -> dict[int, InspectionSchedule]:
    """The schedules shown on the page, with their location, its department and the owner."""
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(
        select(InspectionSchedule)
        .where(InspectionSchedule.id.in_(ids))
        .options(joinedload(InspectionSchedule.location).joinedload(Location.department),
                 joinedload(InspectionSchedule.owner_department))
    )}
