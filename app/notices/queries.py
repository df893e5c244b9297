"""What is due to be told, and to whom: the notice rules, read from hazards and their events.

Nothing here sends or records anything; `due_notices(now)` answers the same for the same
database and `now`, and the Notice table (services.py) decides what already went out.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.common.permissions import PERMISSIONS
from app.common.time import local_today, to_local
from app.common.vocab import OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards import escalation
from app.hazards.models import Hazard, HazardEvent

# In the order a run sends them: nothing major waits behind a routine reminder.
KINDS = ("major_reported", "overdue", "reassigned_to", "reassigned_from", "rejected",
         "reopened", "assigned", "due_soon", "digest")
# A deadline this many days ahead (counted in the hospital's calendar) is near.
DUE_SOON_DAYS = 2
# The statuses in which the department does the work a deadline is about.
WORK_STATUSES = ("assigned", "rectifying")
EVENT_ACTIONS = ("report", "amend", "assign", "reject", "reopen", "reassign")
# Who may take the daily digest: those who manage hazards (hazards.manage).
DIGEST_ROLES = tuple(sorted(PERMISSIONS["hazards.manage"]))
# Per-card messages a manager who takes the daily digest no longer gets: the digest lists them.
# The ladder's top step is not one of them: the day a card goes to the hospital's leadership
# (督办) is told on its own to everyone it reaches, digest or not.
DIGESTED_KINDS = ("overdue", "due_soon")


@dataclass
class Due:
    """One notice due about one hazard: who is told, and what the message is about."""

    key: str
    kind: str
    hazard: Hazard | None  # None for the daily digest
    recipients: list[User]
    today: date
    event: HazardEvent | None = None
    step: int = 0  # an overdue notice's step on the escalation ladder (1 to 3)
    # The daily digest's cards: (hazard, days overdue or None when only due soon).
    items: list[tuple[Hazard, int | None]] = field(default_factory=list)
    # Recipients left out because they take the daily digest instead.
    digested: list[User] = field(default_factory=list)

    @property
    def is_unaddressed(self) -> bool:
        """Nobody to tell: no responsible person, no active safety lead (or no manager)."""
        return not self.recipients and not self.digested

    @property
    def number(self) -> str:
        return self.hazard.number if self.hazard is not None else ""


def due_notices(now: datetime) -> list[Due]:
    """Every notice the rules call for at `now` (naive UTC), sent or not, in sending order."""
    today = local_today(now)
    since = now - timedelta(hours=current_app.config["NOTIFY_LOOKBACK_HOURS"])
    people = _People()
    found: dict[str, Due] = {}
    for due in (*_from_events(since, now, today, people), *_from_deadlines(since, today, people),
                *_digests(now, today, people)):
        found.setdefault(due.key, due)
    digest_takers = {user.id for user in people.digest_takers()}
    for due in found.values():
        if due.kind in DIGESTED_KINDS and due.step != escalation.STEPS[-1]:
            due.digested = [user for user in due.recipients if user.id in digest_takers]
            due.recipients = [user for user in due.recipients if user.id not in digest_takers]
    return sorted(found.values(), key=lambda due: (
        KINDS.index(due.kind), due.hazard.id if due.hazard else 0, due.step, due.key))


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
        elif event.action == "reassign":
            yield from _reassigned(event, hazard, today, people)
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


def _reassigned(event, hazard, today, people):
    """改派: the new responsible person (or department) is told, and so is the old one."""
    old_department, new_department = event.data["department_id"]
    old_person, new_person = (people.user(i) for i in event.data["responsible_id"])
    to = _responsible_or_leads(new_person, new_department, people)
    told = {user.id for user in to}
    before = [user for user in _responsible_or_leads(old_person, old_department, people)
              if user.id not in told]
    yield Due(f"reassigned_to:{event.id}", "reassigned_to", hazard, to, today, event)
    if before:
        yield Due(f"reassigned_from:{event.id}", "reassigned_from", hazard, before, today, event)


def _responsible_or_leads(person, department_id, people) -> list[User]:
    return [person] if person is not None and person.active else people.leads(department_id)


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
    yield from _ladder(since, today, people)


def _ladder(since, today, people):
    """The escalation ladder (督办): each step once per deadline, to more people each time.

    A step is sent when its day came within the lookback; steps reached earlier were told
    about before (or predate notices, and stand on the wall screen)."""
    days = escalation.escalation_days()
    first_day = local_today(since)
    overdue = db.session.scalars(
        select(Hazard)
        .where(Hazard.is_overdue(today),
               Hazard.deadline_on >= first_day - timedelta(days=days[-1]))
        .order_by(Hazard.id)
    )
    for hazard in overdue:
        deadline = hazard.deadline_on
        for step, day in zip(escalation.STEPS, days, strict=True):
            reached_on = deadline + timedelta(days=day)
            if reached_on > today or reached_on < first_day:
                continue
            # Step 1 keeps the key the single overdue notice had, so an upgrade resends nothing.
            key = f"overdue:{hazard.id}:{deadline.isoformat()}" + (f":{step}" if step > 1 else "")
            yield Due(key, "overdue", hazard, _ladder_recipients(hazard, step, people), today,
                      step=step)


def _ladder_recipients(hazard, step, people) -> list[User]:
    """Step 1: the responsible person and the department's safety leads (the managers when
    the department has nobody); step 2 adds the safety managers; step 3 the leadership."""
    person = hazard.responsible
    recipients = _unique([*([person] if person is not None and person.active else []),
                          *people.leads(hazard.department_id)]) or people.managers()
    if step >= 2:
        recipients = _unique([*recipients, *people.managers()])
    if step >= 3:
        recipients = _unique([*recipients, *people.leaders()])
    return recipients


def _digests(now, today, people):
    """One daily digest per manager who chose it: every card overdue or due within two days,
    from the digest hour on (once per local day)."""
    takers = people.digest_takers()
    if not takers or to_local(now).hour < escalation.digest_hour():
        return
    cards = db.session.scalars(
        select(Hazard)
        .where(Hazard.is_overdue(today) | (
            Hazard.status.in_(WORK_STATUSES)
            & Hazard.deadline_on.between(today, today + timedelta(days=DUE_SOON_DAYS))))
        .order_by(Hazard.deadline_on, Hazard.id)
    ).all()
    if not cards:
        return
    items = [(hazard, (today - hazard.deadline_on).days if hazard.is_overdue(today) else None)
             for hazard in cards]
    for user in takers:
        yield Due(f"digest:{user.id}:{today.isoformat()}", "digest", None, [user], today,
                  items=items)


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

    def leaders(self) -> list[User]:
        if not hasattr(self, "_leaders"):
            self._leaders = escalation.leaders()
        return list(self._leaders)

    def digest_takers(self) -> list[User]:
        """Managers who chose one daily digest instead of a message per card."""
        if not hasattr(self, "_digest_takers"):
            self._digest_takers = list(db.session.scalars(
                select(User).where(User.daily_digest, User.active,
                                   User.role.in_(DIGEST_ROLES)).order_by(User.id)))
        return list(self._digest_takers)

    def user(self, user_id) -> User | None:
        return db.session.get(User, user_id) if user_id else None
