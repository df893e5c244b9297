"""Reading and writing administrators' settings.

Each feature owns its keys and their defaults (the code is the documentation of a default);
the table holds only what an administrator changed. `read` answers the default for a key never
set, so a new setting needs no migration and no seed row.
"""

from app.audit.services import record_about
from app.extensions import db
from app.settings.models import Setting


def read(key: str, default):
    """The stored value of `key`, or `default` when nobody has set it."""
    row = db.session.get(Setting, key)
    return default if row is None else row.value


def write(key: str, value, actor) -> bool:
    """Store `value` under `key` as `actor` did, with an audit record of the change (flushed,
    not committed). Returns whether anything changed."""
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
