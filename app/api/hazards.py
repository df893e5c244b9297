"""Hazard cards over the API: list, read, and move them through the same state machine."""

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint, abort

from app.api import schemas
from app.api.errors import refuse
from app.api.problems import problem
from app.auth.models import Department
from app.common.errors import DomainError
from app.common.permissions import require_api
from app.common.time import local_today
from app.extensions import db
from app.hazards import queries, workflow
from app.hazards.forms import responsible_from
from app.photos.services import claim_staged_photos

blp = Blueprint("hazards_api", __name__, url_prefix="/api/v1/hazards",
                description="Hazard cards (一患一卡) and their rectification.")


@blp.route("")
class HazardsView(MethodView):
    @require_api("hazards.view")
    @blp.arguments(schemas.HazardQuery, location="query")
    @blp.response(200, schemas.HazardList)
    def get(self, _args):
        """Hazards the user may see, newest first, 25 a page; filters as on the list page."""
        filters = queries.HazardFilters.from_args(request.args)
        page = queries.hazard_page(current_user, filters, local_today())
        items = []
        for hazard, pending in page.rows:
            hazard.extension_pending = pending
            items.append(hazard)
        return {"items": items, "total": page.total, "page": page.number, "pages": page.pages}


def _detail(number: str):
    hazard, _card = queries.get_visible_card(current_user, number)
    hazard.allowed_moves = workflow.allowed_moves(hazard, current_user)
    return hazard


@blp.route("/<number>")
class HazardView(MethodView):
    @require_api("hazards.view")
    @blp.response(200, schemas.HazardDetail)
    def get(self, number):
        """One card with its timeline (every event, with photos) and the moves the user may
        make now."""
        return _detail(number)


@blp.route("/<number>/moves/<action>")
class MoveView(MethodView):
    @require_api("inspections.perform")
    @blp.arguments(schemas.MoveIn)
    @blp.response(200, schemas.HazardDetail)
    def post(self, data, number, action):
        """Move the card: assign, start, submit, verify, reject, reopen, cancel or fix_on_site.
        Submit and fix_on_site need after-photos, uploaded first to POST /api/v1/photos."""
        if action not in workflow.MOVES:
            abort(404)
        hazard = queries.get_visible_hazard(current_user, number, for_update=True)
        try:
            workflow.check_move(hazard, action, current_user)
            workflow.apply(
                hazard, action, actor=current_user, note=data["note"],
                responsible=responsible_from(data["responsible_id"]),
                deadline_on=data["deadline_on"], reason=data["reason"],
                photos=claim_staged_photos(current_user, data["photos"], "photos"))
        except DomainError as e:
            db.session.rollback()
            refuse(e, "hazard.review_required" if isinstance(e, workflow.ReviewRequired)
                   else "hazard.move_not_allowed", forbidden="hazard.move_forbidden")
        db.session.commit()
        return _detail(number)


@blp.route("/<number>/review")
class ReviewView(MethodView):
    @require_api("hazards.rectify")
    @blp.arguments(schemas.ReviewIn)
    @blp.response(200, schemas.HazardDetail)
    def post(self, data, number):
        """File or revise the four-don'ts review (四不放过) of an open card: a manager or the
        department's safety lead. Recurring and major cards are verified only after one."""
        hazard = queries.get_visible_hazard(current_user, number, for_update=True)
        try:
            workflow.review(hazard, actor=current_user, **data)
        except DomainError as e:
            db.session.rollback()
            refuse(e, "hazard.review_not_allowed", forbidden="hazard.review_forbidden")
        db.session.commit()
        return _detail(number)


@blp.route("/<number>/reassign")
class ReassignView(MethodView):
    @require_api("hazards.manage")
    @blp.arguments(schemas.ReassignIn)
    @blp.response(200, schemas.HazardDetail)
    def post(self, data, number):
        """改派: hand the open card to another department and person, with a reason; the
        event (action reassign) records the old and the new, and both are told."""
        hazard = queries.get_visible_hazard(current_user, number, for_update=True)
        department = db.session.get(Department, data["department_id"])
        if department is None:
            message = _("Choose a department from the list.")
            problem("validation.invalid_fields", message=message,
                    errors={"department_id": [message]})
        try:
            workflow.reassign(hazard, actor=current_user, department=department,
                              responsible=responsible_from(data["responsible_id"]),
                              reason=data["reason"])
        except DomainError as e:
            db.session.rollback()
            refuse(e, "hazard.move_not_allowed", forbidden="hazard.move_forbidden")
        db.session.commit()
        return _detail(number)
