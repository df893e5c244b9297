"""The checklist an inspector fills in, its submission, and the inspection pages."""

import uuid as uuidlib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import undo_refused
from app.common.permissions import require
from app.common.time import utcnow
from app.common.vocab import INSPECTION_KINDS
from app.extensions import db
from app.hazards import workflow
from app.inspections import queries, services
from app.inspections.forms import ChecklistForm, form_key, parse_checklist, parse_device_time
from app.photos.watermark import watermark_for

bp = Blueprint("inspections", __name__)

@bp.route("/locations/<code>/inspect", methods=["GET", "POST"])
@require("inspections.perform")
def checklist(code):
    location = queries.get_inspectable_location(current_user, code)
    kind = request.values.get("kind") or services.default_kind(current_user)
    if kind not in INSPECTION_KINDS:
        kind = services.default_kind(current_user)
    form = ChecklistForm()
    try:
        if request.method == "GET":
            version = services.serve_checklist(location, utcnow())
        else:
            version = services.version_for(location, form.version_id.data)
    except DomainError as e:
        return render_template("inspections/no_checklist.html", location=location,
                               error=e), 409
    if request.method == "GET":
        page = render_template("inspections/checklist.html", location=location,
                               version=version, kind=kind, uuid=str(uuidlib.uuid4()),
                               started_at=utcnow().isoformat() + "Z", answers={}, errors={},
                               kept={}, fresh=True)
        # Rendered first: a commit expires every loaded row, and the page would load the
        # user, the place and the version again (3 of a scan's 10 statements).
        db.session.commit()  # the version served is frozen
        return page
    return _submit(location, version, kind, form)


def _submit(location, version, kind, form: ChecklistForm):
    uuid = form.uuid.data or ""
    try:
        uuid = str(uuidlib.UUID(uuid))
    except ValueError:
        abort(400)
    try:
        previous = services.repeated_submission(uuid, current_user, location)
    except DomainError as e:  # nothing of this form can be stored under its UUID
        return render_template("inspections/checklist.html", location=location,
                               version=version, kind=kind, uuid=uuid,
                               started_at=form.started_at.data or "", answers={},
                               errors={}, kept={}, error=e.message,
                               note=form.note.data or "", fresh=False), 400
    if previous is not None:
        return redirect(url_for(".show", inspection_id=previous.id), 303)
    now = utcnow()
    watermark = watermark_for(location, current_user, now)
    parsed = parse_checklist(version, request.form, request.files, watermark,
                             key=form_key(current_user.id, location.id, uuid))
    if form.action.data == "all_pass":
        # Filled in and shown again with what is still missing; only Submit stores it.
        allowed = version.template.allows_quick_pass(kind)
        summary = services.fill_all_pass(version, parsed.answers) if allowed else None
        error = None if allowed else _("This kind of inspection has no “all remaining pass”: "
                                       "answer each item.")
        return render_template("inspections/checklist.html", location=location,
                               version=version, kind=kind, uuid=uuid,
                               started_at=form.started_at.data or "", answers=parsed.answers,
                               errors=parsed.errors, kept=parsed.keep_photos(),
                               summary=summary, error=error, note=form.note.data or "",
                               fresh=False), 200 if allowed else 400
    errors, error = dict(parsed.errors), None
    if form.validate() and not errors:
        try:
            inspection, created = services.submit_inspection(
                current_user, location=location, version=version, kind=kind, uuid=uuid,
                answers=parsed.answers, note=form.note.data or "",
                started_at=parse_device_time(form.started_at.data),
                submitted_at=parse_device_time(form.submitted_at.data), now=now)
        except services.AnswerErrors as e:
            undo_refused()
            errors, error = e.by_item, e.message
        except DomainError as e:
            undo_refused()
            error = e.message
        else:
            db.session.commit()
            if created:
                raised = sum(1 for r in inspection.results if r.outcome == "fail")
                flash(_("Inspection submitted. %(n)d hazard cards were opened; check them "
                        "below.", n=raised) if raised else _("Inspection submitted: all clear."),
                      "success")
            return redirect(url_for(".show", inspection_id=inspection.id), 303)
    error = error or _("Some items need your attention; see the messages beside them.")
    return render_template("inspections/checklist.html", location=location, version=version,
                           kind=kind, uuid=uuid, started_at=form.started_at.data or "",
                           answers=parsed.answers, errors=errors, kept=parsed.keep_photos(),
                           error=error, note=form.note.data or "", note_errors=form.note.errors,
                           fresh=False), 400


@bp.get("/inspections/<int:inspection_id>")
@require("inspections.view")
def show(inspection_id):
    inspection = queries.get_visible_inspection(current_user, inspection_id)
    return render_template("inspections/show.html", inspection=inspection,
                           hazards=queries.hazards_of(inspection), workflow=workflow)


@bp.get("/inspections")
@require("inspections.view")
def index():
    filters = queries.InspectionFilters.from_args(request.args)
    page = queries.inspection_page(current_user, filters)
    return render_template("inspections/index.html", page=page, filters=filters,
                           **queries.filter_choices())
