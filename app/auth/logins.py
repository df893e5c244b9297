"""Logging in: the throttle first, then the password; every attempt and lockout is audited.

An unknown username is counted, locked and answered exactly as a known one, so the answers
never tell whether an account exists. The attempted password is never recorded.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import select

from app.audit.services import record, record_about
from app.auth.models import User
from app.auth.throttle import SHORTEST_WAIT, login_throttle
from app.extensions import db


@dataclass
class LoginResult:
    """The logged-in user, or a refusal: `wait_seconds` > 0 when the throttle holds it."""

    user: User | None = None
    wait_seconds: float = 0


def attempt_login(username: str, password: str, *, address: str) -> LoginResult:
    """Check a login against the throttle, then the password; record what happened."""
    throttle = login_throttle()
    name = username.strip().lower()
    now = throttle.now()
    user = db.session.scalar(select(User).where(User.username == name))
    waits = throttle.locks(name, address)
    if user is not None and user.is_locked(now):
        row_wait = (user.locked_until - now).total_seconds()
        waits["account"] = max(waits.get("account", 0), row_wait)
    if waits:
        # Not even checked: a locked account's right password must not get in either.
        return LoginResult(wait_seconds=max(waits.values()))
    if not throttle.reserve(name):
        # Simultaneous attempts filled a window since the check above.
        return LoginResult(wait_seconds=max(throttle.seconds_locked("account", name),
                                            SHORTEST_WAIT))

    reason = _refusal(user, password)
    target_id = user.id if user is not None else None
    if reason is None:
        throttle.forget_account(name)  # its reserved place included
        user.locked_until = None
        record_about(user, "login.succeeded", "users", user.id, {"address": address})
        db.session.flush()
        return LoginResult(user=user)

    record_about(None, "login.failed", "users", target_id,
                 {"username": name, "address": address, "reason": reason})
    locks = throttle.fail(name, address)
    for scope, seconds in locks.items():
        until = now + timedelta(seconds=math.ceil(seconds))
        details = {"until": until.isoformat(timespec="seconds"), "address": address}
        if scope == "account":
            if user is not None:
                user.locked_until = until
            record_about(None, "login.locked", "users", target_id, {"username": name, **details})
        else:
            record_about(None, "login.locked", "addresses", None, details)
    db.session.flush()
    return LoginResult(wait_seconds=max(locks.values(), default=0))


def _refusal(user: User | None, password: str) -> str | None:
    """Why these credentials do not log in (for the audit record), or None when they do."""
    if user is None:
        # Hash anyway, so the answer takes as long whether or not the username exists.
        User(password_hash=_dummy_hash()).check_password(password)
        return "unknown username"
    if not user.check_password(password):
        return "wrong password"
    if not user.active:
        return "account disabled"
    return None


@cache
def _dummy_hash() -> str:
    user = User()
    user.set_password(secrets.token_hex(16))
    return user.password_hash


def unlock(actor: User, user: User) -> None:
    """An administrator lifts a lockout: the account's failures are forgotten at once."""
    login_throttle().forget_account(user.username)
    was = user.locked_until
    user.locked_until = None
    record(actor, "user.unlock", user,
           {"locked_until": was.isoformat(timespec="seconds") if was else None})
    db.session.flush()
