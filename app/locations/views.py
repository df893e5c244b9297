"""Location pages: browse, show (with its schedules), open by QR, labels, and the
administrator's editing."""

import hashlib

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.auth.queries import departments
from app.common import qr
from app.common.errors import DomainError
from app.common.forms import form_status, record_id, show_domain_error
from app.common.permissions import can, require
from app.common.time import local_today
from app.common.urls import public_url
from app.extensions import db
from app.hazards.queries import open_hazards
from app.inspections.queries import recent_inspections
from app.inspections.services import default_kind, may_inspect, scan_opens_checklist
from app.locations import services
from app.locations.forms import LocationForm
from app.locations.models import Location
from app.locations.queries import (
    get_visible_location,
    list_locations,
    location_by_token,
    location_types,
)
from app.schedules.forms import owner_choices, owner_value, schedule_order

bp = Blueprint("locations", __name__)


@bp.get("/locations")
@require("locations.view")
def index():
    filters = {
        "department_id": request.args.get("department", type=record_id),
        "location_type_id": request.args.get("type", type=record_id),
        "search": request.args.get("q", "").strip()[:60] or None,
    }
    return render_template(
        "locations/index.html",
        locations=list_locations(**filters),
        departments=departments(),
        types=location_types(),
        filters=filters,
    )


@bp.get("/locations/<code>")
@require("locations.view")
def show(code):
    return show_page(get_visible_location(current_user, code))


def show_page(location: Location, *, error: DomainError | None = None,
              schedule_form: str | None = None, status: int = 200):
    """The location page; after a refused schedule form (`new` or a schedule's id), with its
    reason beside the field and the input kept."""
    may_manage = can(current_user, "schedules.manage")
    return render_template(
        "locations/show.html",
        location=location,
        hazards=open_hazards(current_user, location=location, limit=20),
        inspections=recent_inspections(current_user, location=location, limit=5),
        today=local_today(),
        start_kind=default_kind(current_user),
        may_inspect=may_inspect,
        schedules=sorted(location.schedules, key=schedule_order),
        owner_choices=owner_choices(location) if may_manage else [], owner_value=owner_value,
        error=error, schedule_form=schedule_form,
        values=request.form if error else {},
    ), status


def scan_url(location: Location) -> str:
    """The address a label encodes: the hospital's public base URL and the location's token."""
    return public_url(url_for("locations.scan", token=location.qr_token))


@bp.get("/locations/<code>/label.<any(png, svg):fmt>")
@require("labels.print")
def label(code, fmt):
    location = get_visible_location(current_user, code)
    args = (scan_url(location), location.code, location.name_zh, location.name_en)
    if fmt == "png":
        response = make_response(qr.label_png(*args))
        response.mimetype = "image/png"
    else:
        response = make_response(qr.label_svg(*args))
        response.mimetype = "image/svg+xml"
    response.headers["Content-Disposition"] = f'inline; filename="{location.code}.{fmt}"'
    # Everything printed is in the ETag (hashed: headers carry no Chinese), so a rotated token
    # or a renamed place is a new label.
    printed = "\n".join((*args, fmt)).encode()
    response.set_etag(hashlib.sha256(printed).hexdigest()[:32])
    response.cache_control.private = True
    return response.make_conditional(request)


@bp.get("/locations/<code>/risk-card")
@require("locations.view")
def risk_card(code):
    """一险一卡 as a sheet to post at a major hazard source, A4 or A5, with its QR label code."""
    location = get_visible_location(current_user, code)
    if not location.is_major_source:
        abort(404)
    size = "A5" if request.args.get("size", "").upper() == "A5" else "A4"
    return render_template("locations/risk_card_print.html", location=location, size=size,
                           today=local_today(),
                           code=Markup(qr.qr_svg(scan_url(location), location.code)))


@bp.get("/locations/labels")
@require("labels.print")
def labels():
    """Choose locations, then an A4 sheet of their labels ready to print."""
    codes = request.args.getlist("code")
    if not codes:
        return render_template("locations/label_chooser.html",
                               locations=list_locations(), departments=departments())
    chosen = [loc for loc in list_locations(include_inactive=True) if loc.code in set(codes)]
    sheet = [(loc, Markup(qr.label_svg(scan_url(loc), loc.code, loc.name_zh, loc.name_en)))
             for loc in chosen]
    return render_template("locations/label_sheet.html", sheet=sheet)


@bp.get("/q/<token>")
@login_required
def scan(token):
    """What a QR label opens. An unknown or rotated token says so and names nothing."""
    location = location_by_token(token)
    if location is None:
        return render_template("locations/invalid_label.html"), 404
    if scan_opens_checklist(current_user, location) or (
            request.args.get("next") == "inspect" and can(current_user, "inspections.perform")):
        # Those on rounds, and the in-app scanner's patrol flow, go straight to the checklist.
        return redirect(url_for("inspections.checklist", code=location.code))
    return redirect(url_for(".show", code=location.code))


@bp.route("/locations/new", methods=["GET", "POST"])
@require("admin.manage")
def create():
    form = LocationForm()
    if form.validate_on_submit():
        try:
            location = services.save_location(current_user, None, **_location_fields(form))
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Location %(code)s created.", code=location.code), "success")
            return redirect(url_for(".show", code=location.code))
    return _form_page(form, None)


@bp.route("/locations/<code>/edit", methods=["GET", "POST"])
@require("admin.manage")
def edit(code):
    location = get_visible_location(current_user, code)
    form = LocationForm(obj=location)
    if form.validate_on_submit():
        try:
            services.save_location(current_user, location, **_location_fields(form))
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Location %(code)s saved.", code=location.code), "success")
            return redirect(url_for(".show", code=location.code))
    return _form_page(form, location)


@bp.post("/locations/<code>/rotate-token")
@require("admin.manage")
def rotate_token(code):
    location = get_visible_location(current_user, code)
    services.rotate_token(current_user, location)
    db.session.commit()
    flash(_("New QR token made: labels printed before no longer open %(code)s. Print new ones.",
            code=location.code), "warning")
    return redirect(url_for(".edit", code=location.code))


def _location_fields(form: LocationForm) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def _form_page(form, location):
    return render_template("locations/form.html", form=form, location=location), form_status(form)
