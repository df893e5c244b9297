"""Inspections over the API: create (idempotent by the client's UUID), list and read."""

from flask import request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from app.api import schemas
from app.api.errors import abort_label_replaced, refuse
from app.api.problems import problem
from app.common.errors import DomainError
from app.common.permissions import require_api
from app.common.time import utcnow
from app.extensions import db
from app.inspections import queries, services
from app.inspections.services import Answer
from app.locations.queries import location_by_token
from app.photos.services import claim_staged_photos

blp = Blueprint("inspections_api", __name__, url_prefix="/api/v1/inspections",
                description="Filled checklists (检查记录).")


def created_body(inspection) -> dict:
    return {"id": inspection.id, "uuid": inspection.uuid,
            "url": url_for("inspections.show", inspection_id=inspection.id),
            "hazards": queries.hazards_of(inspection)}


@blp.route("")
class InspectionsView(MethodView):
    @require_api("inspections.view")
    @blp.arguments(schemas.InspectionQuery, location="query")
    @blp.response(200, schemas.InspectionList)
    def get(self, _args):
        """Inspections the user may see, newest first, 25 a page; filters as on the pages."""
        page = queries.inspection_page(current_user, queries.InspectionFilters.from_args(
            request.args))
        items = []
        for inspection, failures in page.rows:
            inspection.failures = failures
            items.append(inspection)
        return {"items": items, "total": page.total, "page": page.number, "pages": page.pages}

    @require_api("inspections.perform")
    @blp.arguments(schemas.InspectionIn)
    @blp.response(201, schemas.Created)
    @blp.alt_response(200, schema=schemas.Created, description="The same uuid was sent before: "
                      "the inspection it made, nothing new.")
    def post(self, data):
        """Submit a filled checklist. Upload its photos first (POST /api/v1/photos) and name
        them by uuid in each answer. Failed items open hazard cards."""
        uuid = str(data["uuid"])
        location = location_by_token(data["location_token"])
        if location is None:
            abort_label_replaced()
        try:
            previous = services.repeated_submission(uuid, current_user, location)
        except DomainError as e:
            refuse(e, "inspection.uuid_conflict")
        if previous is not None:
            return created_body(previous), 200
        try:
            version = services.version_for(location, data["version_id"])
        except DomainError as e:
            refuse(e, "checklist.unavailable")
        try:
            answers = _answers(version, data["answers"])
            inspection, created = services.submit_inspection(
                current_user, location=location, version=version,
                kind=data["kind"] or services.default_kind(current_user), uuid=uuid,
                answers=answers, note=data["note"], started_at=data["started_at"],
                submitted_at=data["submitted_at"], now=utcnow())
        except services.AnswerErrors as e:
            db.session.rollback()
            problem("validation.invalid_answers", message=e.message,
                    errors={"answers": {str(k): [v] for k, v in e.by_item.items()}})
        except DomainError as e:
            db.session.rollback()
            refuse(e, "inspection.refused", forbidden="inspection.place_forbidden")
        db.session.commit()
        return created_body(inspection), 201 if created else 200


def _answers(version, given: list[dict]) -> dict[int, Answer]:
    """The answers by item id; each must be one of this version's items."""
    items = {item.id for item in version.items}
    answers, problems = {}, {}
    for entry in given:
        item_id = entry["item_id"]
        if item_id not in items:
            problems[str(item_id)] = [_("This item is not in the checklist. Reload it.")]
            continue
        try:
            photos = claim_staged_photos(current_user, entry["photos"], "photos")
        except DomainError as e:
            problems[str(item_id)] = [e.message]
            continue
        answers[item_id] = Answer(outcome=entry["outcome"], number=entry["number"],
                                  text=entry["text"], note=entry["note"], photos=photos)
    if problems:
        problem("validation.invalid_answers", errors={"answers": problems})
    return answers


@blp.route("/<int:inspection_id>")
class InspectionView(MethodView):
    @require_api("inspections.view")
    @blp.response(200, schemas.InspectionOut)
    def get(self, inspection_id):
        """One inspection with its answers, photos and the hazards it opened."""
        inspection = queries.get_visible_inspection(current_user, inspection_id)
        inspection.hazards = queries.hazards_of(inspection)
        return inspection
