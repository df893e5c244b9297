"""The counter that versions the dashboard's and the wall's figures (read in version.py), and
the session hooks that keep it."""

from datetime import datetime

from sqlalchemy import DDL, BigInteger, String, event, inspect, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.auth.models import User
from app.common.time import utcnow
from app.extensions import db


class ChangeCounter(db.Model):
    """变更计数: bumped in the same transaction as every change a figure could depend on."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime | None]  # naive UTC, by the app's clock


# A database made from the models (tests, benches) has the row as a migrated one does.
event.listen(ChangeCounter.__table__, "after_create",
             DDL("INSERT INTO change_counters (name, value) VALUES ('figures', 0)"))


# Keeping the counter: every ORM change to a row a figure could depend on bumps it, in the
# same transaction, just before the commit (a row lock held only while committing).

FIGURES = "figures"
# Tables whose rows never change a figure.
IGNORED_TABLES = frozenset({"audit_records", "notices", "api_tokens", "hazard_counters",
                            "display_tokens", "change_counters"})
# Of a person, the figures show only the name (the wall's responsible person): a login, a
# password or a theme changes no figure.
USER_COLUMNS = ("full_name",)
_PENDING = "figures_changed"


def _changes_figures(session: Session) -> bool:
    for obj in (*session.new, *session.deleted):
        if getattr(obj, "__tablename__", None) not in IGNORED_TABLES and \
                not isinstance(obj, User):
            return True
    for obj in session.dirty:
        if getattr(obj, "__tablename__", None) in IGNORED_TABLES:
            continue
        if isinstance(obj, User):
            attrs = inspect(obj).attrs
            if any(attrs[column].history.has_changes() for column in USER_COLUMNS):
                return True
        elif session.is_modified(obj, include_collections=False):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _note_changes(session, _context, _instances):
    if not session.info.get(_PENDING) and _changes_figures(session):
        session.info[_PENDING] = True


@event.listens_for(Session, "before_commit")
def _bump(session):
    session.flush()
    if session.info.pop(_PENDING, False):
        session.execute(update(ChangeCounter).where(ChangeCounter.name == FIGURES).values(
            value=ChangeCounter.value + 1, changed_at=utcnow()))


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:  # rolled back, or committed (already bumped)
        session.info.pop(_PENDING, None)
