"""Shared reads of locations."""

from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from app.common.permissions import can, sees_all_departments
from app.common.sql import contains
from app.extensions import db
from app.locations.models import Location, LocationType


def list_locations(*, department_id=None, location_type_id=None, search=None,
                   include_inactive=False) -> list[Location]:
    query = (
        select(Location)
        .options(joinedload(Location.location_type), joinedload(Location.department))
        .order_by(Location.code)
    )
    if not include_inactive:
        query = query.where(Location.is_active)
    if department_id:
        query = query.where(Location.department_id == department_id)
    if location_type_id:
        query = query.where(Location.location_type_id == location_type_id)
    if search:
        text = search.strip()
        query = query.where(contains(Location.code, text) | contains(Location.name_zh, text)
                            | contains(Location.name_en, text))
    return list(db.session.scalars(query))


def get_visible_location(user, code: str) -> Location:
    """The place by code, in use or not, if `user` may view places (every department's places
    are shown to all who may); else NotFound."""
    location = db.session.scalar(select(Location).where(Location.code == code))
    if location is None or not can(user, "locations.view"):
        raise NotFound()
    return location


def location_types() -> list[LocationType]:
    return list(db.session.scalars(select(LocationType).order_by(LocationType.code)))


def location_by_token(token: str) -> Location | None:
    """The active location a QR token opens, or None for an unknown or rotated token."""
    return db.session.scalar(
        select(Location).where(Location.qr_token == token, Location.is_active)
    )


# How far back "places I inspected" reaches for the phone's offline set, and how many at most.
RECENT_DAYS = 30
OWN_LIMIT = 300


def own_locations(user, now) -> list[Location]:
    """The places the user is expected at: those whose active schedules name the user's role or
    department, and those the user inspected in the last RECENT_DAYS; a lead's are limited to
    its department. The phone keeps their checklists for use without signal, in this order:
    the round's points (what is due now first, as the home page lists them), then by code."""
    from app.inspections.models import Inspection
    from app.schedules.models import InspectionSchedule
    from app.schedules.rounds import due_now, owed_by

    scheduled = select(InspectionSchedule.location_id).where(
        InspectionSchedule.is_active, owed_by(user))
    inspected = select(Inspection.location_id).where(
        Inspection.inspector_id == user.id,
        Inspection.received_at >= now - timedelta(days=RECENT_DAYS))
    query = (select(Location)
             .where(Location.is_active,
                    or_(Location.id.in_(scheduled), Location.id.in_(inspected)))
             .order_by(Location.code).limit(OWN_LIMIT))
    if not sees_all_departments(user):
        query = query.where(Location.department_id == user.department_id)
    # The round comes first, so that the limit never leaves out what is due.
    ordered = {p.location.id: p.location for p in due_now(user, now).points}
    for location in db.session.scalars(query):
        ordered.setdefault(location.id, location)
    return list(ordered.values())[:OWN_LIMIT]
