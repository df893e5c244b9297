"""Shared reads of hazards."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.common.permissions import scope_to_department
from app.common.vocab import OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards.models import Hazard


def hazard_counts(user, today: date) -> dict[str, int]:
    """Open and overdue hazards the user can see."""
    base = scope_to_department(select(func.count()).select_from(Hazard), user,
                               Hazard.department_id)
    return {
        "open": db.session.scalar(base.where(Hazard.status.in_(OPEN_HAZARD_STATUSES))),
        "overdue": db.session.scalar(base.where(Hazard.is_overdue(today))),
    }


def open_hazards(user, *, location=None, limit: int = 10) -> list[Hazard]:
    """Open hazards the user can see, soonest deadline first."""
    query = (
        select(Hazard)
        .where(Hazard.status.in_(OPEN_HAZARD_STATUSES))
        .options(joinedload(Hazard.location), joinedload(Hazard.department))
        .order_by(Hazard.deadline_on.is_(None), Hazard.deadline_on, Hazard.id)
        .limit(limit)
    )
    if location is not None:
        query = query.where(Hazard.location_id == location.id)
    return list(db.session.scalars(scope_to_department(query, user, Hazard.department_id)))


def is_complete_commitments(hazard: Hazard) -> bool:
    """五落实: measures, responsible person, funds, deadline and contingency plan all filled."""
    return all((
        (hazard.measures or "").strip(),
        hazard.responsible_id or hazard.responsible,
        hazard.funds_yuan is not None,
        hazard.deadline_on,
        (hazard.contingency_plan or "").strip(),
    ))
