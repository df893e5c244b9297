"""The round: the points a person owes in the current period of each of their schedules, done
and still to do, soonest first. The home page lists it; the phone caches its checklists first."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from app.common import vocab
from app.common.permissions import can, sees_all_departments
from app.common.time import to_local, utcnow
from app.extensions import db
from app.locations.models import Location
from app.schedules.coverage import compute, shift_starts, visible_schedules
from app.schedules.models import InspectionSchedule
from app.schedules.periods import Period, period_of


def owed_by(user):
    """The schedules `user` owes: the owner's role (if named) is the user's, and the owner's
    department (if named) is the user's."""
    return (or_(InspectionSchedule.owner_role.is_(None),
                InspectionSchedule.owner_role == user.role)
            & or_(InspectionSchedule.owner_department_id.is_(None),
                  InspectionSchedule.owner_department_id == user.department_id))


@dataclass
class RoundPoint:
    """One place owed one inspection of `kind` in `period` (local); `done_at` (naive UTC) is
    when it was inspected in that period, None while it is still to do."""

    schedule_id: int
    location: Location
    kind: str
    frequency: str
    period: Period
    done_at: datetime | None = None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


@dataclass
class Round:
    now: datetime  # local
    shift: Period  # the shift the hospital's clock is in
    to_do: list[RoundPoint]
    done: list[RoundPoint]

    @property
    def points(self) -> list[RoundPoint]:
        """Still to do first, then done; each soonest first."""
        return self.to_do + self.done


def _order(point: RoundPoint):
    # The period that ends first is owed first; then the kinds' order; then the place code,
    # which names building and floor first, so a round walks a building floor by floor.
    return (point.period.end, list(vocab.INSPECTION_KINDS).index(point.kind),
            point.location.code)


def due_now(user, now: datetime | None = None) -> Round:
    """What `user` owes now (naive UTC): for each active schedule they owe at an active place
    they may inspect (a lead: its own department's), the current period, done when anyone
    inspected the place with the schedule's kind in it."""
    now = now or utcnow()
    now_local = to_local(now).replace(tzinfo=None)
    shift = period_of("shift", now_local, shift_starts())
    if not can(user, "inspections.perform"):
        return Round(now_local, shift, [], [])
    query = visible_schedules().where(owed_by(user))
    if not sees_all_departments(user):
        query = query.where(Location.department_id == user.department_id)
    # Looking back only to now: each schedule's window is its current period.
    coverage = compute(now_local, now=now, schedule_query=query)
    locations = {loc.id: loc for loc in db.session.scalars(
        select(Location).where(Location.id.in_({s.location_id for s in coverage.schedules})))}
    points = [RoundPoint(s.schedule_id, locations[s.location_id], s.kind, s.frequency,
                         s.current, None if s.due else s.last_done_at)
              for s in coverage.schedules]
    return Round(now_local, shift, sorted((p for p in points if not p.is_done), key=_order),
                 sorted((p for p in points if p.is_done), key=_order))


def due_by(end: datetime, now_local: datetime) -> str:
    """When a period ends, as short as the round needs: "20:00" today, "12-07" for a period
    ending at a midnight (its last day), else "12-07 08:00"."""
    if end.time() == datetime.min.time():
        last = (end - timedelta(days=1)).date()
        return "" if last == now_local.date() else f"{last:%m-%d}"
    return f"{end:%H:%M}" if end.date() == now_local.date() else f"{end:%m-%d %H:%M}"
