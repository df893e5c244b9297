"""Personal API tokens: made and revoked by their owner, checked on each API request."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.models import ApiToken, User
from app.common.errors import DomainError
from app.common.time import utcnow
from app.extensions import db

PREFIX = "sr_"
# Writing "last used" on every request would make each read a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name the token after what will use it."), "name")
    if len(name) > 80:
        raise DomainError(_("Keep the name under 80 characters."), "name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_digest(secret), prefix=secret[:10])
    db.session.add(token)
    record(user, "api_token.create", token, {"name": name})
    return token, secret


def revoke_api_token(actor: User, token: ApiToken) -> None:
    if token.user_id != actor.id:
        raise DomainError(_("This token is not yours."), forbidden=True)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(actor, "api_token.revoke", token, {"name": token.name})


def live_api_token(secret: str) -> ApiToken | None:
    """The live token with this secret whose owner is active, or None. Reads only."""
    if not secret.startswith(PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def note_api_token_used(token: ApiToken, now: datetime | None = None) -> None:
    """Record that the token was used now (at most once a minute); the caller commits."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))
