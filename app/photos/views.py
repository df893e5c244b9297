"""Serving stored photos, only to people who may see the record they belong to."""

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import or_, select

from app.common.permissions import require, sees_department
from app.extensions import db
from app.hazards.models import Hazard, HazardEvent
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location
from app.photos.models import Photo
from app.photos.store import photo_store

bp = Blueprint("photos", __name__, url_prefix="/photos")


def _owning_departments(sha256: str) -> set[int]:
    """The departments whose records hold this photo (as image, thumbnail, or the original a
    marked photo was drawn on: the same people see both)."""
    matches = or_(Photo.sha256 == sha256, Photo.thumb_sha256 == sha256,
                  Photo.original_sha256 == sha256)
    by_inspection = (select(Location.department_id)
                     .join(Inspection, Inspection.location_id == Location.id)
                     .join(ItemResult, ItemResult.inspection_id == Inspection.id)
                     .join(Photo, Photo.item_result_id == ItemResult.id).where(matches))
    by_event = (select(Hazard.department_id)
                .join(HazardEvent, HazardEvent.hazard_id == Hazard.id)
                .join(Photo, Photo.hazard_event_id == HazardEvent.id).where(matches))
    return set(db.session.scalars(by_inspection.union(by_event)))


def _send(sha256: str):
    departments = _owning_departments(sha256)
    if not any(sees_department(current_user, d) for d in departments):
        abort(404)  # not "forbidden": say nothing about photos one may not see
    # Checked first, so that a repeat is answered 304 without asking the store (a bucket).
    response = photo_store().send(sha256, max_age=31536000)
    if response is None:
        abort(404)
    # Content-addressed, so it never changes; private, because it needs a login.
    response.cache_control.private = True
    response.cache_control.public = False
    response.cache_control.immutable = True
    return response


@bp.get("/<sha256>.jpg")
@require("inspections.view")
def image(sha256):
    return _send(sha256)


@bp.get("/<sha256>/thumb.jpg")
@require("inspections.view")
def thumbnail(sha256):
    return _send(sha256)
