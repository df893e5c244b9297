"""The demo's quarterly assessment: history reaching back over two full quarters.

The loader's history covers HISTORY_DAYS; the assessment wants the two last full quarters
(on 3 December 2026: Q2 and Q3), so this walks the same schedules, period by period, from the
first of those quarters up to where the loader's history begins, and makes the schedules owed
from then. Inspections, failures and cards are made as the loader makes them.
"""

import random
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from app.auth.models import User
from app.checklists.models import ChecklistTemplate
from app.common.quarters import Quarter
from app.common.time import local_day_start, local_to_utc, local_today, to_local
from app.demo import loader  # imports this module: its names are read when make() runs
from app.extensions import db
from app.inspections.models import Inspection
from app.locations.models import Location
from app.schedules.coverage import shift_starts
from app.schedules.models import InspectionSchedule
from app.schedules.periods import periods_between

FULL_QUARTERS = 2


def first_day(now: datetime):
    """The first day of the earliest of the FULL_QUARTERS last full quarters."""
    quarter = Quarter.of(local_today(now))
    for _ in range(FULL_QUARTERS):
        quarter = quarter.previous()
    return quarter.first


def make(now: datetime, log=print) -> None:
    """Walk the schedules from the first full quarter to the loader's history; once."""
    start = local_day_start(first_day(now))
    history_since = now - timedelta(days=loader.HISTORY_DAYS)
    if history_since <= start or db.session.scalar(select(exists().where(
            Inspection.received_at < start + timedelta(days=30)))):
        return
    for schedule in db.session.scalars(select(InspectionSchedule).where(
            InspectionSchedule.created_at > start)):
        schedule.created_at = start
    users = {user.username: user for user in db.session.scalars(select(User))}
    templates = {t.location_type.code: t for t in db.session.scalars(select(ChecklistTemplate))}
    locations = list(db.session.scalars(select(Location).where(Location.is_active)
                                        .order_by(Location.code)))
    history = loader.History(random.Random(2025), now, users, templates, locations)
    _walk_between(history, to_local(start).replace(tzinfo=None),
                  to_local(history_since).replace(tzinfo=None))
    log(f"Assessment history from {first_day(now)}: two full quarters.")


def _walk_between(history, since: datetime, until: datetime) -> None:
    """Every period of every active schedule that ends before `until` (the loader walks the
    one it falls in), a few of them missed, as the loader's History does."""
    shifts = shift_starts()
    for location in history.locations:
        for schedule in sorted((s for s in location.schedules if s.is_active),
                               key=lambda s: s.kind):
            inspectors = history.inspectors(location, schedule.kind)
            for period in periods_between(schedule.frequency, since, until, shifts):
                if period.end > until or \
                        history.rng.random() < loader.MISS_RATE[schedule.frequency]:
                    continue
                history.inspect(location, schedule.kind, history.rng.choice(inspectors),
                                local_to_utc(history.moment(period)),
                                loader.FAIL_RATE[schedule.frequency])
    db.session.flush()
