"""The escalation ladder (督办): an overdue card climbs a step on set days past its deadline.

Step 1 (day 1 by default) tells the responsible person and the department's safety leads;
step 2 (day 3) also the safety managers; step 3 (day 7) also the hospital leadership the
administrator names, and the card becomes supervised (督办). Steps count from the card's
present deadline, so an approved extension starts a new ladder. The step reached is derived
(overdue is never stored); only the supervised mark is stored, because it outlasts an
extension and ends only when the card closes.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.models import User
from app.common.errors import DomainError
from app.common.time import local_today
from app.extensions import db
from app.hazards import workflow
from app.hazards.models import Hazard
from app.settings import store

DAYS_KEY = "escalation.days"
ESCALATION_DAYS_DEFAULT = (1, 3, 7)
LEADERS_KEY = "escalation.leaders"  # user ids of the hospital leadership (院领导)
LEADERS_DEFAULT = ()
DIGEST_HOUR_KEY = "digest.hour"
DIGEST_HOUR_DEFAULT = 7  # the daily digest leaves at or after 07:00 on the hospital's clock
MAX_DAYS = 365

STEPS = (1, 2, 3)
STEP_NAMES = {1: "department", 2: "managers", 3: "leadership"}  # for `flask notify`
STEP_LABELS = {  # who a step reaches, in "Escalated to … on …"
    1: _l("the responsible person and the department's safety leads"),
    2: _l("the safety managers"),
    3: _l("hospital leadership"),
}


def escalation_days() -> tuple[int, int, int]:
    """The days past the deadline on which steps 1, 2 and 3 are reached."""
    value = store.read(DAYS_KEY, ESCALATION_DAYS_DEFAULT)
    try:
        return check_days(value)
    except DomainError:  # a value the form would never have stored: fall back, don't stop
        return ESCALATION_DAYS_DEFAULT


def check_days(value) -> tuple[int, int, int]:
    """Three whole numbers of days, each later than the one before; else DomainError."""
    if (not isinstance(value, (list, tuple)) or len(value) != 3
            or not all(isinstance(d, int) and not isinstance(d, bool) for d in value)):
        raise DomainError(_l("Give three whole numbers of days."), "days")
    if not (1 <= value[0] < value[1] < value[2] <= MAX_DAYS):
        raise DomainError(_l("The days must grow from step to step, from 1 to %(max)d.",
                             max=MAX_DAYS), "days")
    return tuple(value)


def leader_ids() -> list[int]:
    value = store.read(LEADERS_KEY, LEADERS_DEFAULT)
    return [i for i in value if isinstance(i, int)] if isinstance(value, list) else []


def leaders() -> list[User]:
    """The active people named as hospital leadership."""
    ids = leader_ids()
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).where(User.id.in_(ids), User.active).order_by(User.id)))


def digest_hour() -> int:
    value = store.read(DIGEST_HOUR_KEY, DIGEST_HOUR_DEFAULT)
    return value if isinstance(value, int) and 0 <= value <= 23 else DIGEST_HOUR_DEFAULT


def save_settings(actor, *, days, leader_ids: list[int], hour: int) -> bool:
    """Store the ladder's days, the leadership and the digest hour (audited); whether any
    changed."""
    days = check_days(days)
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        raise DomainError(_l("Choose an hour from 0 to 23."), "hour")
    known = set(db.session.scalars(select(User.id).where(User.id.in_(leader_ids), User.active))) \
        if leader_ids else set()
    if set(leader_ids) - known:
        raise DomainError(_l("Choose active people from the list."), "leaders")
    changed = store.write(DAYS_KEY, list(days), actor)
    changed |= store.write(LEADERS_KEY, sorted(set(leader_ids)), actor)
    changed |= store.write(DIGEST_HOUR_KEY, hour, actor)
    return changed


def step_on(deadline_on: date | None, today: date, days=None) -> int:
    """The highest step reached on `today` for a card due on `deadline_on` (0: none)."""
    if deadline_on is None:
        return 0
    late = (today - deadline_on).days
    return sum(1 for day in (days or escalation_days()) if late >= day)


@dataclass(frozen=True)
class Escalation:
    """Where a card stands on the ladder: the step reached (0 to 3), the day it was reached,
    who it reached, and the supervised mark."""

    step: int
    reached_on: date | None
    supervised_at: datetime | None

    @property
    def reaches(self):
        return STEP_LABELS.get(self.step)


def escalation_of(hazard: Hazard, today: date | None = None, days=None) -> Escalation:
    today = today or local_today()
    days = days or escalation_days()
    step = step_on(hazard.deadline_on, today, days) if hazard.is_overdue(today) else 0
    reached = hazard.deadline_on + timedelta(days=days[step - 1]) if step else None
    return Escalation(step, reached, hazard.supervised_at if hazard.is_supervised else None)


def cards_to_supervise(today: date) -> list[tuple[Hazard, int]]:
    """Open cards that reached the ladder's top and are not yet supervised, with days late."""
    last = escalation_days()[-1]
    hazards = db.session.scalars(
        select(Hazard)
        .where(Hazard.is_overdue(today), Hazard.supervised_at.is_(None),
               Hazard.deadline_on <= today - timedelta(days=last))
        .order_by(Hazard.id))
    return [(hazard, (today - hazard.deadline_on).days) for hazard in hazards]


def supervise_due(now: datetime) -> list[Hazard]:
    """Mark supervised (督办) every open card at the ladder's top; committed. Done whatever
    the notice lookback: the mark is a fact about the card, not a message."""
    marked = []
    for hazard, late in cards_to_supervise(local_today(now)):
        workflow.supervise(hazard, at=now, days_overdue=late)
        marked.append(hazard)
    if marked:
        db.session.commit()
    return marked
