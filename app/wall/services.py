"""Display tokens: made and revoked by managers; a revoked token never opens the wall again."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.common.errors import DomainError
from app.common.time import utcnow
from app.extensions import db
from app.wall.models import DisplayToken


def active_display(token: str) -> DisplayToken | None:
    """The display a token opens, or None if unknown or revoked."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(DisplayToken).where(
        DisplayToken.token == token, DisplayToken.revoked_at.is_(None)))


def create_display(actor, name: str) -> DisplayToken:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Name the screen, e.g. “Safety office TV”."), "name")
    if len(name) > 80:
        raise DomainError(_("Keep the name under 80 characters."), "name")
    display = DisplayToken(name=name, created_by_id=actor.id)
    db.session.add(display)
    db.session.flush()
    record(actor, "display.create", display, {"name": name})
    return display


def revoke_display(actor, display: DisplayToken) -> None:
    if display.revoked_at is None:
        display.revoked_at = utcnow()
        record(actor, "display.revoke", display, {"name": display.name})
