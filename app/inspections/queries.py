"""Shared reads of inspections."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.common.permissions import scope_to_department
from app.extensions import db
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location


def recent_inspections(user, *, location=None, limit: int = 5) -> list[tuple[Inspection, int]]:
    """The latest inspections the user can see, each with its number of failed items."""
    failures = (
        select(func.count())
        .where(ItemResult.inspection_id == Inspection.id, ItemResult.outcome == "fail")
        .scalar_subquery()
    )
    query = (
        select(Inspection, failures)
        .join(Inspection.location)
        .options(joinedload(Inspection.location), joinedload(Inspection.inspector))
        .order_by(Inspection.received_at.desc(), Inspection.id.desc())
        .limit(limit)
    )
    if location is not None:
        query = query.where(Inspection.location_id == location.id)
    query = scope_to_department(query, user, Location.department_id)
    return [tuple(row) for row in db.session.execute(query)]
