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
    if kind not in INSPECTION_KINDS:
        raise DomainError(_("Choose an inspection kind from the list."), "kind")
    if frequency not in FREQUENCIES:
        raise DomainError(_("Choose how often: each shift, daily, weekly, monthly or quarterly."),
                          "frequency")
    if owner_role is not None and owner_role not in ROLES:
        raise DomainError(_("Choose who owes it from the list."), "owner")
    if owner_role is not None and owner_role not in INSPECTING_ROLES:
        raise DomainError(_("%(role)s cannot inspect: choose a role that does, or a department.",
                            role=ROLE_LABELS[owner_role]), "owner")
    if owner_department_id is not None:
        department = db.session.get(Department, owner_department_id)
        keeps_own = schedule is not None and schedule.owner_department_id == owner_department_id
        if department is None or not (department.is_active or keeps_own):
            raise DomainError(_("Choose who owes it from the list."), "owner")
    if owner_department_id is None and owner_role is None:
        raise DomainError(_("Say who owes it: a department or a role."), "owner")
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

    creating = schedule is None
    if creating:
        schedule = InspectionSchedule(location=location, created_at=now)
        db.session.add(schedule)
        before = None
    else:
        before = {name: getattr(schedule, name) for name in AUDITED}
        restarts = (kind != schedule.kind or frequency != schedule.frequency
                    or (is_active and not schedule.is_active))
        if restarts:
            schedule.created_at = now
    schedule.kind = kind
    schedule.frequency = frequency
    schedule.owner_department_id = owner_department_id
    schedule.owner_role = owner_role
    schedule.is_active = bool(is_active)
    after = {name: getattr(schedule, name) for name in AUDITED}
    if before == after:
        return schedule
    db.session.flush()
    details = {"location": location.code, "after": after}
    if before is not None:
        details["before"] = before
    record(actor, "schedule.create" if creating else "schedule.update", schedule, details)
    db.session.flush()
    return schedule
