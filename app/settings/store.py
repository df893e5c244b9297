"""Reading and writing administrators' settings.

Each feature owns its keys and their defaults (the code is the documentation of a default);
the table holds only what an administrator changed. `read` answers the default for a key never
set, so a new setting needs no migration and no seed row.

A read is kept for the rest of the request (or command) in `g`: a list of 50 cards asks for
the escalation days 50 times, and a key never set would otherwise cost a query each time.
A write forgets the key, so the next read sees it; a rollback forgets them all, so a value
written and then undone is not kept.
"""

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit.services import record_about
from app.extensions import db
from app.settings.models import Setting

_MISSING = object()


def _kept() -> dict:
    return g.setdefault("_settings", {}) if has_app_context() else {}


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(_session, _transaction) -> None:
    if has_app_context():
        g.pop("_settings", None)


def read(key: str, default):
    """The stored value of `key`, or `default` when nobody has set it."""
    kept = _kept()
    value = kept.get(key, _MISSING)
    if value is _MISSING:
        row = db.session.get(Setting, key)
        value = kept[key] = None if row is None else (row.value,)
    return default if value is None else value[0]


def write(key: str, value, actor) -> bool:
    """Store `value` under `key` as `actor` did, with an audit record of the change (flushed,
    not committed). Returns whether anything changed."""
    _kept().pop(key, None)
    row = db.session.get(Setting, key)
    old = None if row is None else row.value
    if row is not None and old == value:
        return False
    if row is None:
        row = Setting(key=key)
        db.session.add(row)
    row.value = value
    row.updated_by_id = getattr(actor, "id", None)
    record_about(actor, "setting.change", "settings", None,
                 {"key": key, "from": old, "to": value})
    db.session.flush()
    return True
