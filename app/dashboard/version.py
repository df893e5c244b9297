"""The version of the figures the wall and the dashboard show, read in one small query before
anything is computed: an unchanged poll is answered 304 from it, and a computed answer is
shared (shared_cache()) under it.

The figures depend on rows and on the hospital's clock. Rows: the change counter
(models.py), bumped in the same transaction as every change to a row a figure could depend
on. (Not the highest ids: PostgreSQL hands them out before commit, so an inspection committed
after a later one would leave the highest id where it was.) The clock: the local date (overdue
days, this month, the daily rounds missed today) and the current shift (a shift's round ends,
missed or not, and the next is owed); and for DEVICE_CLOCK_SKEW after a change, the time in
SETTLE_SECONDS steps, because a phone a little ahead of the server dates its inspection in
the future, and it counts only once that moment has passed.
"""

from bisect import bisect_right
from datetime import datetime, timedelta

from flask import request
from sqlalchemy import func, select

from app.common.time import DEVICE_CLOCK_SKEW, local_to_utc, to_local, utcnow
from app.dashboard.models import FIGURES_SLOTS, SETTLED, ChangeCounter
from app.extensions import db
from app.schedules.coverage import shift_starts

SETTLE_SECONDS = 15
EPOCH = datetime(1970, 1, 1)


def figures_version(now: datetime | None = None, *, hourly: bool = False) -> str:
    """"<changes>-<last change>.<local date>.<shift>" at `now` (naive UTC), with ".<step>"
    while a change settles; `hourly` adds the local hour (a window of the last twelve months
    moves by the hour)."""
    now = now or utcnow()
    changes, changed_at = _counter(*FIGURES_SLOTS)
    local = to_local(now)
    shift = bisect_right(shift_starts(), local.time().replace(tzinfo=None))
    parts = [_stamped(changes, changed_at), local.date().isoformat(), str(shift)]
    if hourly:
        parts.append(f"h{local.hour}")
    if changed_at is not None and now - changed_at < DEVICE_CLOCK_SKEW:
        parts.append(f"s{int((now - EPOCH).total_seconds()) // SETTLE_SECONDS}")
    return ".".join(parts)


def settled_version() -> str:
    """The version of the figures of the months before this one (models.SETTLED)."""
    return _stamped(*_counter(SETTLED))


def _counter(*names: str) -> tuple[int, datetime | None]:
    """The count of the counter kept in the rows `names`, and when it last moved."""
    changes, changed_at = db.session.execute(
        select(func.sum(ChangeCounter.value), func.max(ChangeCounter.changed_at))
        .where(ChangeCounter.name.in_(names))).one()
    return int(changes or 0), changed_at  # PostgreSQL's sum of bigints is a numeric


def _stamped(changes: int, changed_at: datetime | None) -> str:
    # The last change's time as well as the count: a database restored from a backup counts
    # again from an older value, and must not match figures cached from the lost history.
    stamp = (changed_at - EPOCH) // timedelta(microseconds=1) if changed_at else 0
    return f"{changes}-{stamp}"


def hour_start(now: datetime) -> datetime:
    """The start of the hospital's hour at `now` (naive UTC), as naive UTC."""
    local = to_local(now).replace(tzinfo=None)
    return local_to_utc(local.replace(minute=0, second=0, microsecond=0))


def sent_etag(tag: str) -> str | None:
    """The request's If-None-Match tag that stands for `tag`: itself, or as compressed
    ("tag:gzip", which Flask-Compress makes of a compressed answer's tag)."""
    for sent in request.if_none_match.as_set(include_weak=True):
        if sent == tag or sent.startswith(tag + ":"):
            return sent
    return None
