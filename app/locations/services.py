"""Creating and changing locations; rotating QR tokens."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record
from app.common.errors import DomainError
from app.common.vocab import RISK_LEVELS
from app.extensions import db
from app.locations.models import Location, new_qr_token

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
SOURCE_FIELDS = ("hazards", "controls", "responsible", "emergency", "monitoring")


def save_location(actor, location: Location | None, **fields) -> Location:
    """Create (location None) or update a location; `fields` are the form's columns."""
    code = fields["code"].strip().upper()
    if not CODE_RE.match(code):
        raise DomainError(
            _("Use 2–20 capital letters, digits and hyphens, such as O2-B1-01."), "code"
        )
    taken = select(func.count()).select_from(Location).where(Location.code == code)
    if location is not None:
        taken = taken.where(Location.id != location.id)
    if db.session.scalar(taken):
        raise DomainError(_("The code %(code)s is taken by another location.", code=code), "code")
    if fields["risk_level"] not in RISK_LEVELS:
        raise DomainError(_("Choose one of the four risk colours."), "risk_level")
    if fields.get("is_major_source") and not (fields.get("source_responsible") or "").strip():
        raise DomainError(
            _("A major hazard source needs a responsible person on its risk-source card."),
            "source_responsible",
        )
    creating = location is None
    if creating:
        location = Location()
        db.session.add(location)
    location.code = code
    for name in ("name_zh", "name_en", "building", "floor"):
        setattr(location, name, (fields.get(name) or "").strip())
    location.location_type_id = fields["location_type_id"]
    location.department_id = fields["department_id"]
    location.risk_level = fields["risk_level"]
    location.is_active = fields.get("is_active", True)
    location.is_major_source = bool(fields.get("is_major_source"))
    for name in SOURCE_FIELDS:
        value = (fields.get(f"source_{name}") or "").strip()
        setattr(location, f"source_{name}", value or None)
    db.session.flush()
    record(actor, "location.create" if creating else "location.update", location, {"code": code})
    return location


def rotate_token(actor, location: Location) -> str:
    """Give the location a new QR token: every label printed before stops working."""
    location.qr_token = new_qr_token()
    record(actor, "location.rotate_token", location)
    db.session.flush()
    return location.qr_token
