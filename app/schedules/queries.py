"""What the coverage page lists: schedules filtered, their coverage, one page at a time."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.common.forms import record_id
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

    @classmethod
    def from_args(cls, args, today: date) -> "CoverageFilters":
        month = parse_month(args.get("month")) or today.replace(day=1)
        return cls(
            month=min(month, today.replace(day=1)),
            department_id=args.get("department", type=record_id),
            kind=args.get("kind") if args.get("kind") in INSPECTION_KINDS else None,
            frequency=args.get("frequency") if args.get("frequency") in FREQUENCIES else None,
            state=args.get("state") if args.get("state") in STATES else None,
        )

    def args(self) -> dict:
        values = {"month": self.month.strftime("%Y-%m"), "department": self.department_id,
                  "kind": self.kind, "frequency": self.frequency, "state": self.state}
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
    following = (filters.month.replace(day=28) + timedelta(days=4)).replace(day=1)
    is_current = following > local_today(now)
    until = now if is_current else local_day_start(following)
    query = visible_schedules(user)
    if filters.department_id:
        query = query.where(Location.department_id == filters.department_id)
    if filters.kind:
        query = query.where(InspectionSchedule.kind == filters.kind)
    if filters.frequency:
        query = query.where(InspectionSchedule.frequency == filters.frequency)
    result = compute(datetime.combine(filters.month, time()), now=until, schedule_query=query,
                     with_missed=True)
    items = result.schedules
    if filters.state == "due":
        items = [s for s in items if s.due and is_current]
    elif filters.state == "missed":
        items = [s for s in items if s.missed]
    elif filters.state == "done":
        items = [s for s in items if not s.missed]
    total = len(items)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    items.sort(key=lambda s: (-s.missed, not (s.due and is_current), s.location_code, s.kind))
    chosen = items[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    schedules = {s.id: s for s in db.session.scalars(
        select(InspectionSchedule)
        .where(InspectionSchedule.id.in_([s.schedule_id for s in chosen]))
        .options(joinedload(InspectionSchedule.location).joinedload(Location.department),
                 joinedload(InspectionSchedule.owner_department))
    )} if chosen else {}
    return CoveragePage(result, [(schedules[s.schedule_id], s) for s in chosen], total, number,
                        pages, is_current)
