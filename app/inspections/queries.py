"""Shared reads of inspections."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import NotFound

from app.auth.queries import departments
from app.common.forms import record_id
from app.common.pages import Page, paginate
from app.common.permissions import scope_to_department, sees_department
from app.common.time import local_day_bounds, local_day_start, parse_day
from app.common.vocab import INSPECTION_KINDS
from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import Inspection, ItemResult
from app.inspections.services import may_inspect
from app.locations.models import Location
from app.locations.queries import get_visible_location, list_locations


def _failures():
    return (
        select(func.count())
        .where(ItemResult.inspection_id == Inspection.id, ItemResult.outcome == "fail")
        .scalar_subquery()
    )


def recent_inspections(user, *, location=None, limit: int = 5) -> list[tuple[Inspection, int]]:
    """The latest inspections the user can see, each with its number of failed items."""
    query = (
        select(Inspection, _failures())
        .join(Inspection.location)
        .options(joinedload(Inspection.location), joinedload(Inspection.inspector))
        .order_by(Inspection.received_at.desc(), Inspection.id.desc())
        .limit(limit)
    )
    if location is not None:
        query = query.where(Inspection.location_id == location.id)
    query = scope_to_department(query, user, Location.department_id)
    return [tuple(row) for row in db.session.execute(query)]


def get_visible_inspection(user, inspection_id: int) -> Inspection:
    """The inspection with its results and photos, if `user` may see it; else NotFound."""
    inspection = db.session.scalar(
        select(Inspection).where(Inspection.id == inspection_id).options(
            selectinload(Inspection.results).selectinload(ItemResult.item),
            selectinload(Inspection.results).selectinload(ItemResult.photos)))
    if inspection is None or not sees_department(user, inspection.location.department_id):
        raise NotFound()
    return inspection


def get_inspectable_location(user, code: str) -> Location:
    """The place by code, if it is in use and `user` may inspect it; else NotFound."""
    location = get_visible_location(user, code)
    if not location.is_active or not may_inspect(user, location):
        raise NotFound()
    return location


def hazards_of(inspection: Inspection) -> list[Hazard]:
    """The hazard cards an inspection's failed items opened."""
    return list(db.session.scalars(
        select(Hazard).join(Hazard.item_result)
        .where(ItemResult.inspection_id == inspection.id)
        .options(selectinload(Hazard.item_result).selectinload(ItemResult.photos))
        .order_by(Hazard.id)))


@dataclass
class InspectionFilters:
    location_id: int | None = None
    department_id: int | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    result: str | None = None  # "failed" or "passed"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "InspectionFilters":
        kind = args.get("kind")
        result = args.get("result")
        return cls(
            location_id=args.get("location", type=record_id),
            department_id=args.get("department", type=record_id),
            kind=kind if kind in INSPECTION_KINDS else None,
            date_from=parse_day(args.get("from")),
            date_to=parse_day(args.get("to")),
            result=result if result in ("failed", "passed") else None,
            page=args.get("page", type=record_id) or 1,
        )

    def args(self, **changes) -> dict:
        """Query-string arguments for these filters (with `changes`), for links."""
        values = {"location": self.location_id, "department": self.department_id,
                  "kind": self.kind, "from": self.date_from, "to": self.date_to,
                  "result": self.result, "page": self.page, **changes}
        return {k: v for k, v in values.items() if v not in (None, "")}


def inspection_page(user, filters: InspectionFilters) -> Page:
    """One page of the inspections the user may see that match `filters`, newest first."""
    conditions = []
    if filters.location_id:
        conditions.append(Inspection.location_id == filters.location_id)
    if filters.department_id:
        conditions.append(Location.department_id == filters.department_id)
    if filters.kind:
        conditions.append(Inspection.kind == filters.kind)
    if filters.date_from:
        conditions.append(Inspection.received_at >= local_day_start(filters.date_from))
    if filters.date_to:
        _start, end = local_day_bounds(filters.date_to)
        conditions.append(Inspection.received_at < end)
    failed = exists().where(ItemResult.inspection_id == Inspection.id,
                            ItemResult.outcome == "fail")
    if filters.result == "failed":
        conditions.append(failed)
    elif filters.result == "passed":
        conditions.append(~failed)
    base = scope_to_department(
        select(Inspection).join(Inspection.location).where(and_(True, *conditions)),
        user, Location.department_id)
    # Each inspection, and how many of its items failed.
    return paginate(base, filters.page, lambda query: (
        query.add_columns(_failures())
        .options(joinedload(Inspection.location).joinedload(Location.department),
                 joinedload(Inspection.inspector))
        .order_by(Inspection.received_at.desc(), Inspection.id.desc())))


def filter_choices() -> dict:
    return {"locations": list_locations(include_inactive=True), "departments": departments()}
