"""Schedule pages: adding and changing a location's schedules, and the coverage page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.queries import departments
from app.common import vocab
from app.common.errors import DomainError
from app.common.forms import record_id, refusal, undo_refused
from app.common.permissions import require, sees_all_departments
from app.common.time import local_today
from app.extensions import db
from app.locations.models import Location
from app.locations.queries import get_visible_location
from app.locations.views import show_page
from app.schedules import queries
from app.schedules.forms import ScheduleForm, parse_owner
from app.schedules.models import InspectionSchedule
from app.schedules.periods import label
from app.schedules.services import save_schedule

bp = Blueprint("schedules", __name__)


@bp.get("/coverage")
@require("coverage.view")
def coverage():
    filters = queries.CoverageFilters.from_args(request.args, local_today())
    page = queries.coverage_page(current_user, filters,
                                 request.args.get("page", type=record_id) or 1)
    return render_template(
        "schedules/coverage.html", page=page, filters=filters, period_label=label,
        departments=departments() if sees_all_departments(current_user) else [],
    )


@bp.post("/locations/<code>/schedules")
@require("schedules.manage")
def add(code):
    return _save(get_visible_location(current_user, code), None)


@bp.post("/locations/<code>/schedules/<int:schedule_id>")
@require("schedules.manage")
def edit(code, schedule_id):
    """Change a schedule's frequency, who owes it, or stop it (schedules are never deleted)."""
    location = get_visible_location(current_user, code)
    schedule = db.session.get(InspectionSchedule, schedule_id)
    if schedule is None or schedule.location_id != location.id:
        abort(404)
    return _save(location, schedule)


def _save(location: Location, schedule: InspectionSchedule | None):
    """Save the schedule form; a refusal shows the location page again with the reason beside
    the field and the input kept."""
    form = ScheduleForm()
    form_name = "new" if schedule is None else str(schedule.id)
    was_active = schedule is None or schedule.is_active
    try:
        if not form.validate():
            raise refusal(form)
        department_id, role = parse_owner(form.owner.data)
        saved = save_schedule(
            current_user, location,
            kind=(form.kind.data or "") if schedule is None else schedule.kind,
            frequency=form.frequency.data or "",
            owner_department_id=department_id, owner_role=role,
            is_active=schedule is None or form.is_active.data == "1",
            schedule=schedule,
        )
    except DomainError as e:
        undo_refused()
        return show_page(location, error=e, schedule_form=form_name, status=400)
    db.session.commit()
    kind = vocab.INSPECTION_KINDS[saved.kind]
    if schedule is None:
        flash(_("%(kind)s schedule added.", kind=kind), "success")
    elif saved.is_active or not was_active:
        flash(_("%(kind)s schedule saved.", kind=kind), "success")
    else:
        flash(_("%(kind)s schedule stopped: nothing more is owed until it is made active again.",
                kind=kind), "success")
    return redirect(url_for("locations.show", code=location.code, _anchor="schedules"), 303)
