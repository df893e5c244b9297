"""The demo's escalation ladder (督办): a reassigned card with its reason, long-overdue cards
supervised by the hospital leadership (the demo's 陈院长), and a manager taking the digest."""

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from app.auth.models import Department, User
from app.common.time import local_day_start, local_today
from app.extensions import db
from app.hazards import escalation, workflow
from app.hazards.models import Hazard, HazardEvent
from app.settings import store
from app.settings.models import Setting

REASON = "漏水点在设备层管道内，属设备科维修范围，改由设备科整改。"
TO_DEPARTMENT = "SBK"  # 设备科


def make(now: datetime, log) -> None:
    """Add what of the ladder's demo is missing (nothing when it is all there)."""
    viewer = db.session.scalar(select(User).where(User.username == "viewer"))
    if viewer is not None and db.session.get(Setting, escalation.LEADERS_KEY) is None:
        store.write(escalation.LEADERS_KEY, [viewer.id], None)
        log(f"Escalation: hospital leadership is {viewer.full_name}.")
    digest_taker = db.session.scalar(select(User).where(User.username == "manager2"))
    if digest_taker is not None and not digest_taker.daily_digest:
        digest_taker.daily_digest = True
    manager = db.session.scalar(select(User).where(User.username == "manager"))
    if manager is not None and not db.session.scalar(
            select(exists().where(HazardEvent.action == "reassign"))):
        _reassign_one(manager, now, log)
    _supervise_long_overdue(now, log)


def _reassign_one(manager: User, now: datetime, log) -> None:
    department = db.session.scalar(select(Department).where(Department.code == TO_DEPARTMENT))
    hazard = db.session.scalar(
        select(Hazard).where(Hazard.status.in_(("assigned", "rectifying")),
                             Hazard.department_id != department.id, Hazard.level == "general")
        .order_by(Hazard.found_at.desc()))
    if hazard is None:
        return
    lead = db.session.scalar(select(User).where(User.role == "dept_lead", User.active,
                                                User.department_id == department.id))
    at = max(now - timedelta(hours=20), hazard.events[-1].at + timedelta(minutes=1))
    workflow.reassign(hazard, actor=manager, department=department, responsible=lead,
                      reason=REASON, at=min(at, now))
    log(f"Reassigned {hazard.number} to {department.name_zh}.")


def _supervise_long_overdue(now: datetime, log) -> None:
    """What `flask notify` would have done: each card at the ladder's top is supervised from
    the morning it reached it."""
    last = escalation.escalation_days()[-1]
    marked = []
    for hazard, late in escalation.cards_to_supervise(local_today(now)):
        reached = local_day_start(hazard.deadline_on + timedelta(days=last)) + timedelta(hours=9)
        at = min(max(reached, hazard.events[-1].at + timedelta(minutes=1)), now)
        workflow.supervise(hazard, at=at, days_overdue=late)
        marked.append(hazard.number)
    if marked:
        log(f"Supervised (督办): {len(marked)} cards overdue {last} days or more.")
