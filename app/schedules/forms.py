"""The schedule form on a location's page: who owes a schedule, as one select value."""

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField

from app.auth.queries import departments
from app.common import vocab
from app.common.errors import DomainError
from app.common.permissions import ROLES
from app.locations.models import Location
from app.schedules.models import InspectionSchedule
from app.schedules.services import INSPECTING_ROLES


class ScheduleForm(FlaskForm):
    """A schedule added to a place, or changed: its kind (when new), how often, who owes it,
    and whether it is active. The services check the values and say what is wrong."""

    kind = StringField()
    frequency = StringField()
    owner = StringField()
    is_active = StringField()


def schedule_order(schedule: InspectionSchedule):
    """Active schedules first, then in the order of the inspection kinds."""
    return (not schedule.is_active, list(vocab.INSPECTION_KINDS).index(schedule.kind))


def owner_value(department_id: int | None, role: str | None) -> str:
    """Who owes a schedule as one select value: `department:3`, `role:inspector`, or both
    joined by `+`."""
    parts = ([f"department:{department_id}"] if department_id else []) + \
        ([f"role:{role}"] if role else [])
    return "+".join(parts)


def parse_owner(value: str | None) -> tuple[int | None, str | None]:
    """The (department id, role) an owner select value names; DomainError when garbled."""
    department_id = role = None
    for part in (value or "").split("+"):
        name, _sep, code = part.partition(":")
        if name == "department" and code.isascii() and code.isdigit() and len(code) < 10 \
                and department_id is None:
            department_id = int(code)
        elif name == "role" and code and role is None:
            role = code
        elif part:
            raise DomainError(_("Choose who owes it from the list."), "owner")
    return department_id, role


def owner_choices(location: Location) -> list[tuple[str, str]]:
    """Roles first (patrol by the inspectors, leadership by the managers), then departments;
    a schedule's own owner is offered even when its department is no longer active."""
    pairs = [(owner_value(None, role), str(vocab.ROLE_LABELS[role]))
             for role in ROLES if role in INSPECTING_ROLES]
    pairs += [(owner_value(d.id, None), f"{d.code} · {d.name}") for d in departments()]
    offered = {value for value, _label in pairs}
    for schedule in location.schedules:
        value = owner_value(schedule.owner_department_id, schedule.owner_role)
        if value not in offered:
            names = [schedule.owner_department.name if schedule.owner_department else None,
                     vocab.ROLE_LABELS[schedule.owner_role] if schedule.owner_role else None]
            pairs.append((value, " · ".join(str(n) for n in names if n)))
            offered.add(value)
    return pairs
