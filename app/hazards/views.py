"""Hazard pages: the lists, the card (一患一卡) with its actions, its print view, direct reports."""

import uuid

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from app.auth.models import Department
from app.common import qr
from app.common.errors import DomainError
from app.common.forms import record_id, refusal, safe_next, undo_refused
from app.common.permissions import require
from app.common.time import local_today, utcnow
from app.common.urls import public_url
from app.extensions import db
from app.hazards import escalation, queries, workflow
from app.hazards.forms import (
    AmendForm,
    DecisionForm,
    ExtensionForm,
    MoveForm,
    MovePhotos,
    PlanForm,
    ReassignForm,
    ReportForm,
    move_form_key,
    parse_date,
    parse_funds,
    parse_photos,
    responsible_from,
)
from app.hazards.models import DeadlineExtension
from app.inspections.services import may_inspect
from app.locations.models import Location
from app.photos.pipeline import Watermark
from app.photos.services import save_photo
from app.photos.watermark import watermark_for

bp = Blueprint("hazards", __name__, url_prefix="/hazards")

def live_card_url(number: str) -> str:
    return public_url(url_for("hazards.show", number=number))


def _watermark(location: Location) -> Watermark:
    return watermark_for(location, current_user, utcnow())


@bp.get("/")
@require("hazards.view")
def index():
    filters = queries.HazardFilters.from_args(request.args)
    today = local_today()
    return render_template("hazards/index.html", filters=filters, today=today,
                           page=queries.hazard_page(current_user, filters, today),
                           **queries.filter_choices())


@bp.get("/mine")
@require("hazards.view")
def mine():
    page = queries.my_work_page(current_user, request.args.get("page", type=record_id) or 1)
    return render_template("hazards/mine.html", page=page, today=local_today())


def render_card(number: str, *, error: DomainError | None = None, action: str | None = None,
                kept=(), status: int = 200):
    """The card page; after a refused action, with its reason and the input kept."""
    hazard, card = queries.get_visible_card(current_user, number)
    pending = next((e for e in card.extensions if e.status == "pending"), None)
    return render_template(
        "hazards/show.html", hazard=hazard, card=card, today=local_today(), workflow=workflow,
        moves=workflow.allowed_moves(hazard, current_user), pending=pending,
        may_plan=workflow.may_plan(hazard, current_user),
        may_extend=pending is None and workflow.may_request_extension(hazard, current_user),
        may_decide=pending is not None and workflow.may_decide_extension(hazard, current_user),
        may_amend=workflow.may_amend(hazard, current_user),
        may_reassign=workflow.may_reassign(hazard, current_user),
        reassign=queries.reassign_choices() if workflow.may_reassign(hazard, current_user)
        else None,
        escalated=escalation.escalation_of(hazard), names=queries.EventNames(hazard.events),
        candidates=queries.responsible_candidates(hazard) if hazard.status == "reported" else [],
        complete=workflow.is_complete_commitments(hazard),
        error=error, action=action, values=request.form if error else {}, kept=kept,
    ), status


def _refused(number: str, error: DomainError, action: str, kept=()):
    undo_refused()
    # A wrong or missing input is the person's to fix (400); who is asking, 403; otherwise
    # the card's state refused it (409).
    status = 400 if error.field else 403 if error.forbidden else 409
    return render_card(number, error=error, action=action, kept=kept, status=status)


@bp.get("/<number>")
@require("hazards.view")
def show(number):
    return render_card(number)


@bp.post("/<number>/moves/<action>")
@require("inspections.perform")
def move(number, action):
    """One workflow move, as its own POST button with its own form."""
    if action not in workflow.MOVES:
        abort(404)
    hazard = queries.get_visible_hazard(current_user, number, for_update=True)
    try:  # refused before any photo is read or stored
        workflow.check_move(hazard, action, current_user)
    except DomainError as e:
        return _refused(number, e, action)
    form = MoveForm()
    key = move_form_key(current_user.id, hazard.id, action)
    photos = (parse_photos(request.form, request.files, _watermark(hazard.location), key)
              if workflow.takes_after_photos(action) else MovePhotos())
    try:
        if photos.error:
            raise DomainError(photos.error, "photos")
        if not form.validate():
            raise refusal(form)
        responsible = deadline_on = None
        if action == "assign":
            responsible = responsible_from(form.responsible_id.data)
            deadline_on = parse_date(form.deadline_on.data, "deadline_on")
        workflow.apply(
            hazard, action, actor=current_user, note=form.note.data or "",
            responsible=responsible, deadline_on=deadline_on, reason=form.reason.data,
            photos=[save_photo(p, current_user) for p in photos.photos])
    except DomainError as e:
        # Keep the photos only when the person can fix the form and send it again.
        kept = photos.keep(key) if e.field else ()
        return _refused(number, e, action, kept)
    db.session.commit()
    flash(_("%(number)s: %(action)s.", number=number, action=workflow.MOVES[action].label),
          "success")
    return redirect(safe_next(form.next.data) or url_for(".show", number=number), 303)


@bp.post("/<number>/plan")
@require("hazards.rectify")
def plan(number):
    """The rectification plan: the five commitments' fields and the interim controls."""
    hazard = queries.get_visible_hazard(current_user, number, for_update=True)
    form = PlanForm()
    try:
        if not form.validate():
            raise refusal(form)
        workflow.plan(hazard, actor=current_user, measures=form.measures.data or "",
                      funds_yuan=parse_funds(form.funds_yuan.data),
                      contingency_plan=form.contingency_plan.data or "",
                      interim_controls=form.interim_controls.data or "")
    except DomainError as e:
        return _refused(number, e, "plan")
    db.session.commit()
    flash(_("The rectification plan is saved."), "success")
    return redirect(url_for(".show", number=number), 303)


@bp.post("/<number>/extensions")
@require("hazards.rectify")
def request_extension(number):
    hazard = queries.get_visible_hazard(current_user, number, for_update=True)
    form = ExtensionForm()
    try:
        if not form.validate():
            raise refusal(form)
        workflow.request_extension(
            hazard, actor=current_user,
            deadline_on=parse_date(form.deadline_on.data, "deadline_on"),
            reason=form.reason.data or "")
    except DomainError as e:
        return _refused(number, e, "extend")
    db.session.commit()
    flash(_("The extension request is sent to the safety managers."), "success")
    return redirect(url_for(".show", number=number), 303)


@bp.post("/<number>/extensions/<int:extension_id>")
@require("hazards.manage")
def decide_extension(number, extension_id):
    hazard = queries.get_visible_hazard(current_user, number, for_update=True)
    extension = db.session.get(DeadlineExtension, extension_id)
    if extension is None or extension.hazard_id != hazard.id:
        abort(404)
    form = DecisionForm()
    decision = form.decision.data
    if decision not in ("approve", "refuse"):
        abort(400)
    try:
        if not form.validate():
            raise refusal(form)
        workflow.decide_extension(extension, actor=current_user, approve=decision == "approve",
                                  note=form.note.data or "")
    except DomainError as e:
        return _refused(number, e, "decide")
    db.session.commit()
    flash(_("Extension approved: the new deadline is %(day)s.",
            day=extension.requested_deadline_on.isoformat()) if decision == "approve"
          else _("Extension refused: the deadline stays."), "success")
    return redirect(url_for(".show", number=number), 303)


@bp.post("/<number>/reassign")
@require("hazards.manage")
def reassign(number):
    """改派: another department or person answers for the open card, with a reason."""
    hazard = queries.get_visible_hazard(current_user, number, for_update=True)
    form = ReassignForm()
    try:
        if not form.validate():
            raise refusal(form)
        text = (form.department_id.data or "").strip()
        department = (db.session.get(Department, int(text))
                      if text.isascii() and text.isdigit() and len(text) < 10 else None)
        if department is None:
            raise DomainError(_("Choose a department from the list."), "department_id")
        workflow.reassign(hazard, actor=current_user, department=department,
                          responsible=responsible_from(form.responsible_id.data),
                          reason=form.reason.data or "")
    except DomainError as e:
        return _refused(number, e, "reassign")
    db.session.commit()
    flash(_("%(number)s reassigned to %(department)s.", number=number,
            department=hazard.department.name), "success")
    return redirect(url_for(".show", number=number), 303)


@bp.post("/<number>/amend")
@require("inspections.perform")
def amend(number):
    """The finder corrects level and description while the card is still only reported."""
    hazard = queries.get_visible_hazard(current_user, number, for_update=True)
    form = AmendForm()
    try:
        if not form.validate():
            raise refusal(form)
        workflow.amend(hazard, actor=current_user, level=form.level.data or "",
                       description=form.description.data or "")
    except DomainError as e:
        return _refused(number, e, "amend")
    db.session.commit()
    flash(_("Card %(number)s saved.", number=hazard.number), "success")
    return redirect(safe_next(form.next.data) or url_for(".show", number=number), 303)


@bp.get("/<number>/print")
@require("hazards.view")
def print_card(number):
    """The card to post at the hazard, A4 or A5, with a QR code to the live card."""
    hazard, card = queries.get_visible_card(current_user, number)
    size = "A5" if request.args.get("size", "").upper() == "A5" else "A4"
    url = live_card_url(number)
    return render_template("hazards/print.html", hazard=hazard, card=card, size=size,
                           today=local_today(), url=url,
                           code=Markup(qr.qr_svg(url, hazard.number)),
                           complete=workflow.is_complete_commitments(hazard))


@bp.route("/new", methods=["GET", "POST"])
@require("inspections.perform")
def new():
    """Report a hazard straight from a phone, without a checklist, with its photos."""
    location = db.session.scalar(select(Location).where(
        Location.code == request.values.get("location", ""), Location.is_active))
    if location is None or not may_inspect(current_user, location):
        return render_template("hazards/choose_location.html",
                               locations=_reportable_locations()), 200 if request.method == "GET" \
            else 400
    if request.method == "GET":
        return render_template("hazards/new.html", location=location, values={}, kept={},
                               error=None, form_id=uuid.uuid4().hex)
    return _report(location)


def _reportable_locations() -> list[Location]:
    query = select(Location).where(Location.is_active).order_by(Location.code)
    return [loc for loc in db.session.scalars(query) if may_inspect(current_user, loc)]


def _report(location: Location):
    form, watermark = ReportForm(), _watermark(location)
    fixed = form.fixed_on_site.data == "1"
    key = move_form_key(current_user.id, location.id,
                        "report:" + (form.form_id.data or "")[:40])
    before = parse_photos(request.form, request.files, watermark, key, field="photos",
                          kept="kept")
    after = (parse_photos(request.form, request.files, watermark, key, field="after_photos",
                          kept="kept_after") if fixed else MovePhotos())
    try:
        if before.error or after.error:
            raise DomainError(before.error or after.error, "photos")
        if not before.photos:
            raise DomainError(_("Add at least one photo of the hazard."), "photos")
        if not form.validate():
            raise refusal(form)
        level = form.level.data or ""
        if fixed and level != "general":
            raise DomainError(_("Only a general hazard can be closed as rectified on the spot."),
                              "level")
        hazard = workflow.report(
            current_user, location=location, level=level, description=form.description.data or "",
            category=form.category.data or "",
            photos=[save_photo(p, current_user) for p in before.photos])
        if fixed:
            workflow.apply(hazard, "fix_on_site", actor=current_user,
                           note=form.fix_note.data or "",
                           photos=[save_photo(p, current_user) for p in after.photos])
    except DomainError as e:
        undo_refused()
        kept = {"photos": before.keep(key), "after": after.keep(key)}
        return render_template("hazards/new.html", location=location, values=request.form,
                               kept=kept,
                               error=e, form_id=uuid.uuid4().hex), 400
    db.session.commit()
    flash(_("Card %(number)s opened.", number=hazard.number), "success")
    return redirect(url_for(".show", number=hazard.number), 303)

