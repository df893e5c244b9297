"""Adding and changing inspection schedules; a schedule is stopped, never deleted."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.models import Department
from app.common.errors import DomainError
from app.common.permissions import PERMISSIONS, ROLES
from app.common.time import utcnow
from app.common.vocab import FREQUENCIES, INSPECTION_KINDS, ROLE_LABELS
from app.extensions import db
from app.locations.models import Location
from app.schedules.models import InspectionSchedule

# A schedule owed by a role that may not fill in a checklist could never be done.
INSPECTING_ROLES = PERMISSIONS["inspections.perform"]
AUDITED = ("kind", "frequency", "owner_department_id", "owner_role", "is_active")


def save_schedule(actor, location: Location, *, kind: str, frequency: str,
                  owner_department_id: int | None, owner_role: str | None,
                  is_active: bool = True, schedule: InspectionSchedule | None = None,
                  now: datetime | None = None) -> InspectionSchedule:
    """Add (schedule None) or change a location's schedule of one inspection kind.

    Refusals name the form field at fault: `kind`, `frequency` or `owner` (who owes it: a
    department, a role, or both).

    A changed kind or frequency restarts the schedule: `created_at` becomes now, so the
    periods before the change are not owed at all rather than judged by a frequency they did
    not have (a weekly place made daily is not missed for every day of the past week).
    Reactivating a stopped schedule restarts it too: nothing was owed while it was stopped.
    Changing who owes it, or stopping it, keeps its history.
    """
    now = now or utcnow()
    owner_role = owner_role or None
    _check_kind_and_frequency(kind, frequency)
    _check_owner(owner_department_id, owner_role, schedule)
    _check_no_other_of_kind(location, kind, schedule)

    creating = schedule is None
    if creating:
        schedule = InspectionSchedule(location=location, created_at=now)
        db.session.add(schedule)
        before = None
    else:
        before = _audited(schedule)
        if _restarts(schedule, kind, frequency, is_active):
            schedule.created_at = now
    schedule.kind = kind
    schedule.frequency = frequency
    schedule.owner_department_id = owner_department_id
    schedule.owner_role = owner_role
    schedule.is_active = bool(is_active)
    after = _audited(schedule)
    if before != after:
        _record_change(actor, location, schedule, before, after)
    return schedule


def _check_kind_and_frequency(kind: str, frequency: str) -> None:
    if kind not in INSPECTION_KINDS:
        raise DomainError(_("Choose an inspection kind from the list."), "kind")
    if frequency not in FREQUENCIES:
        raise DomainError(_("Choose how often: each shift, daily, weekly, monthly or quarterly."),
                          "frequency")


def _check_owner(department_id: int | None, role: str | None,
                 schedule: InspectionSchedule | None) -> None:
    """A department, a role that inspects, or both."""
    if role is not None:
        _check_owner_role(role)
    if department_id is not None:
        _check_owner_department(department_id, schedule)
    if department_id is None and role is None:
        raise DomainError(_("Say who owes it: a department or a role."), "owner")


def _check_owner_role(role: str) -> None:
    if role not in ROLES:
        raise DomainError(_("Choose who owes it from the list."), "owner")
    if role not in INSPECTING_ROLES:
        raise DomainError(_("%(role)s cannot inspect: choose a role that does, or a department.",
                            role=ROLE_LABELS[role]), "owner")


def _check_owner_department(department_id: int, schedule: InspectionSchedule | None) -> None:
    """An active department; a schedule may keep its own after the department was stopped."""
    department = db.session.get(Department, department_id)
    keeps_own = schedule is not None and schedule.owner_department_id == department_id
    if department is None or not (department.is_active or keeps_own):
        raise DomainError(_("Choose who owes it from the list."), "owner")


def _check_no_other_of_kind(location: Location, kind: str,
                            schedule: InspectionSchedule | None) -> None:
    """One schedule per location and kind, active or stopped."""
    same_kind = select(InspectionSchedule).where(InspectionSchedule.location_id == location.id,
                                                 InspectionSchedule.kind == kind)
    if schedule is not None:
        same_kind = same_kind.where(InspectionSchedule.id != schedule.id)
    existing = db.session.scalar(same_kind)
    if existing is not None and existing.is_active:
        raise DomainError(_("%(code)s already has a %(kind)s schedule: change that one instead.",
                            code=location.code, kind=INSPECTION_KINDS[kind]), "kind")
    if existing is not None:
        raise DomainError(
            _("%(code)s has a stopped %(kind)s schedule: make it active again and change it "
              "instead.", code=location.code, kind=INSPECTION_KINDS[kind]), "kind")


def _restarts(schedule: InspectionSchedule, kind: str, frequency: str, is_active: bool) -> bool:
    """A changed kind or frequency, or a stopped schedule made active again."""
    return (kind != schedule.kind or frequency != schedule.frequency
            or (is_active and not schedule.is_active))


def _audited(schedule: InspectionSchedule) -> dict:
    return {name: getattr(schedule, name) for name in AUDITED}


def _record_change(actor, location: Location, schedule: InspectionSchedule,
                   before: dict | None, after: dict) -> None:
    db.session.flush()
    details = {"location": location.code, "after": after}
    if before is not None:
        details["before"] = before
    record(actor, "schedule.create" if before is None else "schedule.update", schedule, details)
    db.session.flush()
