"""What is due to be told, and to whom: the notice rules, read from hazards and their events.

Nothing here sends or records anything; `due_notices(now)` answers the same for the same
database and `now`, and the Notice table (services.py) decides what already went out.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.common.time import local_today
from app.common.vocab import OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards.models import Hazard, HazardEvent

# In the order a run sends them: nothing major waits behind a routine reminder.
KINDS = ("major_reported", "overdue", "rejected", "reopened", "assigned", "due_soon")
# A deadline this many days ahead (counted in the hospital's calendar) is near.
DUE_SOON_DAYS = 2
# The statuses in which the department does the work a deadline is about.
WORK_STATUSES = ("assigned", "rectifying")
EVENT_ACTIONS = ("report", "amend", "assign", "reject", "reopen")


@dataclass
class Due:
    """One notice due about one hazard: who is told, and what the message is about."""

    key: str
    kind: str
    hazard: Hazard
    recipients: list[User]
    today: date
    event: HazardEvent | None = None

    @property
    def is_unaddressed(self) -> bool:
        """Nobody to tell: no responsible person, no active safety lead (or no manager)."""
        return not self.recipients


def due_notices(now: datetime) -> list[Due]:
    """Every notice the rules call for at `now` (naive UTC), sent or not, in sending order."""
    today = local_today(now)
    since = now - timedelta(hours=current_app.config["NOTIFY_LOOKBACK_HOURS"])
    people = _People()
    found: dict[str, Due] = {}
    for due in (*_from_events(since, now, today, people), *_from_deadlines(since, today, people)):
        found.setdefault(due.key, due)
    return sorted(found.values(), key=lambda due: (KINDS.index(due.kind), due.hazard.id))


def _from_events(since, now, today, people):
    # Only recent events: the first run on an old database must not replay its history.
    events = db.session.scalars(
        select(HazardEvent)
        .where(HazardEvent.at >= since, HazardEvent.at <= now,
               HazardEvent.action.in_(EVENT_ACTIONS))
        .options(joinedload(HazardEvent.hazard))
        .order_by(HazardEvent.at, HazardEvent.id)
    )
    for event in events:
        hazard = event.hazard
        if hazard.status not in OPEN_HAZARD_STATUSES:  # cancelled or closed since: moot
            continue
        if event.action in ("report", "amend"):
            if _made_major(event) and hazard.level == "major":
                yield Due(f"major:{hazard.id}", "major_reported", hazard, people.managers(),
                          today, event)
        elif event.action == "assign":
            assigned = people.user(event.data.get("responsible_id"))
            yield _to_responsible(f"assigned:{event.id}", "assigned", hazard, today, people,
                                  event=event, person=assigned)
        elif event.action in ("reject", "reopen"):
            kind = "rejected" if event.action == "reject" else "reopened"
            yield _to_responsible(f"{kind}:{event.id}", kind, hazard, today, people,
                                  event=event)


def _made_major(event: HazardEvent) -> bool:
    """A report at level major, or an amendment that raised the level to major."""
    level = (event.data or {}).get("level")
    if event.action == "amend":
        return isinstance(level, list) and level[-1] == "major"
    return level == "major"


def _from_deadlines(since, today, people):
    soon = db.session.scalars(
        select(Hazard)
        .where(Hazard.status.in_(WORK_STATUSES),
               Hazard.deadline_on.between(today, today + timedelta(days=DUE_SOON_DAYS)))
        .order_by(Hazard.id)
    )
    for hazard in soon:
        yield _to_responsible(f"due_soon:{hazard.id}:{hazard.deadline_on.isoformat()}",
                              "due_soon", hazard, today, people)
    # Hazards that fell overdue within the lookback; older ones were told about before (or
    # predate notices, and stand on the wall screen).
    first_day = local_today(since)
    overdue = db.session.scalars(
        select(Hazard)
        .where(Hazard.is_overdue(today), Hazard.deadline_on >= first_day - timedelta(days=1))
        .order_by(Hazard.id)
    )
    for hazard in overdue:
        due = _to_responsible(f"overdue:{hazard.id}:{hazard.deadline_on.isoformat()}",
                              "overdue", hazard, today, people)
        # Escalation: the safety managers hear of every overdue rectification.
        due.recipients = _unique([*due.recipients, *people.managers()])
        yield due


def _to_responsible(key, kind, hazard, today, people, *, event=None, person=None) -> Due:
    """To the responsible person, or, while there is none (or they left), to every active
    safety lead of the hazard's department."""
    person = person or hazard.responsible
    recipients = [person] if person is not None and person.active else people.leads(
        hazard.department_id)
    return Due(key, kind, hazard, recipients, today, event)


def _unique(users: list[User]) -> list[User]:
    return list({user.id: user for user in users}.values())


class _People:
    """Managers and department leads, read once per run."""

    def __init__(self):
        self._managers = None
        self._leads = {}

    def managers(self) -> list[User]:
        if self._managers is None:
            self._managers = list(db.session.scalars(
                select(User).where(User.role == "manager", User.active).order_by(User.id)))
        return list(self._managers)

    def leads(self, department_id: int) -> list[User]:
        if department_id not in self._leads:
            self._leads[department_id] = list(db.session.scalars(
                select(User)
                .where(User.role == "dept_lead", User.active, User.department_id == department_id)
                .order_by(User.id)))
        return list(self._leads[department_id])

    def user(self, user_id) -> User | None:
        return db.session.get(User, user_id) if user_id else None
