"""Shared reads of hazards."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from werkzeug.exceptions import NotFound

from app.auth.models import Department, User
from app.auth.queries import departments
from app.common.forms import record_id
from app.common.pages import Page, paginate
from app.common.permissions import can, scope_to_department, sees_department
from app.common.quarters import Quarter
from app.common.sql import contains
from app.common.time import local_day_start, parse_month
from app.common.vocab import HAZARD_LEVELS, HAZARD_STATUSES, OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards import quarterly
from app.hazards.models import DeadlineExtension, Hazard, HazardEvent
from app.hazards.workflow import takes_after_photos
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location
from app.locations.queries import list_locations, location_types
from app.photos.models import Photo


def hazard_counts(user, today: date) -> dict[str, int]:
    """Open and overdue hazards the user can see."""
    base = scope_to_department(select(func.count()).select_from(Hazard), user,
                               Hazard.department_id)
    return {
        "open": db.session.scalar(base.where(Hazard.status.in_(OPEN_HAZARD_STATUSES))),
        "overdue": db.session.scalar(base.where(Hazard.is_overdue(today))),
    }


def open_hazards(user, *, location=None, limit: int = 10) -> list[Hazard]:
    """Open hazards the user can see, soonest deadline first."""
    query = (
        select(Hazard)
        .where(Hazard.status.in_(OPEN_HAZARD_STATUSES))
        .options(joinedload(Hazard.location), joinedload(Hazard.department),
                 joinedload(Hazard.responsible))
        .order_by(Hazard.deadline_on.is_(None), Hazard.deadline_on, Hazard.id)
        .limit(limit)
    )
    if location is not None:
        query = query.where(Hazard.location_id == location.id)
    return list(db.session.scalars(scope_to_department(query, user, Hazard.department_id)))


# What waits on whom: the statuses in which the department does the work.
DEPARTMENT_WORK = ("assigned", "rectifying")



@dataclass
class HazardFilters:
    status: str | None = None  # a HAZARD_STATUSES key, or "open"
    level: str | None = None
    department_id: int | None = None
    location_id: int | None = None
    location_type_id: int | None = None
    overdue: bool = False
    month: date | None = None  # the first of the month the hazards were found in
    q: str = ""
    page: int = 1
    # The cards behind one figure of the quarterly assessment (see hazards/quarterly.py).
    quarter: Quarter | None = None
    figure: str | None = None

    @classmethod
    def from_args(cls, args) -> "HazardFilters":
        status, level = args.get("status"), args.get("level")
        return cls(
            status=status if status in HAZARD_STATUSES or status == "open" else None,
            level=level if level in HAZARD_LEVELS else None,
            department_id=args.get("department", type=record_id),
            location_id=args.get("location", type=record_id),
            location_type_id=args.get("type", type=record_id),
            overdue=args.get("overdue") == "1",
            month=parse_month(args.get("month")),
            q=args.get("q", "").strip()[:100],
            page=args.get("page", type=record_id) or 1,
            quarter=Quarter.parse(args.get("quarter")),
            figure=args.get("figure") if args.get("figure") in quarterly.FIGURES else None,
        )

    def args(self, **changes) -> dict:
        """Query-string arguments for these filters (with `changes`), for links."""
        values = {"status": self.status, "level": self.level, "department": self.department_id,
                  "location": self.location_id, "type": self.location_type_id,
                  "overdue": "1" if self.overdue else None,
                  "month": self.month.strftime("%Y-%m") if self.month else None,
                  "q": self.q, "page": self.page,
                  "quarter": str(self.quarter) if self.quarter else None,
                  "figure": self.figure, **changes}
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def figure_label(self) -> str | None:
        return quarterly.FIGURES[self.figure] if self.quarter and self.figure else None

    def conditions(self, today: date) -> list:
        found = []
        if self.status == "open":
            found.append(Hazard.status.in_(OPEN_HAZARD_STATUSES))
        elif self.status:
            found.append(Hazard.status == self.status)
        if self.level:
            found.append(Hazard.level == self.level)
        if self.department_id:
            found.append(Hazard.department_id == self.department_id)
        if self.location_id:
            found.append(Hazard.location_id == self.location_id)
        if self.location_type_id:
            found.append(Location.location_type_id == self.location_type_id)
        if self.overdue:
            found.append(Hazard.is_overdue(today))
        if self.month:
            start, end = month_bounds(self.month)
            found.extend((Hazard.found_at >= start, Hazard.found_at < end))
        if self.q:
            found.append(or_(contains(Hazard.number, self.q), contains(Hazard.description, self.q)))
        if self.quarter and self.figure:
            found.append(Hazard.id.in_(quarterly.card_ids(
                self.figure, self.quarter, today, department_id=self.department_id)))
        return found


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """The UTC instants at which the hospital's local month starting on `first` begins and ends."""
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return local_day_start(first), local_day_start(following)


def _pending_extension():
    return exists().where(DeadlineExtension.hazard_id == Hazard.id,
                          DeadlineExtension.status == "pending")


def _page(base, number: int, order) -> Page:
    """One page of `base` (a select of Hazard): each hazard, and whether an extension request
    waits."""
    return paginate(base, number, lambda query: (
        query.add_columns(_pending_extension())
        .options(contains_eager(Hazard.location), joinedload(Hazard.department),
                 joinedload(Hazard.responsible))
        .order_by(*order)))


SOONEST_DEADLINE = (Hazard.deadline_on.is_(None), Hazard.deadline_on, Hazard.found_at, Hazard.id)


def hazard_page(user, filters: HazardFilters, today: date) -> Page:
    """One page of the hazards the user may see that match `filters`, newest first."""
    base = scope_to_department(
        select(Hazard).join(Hazard.location).where(and_(True, *filters.conditions(today))),
        user, Hazard.department_id)
    return _page(base, filters.page, (Hazard.found_at.desc(), Hazard.id.desc()))


def my_work_page(user, page: int = 1) -> Page:
    """What waits on the user or their department, soonest deadline first.

    Managers: cards to assign, rectifications to verify, extension requests to decide.
    Whoever rectifies: the department's assigned and rectifying cards, and any they answer for.
    A finder: their own cards not yet assigned (they may still correct or fix them on site).
    """
    waits = [(Hazard.responsible_id == user.id) & Hazard.status.in_(DEPARTMENT_WORK)]
    if can(user, "hazards.rectify") and user.department_id:
        waits.append((Hazard.department_id == user.department_id)
                     & Hazard.status.in_(DEPARTMENT_WORK))
    if can(user, "hazards.manage"):
        waits.append(Hazard.status.in_(("reported", "awaiting_verification")))
        waits.append(Hazard.status.in_(OPEN_HAZARD_STATUSES) & _pending_extension())
    if can(user, "inspections.perform"):
        waits.append((Hazard.reported_by_id == user.id) & (Hazard.status == "reported"))
    base = scope_to_department(select(Hazard).join(Hazard.location).where(or_(*waits)),
                               user, Hazard.department_id)
    return _page(base, page, SOONEST_DEADLINE)


def filter_choices() -> dict:
    return {"locations": list_locations(include_inactive=True), "departments": departments(),
            "location_types": location_types()}


@dataclass
class Card:
    """Everything the hazard card shows besides the hazard itself."""

    before_photos: list[Photo]
    after_photos: list[Photo]
    extensions: list[DeadlineExtension]
    inspection: Inspection | None


def load_card(number: str) -> tuple[Hazard, Card] | None:
    """The hazard with its events, people and photos, in a fixed handful of queries."""
    hazard = db.session.scalar(
        select(Hazard).where(Hazard.number == number)
        .options(joinedload(Hazard.location).joinedload(Location.location_type),
                 joinedload(Hazard.department), joinedload(Hazard.responsible),
                 joinedload(Hazard.reported_by), joinedload(Hazard.verified_by),
                 selectinload(Hazard.events).joinedload(HazardEvent.actor),
                 selectinload(Hazard.events).selectinload(HazardEvent.photos),
                 selectinload(Hazard.item_result).joinedload(ItemResult.item),
                 selectinload(Hazard.item_result).selectinload(ItemResult.photos),
                 selectinload(Hazard.item_result).joinedload(ItemResult.inspection)))
    if hazard is None:
        return None
    before = list(hazard.item_result.photos) if hazard.item_result else []
    after = []
    for event in hazard.events:
        (after if takes_after_photos(event.action) else before).extend(event.photos)
    extensions = list(db.session.scalars(
        select(DeadlineExtension).where(DeadlineExtension.hazard_id == hazard.id)
        .order_by(DeadlineExtension.requested_at)))
    inspection = hazard.item_result.inspection if hazard.item_result else None
    return hazard, Card(before, after, extensions, inspection)


def _check_visible(user, hazard: Hazard | None) -> Hazard:
    """The hazard, if it exists and `user` may see its card; else NotFound (404), which says
    nothing of other departments' cards."""
    if hazard is None or not sees_department(user, hazard.department_id):
        raise NotFound()
    return hazard


def get_visible_hazard(user, number: str, for_update: bool = False) -> Hazard:
    """The hazard `user` may see, or NotFound; `for_update` locks its row (PostgreSQL) so two
    writers take turns."""
    query = select(Hazard).where(Hazard.number == number)
    return _check_visible(user, db.session.scalar(
        query.with_for_update() if for_update else query))


def get_visible_card(user, number: str) -> tuple[Hazard, Card]:
    """The card `user` may see, loaded whole (see `load_card`), or NotFound."""
    loaded = load_card(number)
    _check_visible(user, loaded[0] if loaded else None)
    return loaded


def responsible_candidates(hazard: Hazard) -> list[User]:
    """Who may be made responsible: the department's active safety leads, then the managers."""
    return list(db.session.scalars(
        select(User).where(User.active, or_(
            (User.role == "dept_lead") & (User.department_id == hazard.department_id),
            User.role.in_(("manager", "admin"))))
        .order_by(User.role != "dept_lead", User.role, User.full_name)))


@dataclass
class ReassignChoices:
    """The reassign form's lists: active departments, and who may answer for a card, grouped
    under their department (managers apart)."""

    departments: list
    people: list[tuple[str, list[User]]]


def reassign_choices() -> ReassignChoices:
    active = departments()
    people = list(db.session.scalars(
        select(User).where(User.active, User.role.in_(("dept_lead", "manager", "admin")))
        .order_by(User.full_name)))
    groups = [(d.name, [u for u in people if u.role == "dept_lead" and u.department_id == d.id])
              for d in active]
    managers = [u for u in people if u.role != "dept_lead"]
    groups = [group for group in groups if group[1]]
    if managers:
        groups.append((_("Safety managers"), managers))
    return ReassignChoices(active, groups)


class EventNames:
    """Department and person names for the ids reassign events hold, read in two queries."""

    def __init__(self, events):
        dept_ids, user_ids = set(), set()
        for event in events:
            if event.action == "reassign":
                dept_ids.update(i for i in event.data.get("department_id", ()) if i)
                user_ids.update(i for i in event.data.get("responsible_id", ()) if i)
        self._departments = {d.id: d.name for d in db.session.scalars(
            select(Department).where(Department.id.in_(dept_ids)))} if dept_ids else {}
        self._people = {u.id: u.full_name for u in db.session.scalars(
            select(User).where(User.id.in_(user_ids)))} if user_ids else {}

    def department(self, department_id) -> str:
        return self._departments.get(department_id, "—")

    def person(self, user_id) -> str:
        return self._people.get(user_id, "—")

