"""Shared reads of locations."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

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
        like = f"%{search.strip()}%"
        query = query.where(
            Location.code.ilike(like) | Location.name_zh.ilike(like) | Location.name_en.ilike(like)
        )
    return list(db.session.scalars(query))


def location_types() -> list[LocationType]:
    return list(db.session.scalars(select(LocationType).order_by(LocationType.code)))


def location_by_token(token: str) -> Location | None:
    """The active location a QR token opens, or None for an unknown or rotated token."""
    return db.session.scalar(
        select(Location).where(Location.qr_token == token, Location.is_active)
    )
