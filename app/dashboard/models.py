"""The counters that version the dashboard's and the wall's figures (read in version.py), and
the session hooks that keep them."""

import random
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


# Keeping the counter: every ORM change to a row a figure could depend on bumps it, in the
# same transaction, just before the commit (a row lock held only while committing).

FIGURES = "figures"
# The figures' counter is the sum of these rows, and a commit bumps one of them, picked at
# random: on PostgreSQL every commit that bumps a row waits for the one before it on that row
# to end, and with one row 1,000 guards' submits queued behind each other (waits of up to
# 0.9 s, 15 deep, in bench/load.py's cluster). Migration 0018 adds the rows after the first.
FIGURES_SLOTS = (FIGURES, *(f"{FIGURES}:{n}" for n in range(1, 16)))
# Bumped only by a change to the dashboard's figures of a month before this one (a card found
# or closed then, cancelled, reopened or corrected): those months' figures are kept under it
# (stats.trend), and most changes, made to this month's figures, leave it alone.
SETTLED = "settled"
# A change committed this close before the month turns is counted as one to a settled month:
# its transaction may end in the next month, after a reader there kept the month it changed.
MONTH_END_MARGIN = timedelta(minutes=10)
# A database made from the models (tests, benches) has the rows as a migrated one does.
event.listen(ChangeCounter.__table__, "after_create", DDL(
    "INSERT INTO change_counters (name, value) VALUES "
    + ", ".join(f"('{name}', 0)" for name in (*FIGURES_SLOTS, SETTLED))))
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


def _parts(found_at, status, closed_at, closed_on_time):
    """What a hazard adds to the months' figures: found then (unless cancelled), closed then
    (on time or not)."""
    return (found_at if status != "cancelled" else None,
            (closed_at, closed_on_time) if closed_at is not None else None)


def _columns(hazard: Hazard) -> tuple[tuple | None, tuple]:
    """A hazard's settled columns as loaded (None when one was not loaded: unknown) and as
    they are now (a new card's unset found_at and status as their defaults will make them)."""
    state = inspect(hazard)
    if not state.has_identity:
        values = [state.attrs[c].value for c in _SETTLED_COLUMNS]
        values[0] = values[0] or utcnow()
        values[1] = values[1] or "reported"
        return None, tuple(values)
    old, new = [], []
    for column in _SETTLED_COLUMNS:
        history = state.attrs[column].history
        new.append((history.added or history.unchanged or (None,))[0])
        if column in state.unloaded or (history.has_changes() and not history.deleted):
            old = None  # not loaded, or set without its old value being loaded
        if old is not None:
            old.append((history.deleted or history.unchanged or (None,))[0])
    return (tuple(old) if old is not None else None), tuple(new)


def _earliest_touched(session: Session) -> datetime | None:
    """The earliest time whose month's figures this flush changes (datetime.min when it
    cannot tell), or None: which months are settled is decided at commit (_bump)."""
    nothing = (None, "cancelled", None, None)  # adds to no month
    times = []
    for hazard in (o for o in (*session.new, *session.deleted, *session.dirty)
                   if isinstance(o, Hazard)):
        old, new = _columns(hazard)
        if hazard in session.new:
            old = nothing
        elif hazard in session.deleted:
            new = nothing
        if old is None:
            return datetime.min
        for before, after in zip(_parts(*old), _parts(*new), strict=True):
            if before != after:
                times.extend(at[0] if isinstance(at, tuple) else at
                             for at in (before, after) if at is not None)
    return min(times, default=None)


@event.listens_for(Session, "before_flush")
def _note_changes(session, _context, _instances):
    if not session.info.get(_PENDING) and _changes_figures(session):
        session.info[_PENDING] = True
    touched = _earliest_touched(session)
    if touched is not None:
        kept = session.info.get(_PENDING_SETTLED)
        session.info[_PENDING_SETTLED] = touched if kept is None else min(kept, touched)


@event.listens_for(Session, "before_commit")
def _bump(session):
    if session.in_nested_transaction():
        # A savepoint released (before_commit fires for those too): the outer commit bumps,
        # so that a row is locked only while committing, and one transaction never locks two
        # slots (two such transactions could lock them in opposite orders).
        return
    session.flush()
    now = utcnow()
    changed = [random.choice(FIGURES_SLOTS)] if session.info.pop(_PENDING, False) else []
    touched = session.info.pop(_PENDING_SETTLED, None)
    if touched is not None and touched < settled_before(now):
        changed.append(SETTLED)
    _move(session, changed, now)


def _move(executor, names: list[str], now: datetime) -> None:
    # One row at a time, the figures' slot before the settled months' row: two commits never
    # wait on each other's rows.
    for name in names:
        moved = executor.execute(update(ChangeCounter).where(ChangeCounter.name == name).values(
            value=ChangeCounter.value + 1, changed_at=now)).rowcount
        if not moved and name in FIGURES_SLOTS[1:]:  # a slot missing: the first is always there
            _move(executor, [FIGURES], now)


def bump_all(connection) -> None:
    """Move every counter: for a database whose rows were replaced wholesale (a restore), so
    that no figure cached from the rows before is taken for these. Its counters came back as
    they were when the snapshot was taken, and the shared cache (Redis) outlives the restore."""
    now = utcnow()
    _move(connection, [FIGURES, SETTLED], now)
    # Every slot stamped: the version's time is the newest of them, and a slot of the snapshot
    # may have been stamped by a host whose clock runs ahead of this one.
    connection.execute(update(ChangeCounter).where(ChangeCounter.name.in_(FIGURES_SLOTS))
                       .values(changed_at=now))


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:  # rolled back, or committed (already bumped)
        session.info.pop(_PENDING, None)
        session.info.pop(_PENDING_SETTLED, None)
