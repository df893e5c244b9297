"""The counters that version the dashboard's and the wall's figures (read in version.py), and
the session hooks that keep them."""

from datetime import datetime, timedelta

from sqlalchemy import DDL, BigInteger, String, event, inspect, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.auth.models import User
from app.common.time import local_day_start, local_today, utcnow
from app.extensions import db
from app.hazards.models import Hazard


class ChangeCounter(db.Model):
    """变更计数: bumped in the same transaction as every change a figure could depend on."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime | None]  # naive UTC, by the app's clock


# A database made from the models (tests, benches) has the rows as a migrated one does.
event.listen(ChangeCounter.__table__, "after_create",
             DDL("INSERT INTO change_counters (name, value) VALUES ('figures', 0), "
                 "('settled', 0)"))


# Keeping the counter: every ORM change to a row a figure could depend on bumps it, in the
# same transaction, just before the commit (a row lock held only while committing).

FIGURES = "figures"
# Bumped only by a change to the dashboard's figures of a month before this one (a card found
# or closed then, cancelled, reopened or corrected): those months' figures are kept under it
# (stats.trend), and most changes, made to this month's figures, leave it alone.
SETTLED = "settled"
# A change committed this close before the month turns is counted as one to a settled month:
# its transaction may end in the next month, after a reader there kept the month it changed.
MONTH_END_MARGIN = timedelta(minutes=10)
# Tables whose rows never change a figure.
IGNORED_TABLES = frozenset({"audit_records", "notices", "api_tokens", "hazard_counters",
                            "display_tokens", "change_counters"})
# Of a person, the figures show only the name (the wall's responsible person): a login, a
# password or a theme changes no figure.
USER_COLUMNS = ("full_name",)
_PENDING = "figures_changed"
_PENDING_SETTLED = "settled_changed"
# What of a hazard the settled months' figures read (stats.trend).
_SETTLED_COLUMNS = ("found_at", "status", "closed_at", "closed_on_time")


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


def settled_before(now: datetime) -> datetime:
    """Where the settled months end for a change made at `now` (naive UTC): the start of this
    local month, or of the next one within MONTH_END_MARGIN of it."""
    return local_day_start(local_today(now + MONTH_END_MARGIN).replace(day=1))


def _settled_part(found_at, status, closed_at, closed_on_time, before: datetime):
    """What a hazard adds to the figures of the months before `before`: found then (unless
    cancelled), closed then (on time or not)."""
    return (found_at if found_at is not None and found_at < before and status != "cancelled"
            else None,
            (closed_at, closed_on_time) if closed_at is not None and closed_at < before
            else None)


def _old_and_new(hazard: Hazard) -> tuple[tuple | None, tuple]:
    """A hazard's settled columns as loaded (None when a changed one was set without its old
    value being loaded) and as they are now."""
    attrs = inspect(hazard).attrs
    old, new = [], []
    for column in _SETTLED_COLUMNS:
        history = attrs[column].history
        new.append((history.added or history.unchanged or (None,))[0])
        if history.has_changes() and not history.deleted:
            old = None
        if old is not None:
            old.append((history.deleted or history.unchanged or (None,))[0])
    return (tuple(old) if old is not None else None), tuple(new)


def _changes_settled(session: Session) -> bool:
    before = settled_before(utcnow())
    for hazard in (o for o in session.new if isinstance(o, Hazard)):
        if _settled_part(*_old_and_new(hazard)[1], before) != (None, None):
            return True
    for hazard in (o for o in session.deleted if isinstance(o, Hazard)):
        loaded = _old_and_new(hazard)[0]
        if loaded is None or _settled_part(*loaded, before) != (None, None):
            return True
    for hazard in (o for o in session.dirty if isinstance(o, Hazard)):
        old, new = _old_and_new(hazard)
        if old is None or _settled_part(*old, before) != _settled_part(*new, before):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _note_changes(session, _context, _instances):
    if not session.info.get(_PENDING) and _changes_figures(session):
        session.info[_PENDING] = True
    if not session.info.get(_PENDING_SETTLED) and _changes_settled(session):
        session.info[_PENDING_SETTLED] = True


@event.listens_for(Session, "before_commit")
def _bump(session):
    session.flush()
    changed = [name for name, key in ((FIGURES, _PENDING), (SETTLED, _PENDING_SETTLED))
               if session.info.pop(key, False)]
    if changed:
        session.execute(update(ChangeCounter).where(ChangeCounter.name.in_(changed)).values(
            value=ChangeCounter.value + 1, changed_at=utcnow()))


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:  # rolled back, or committed (already bumped)
        session.info.pop(_PENDING, None)
        session.info.pop(_PENDING_SETTLED, None)
