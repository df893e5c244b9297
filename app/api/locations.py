"""Locations over the API: the list, one by code, and the one a QR label's token opens."""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from app.api import schemas
from app.api.errors import refuse
from app.api.problems import problem
from app.common.errors import DomainError
from app.common.permissions import require_api
from app.common.time import utcnow
from app.extensions import db
from app.inspections import services
from app.inspections.queries import get_inspectable_location
from app.locations.queries import get_visible_location, list_locations, location_by_token

blp = Blueprint("locations_api", __name__, url_prefix="/api/v1/locations",
                description="Places with a QR label (检查点).")


@blp.route("")
class LocationsView(MethodView):
    @require_api("locations.view")
    @blp.arguments(schemas.LocationQuery, location="query")
    @blp.response(200, schemas.LocationList)
    def get(self, args):
        """The places in use, by code; `q` searches code and names."""
        return {"items": list_locations(department_id=args.get("department"),
                                        location_type_id=args.get("type"),
                                        search=args.get("q"))}


@blp.route("/by-token/<token>")
class ByTokenView(MethodView):
    @require_api("locations.view")
    @blp.response(200, schemas.Location)
    def get(self, token):
        """The place a QR label opens (the token is the last part of the label's address)."""
        location = location_by_token(token)
        if location is None:
            problem("location.unknown_label")
        return location


@blp.route("/<code>")
class LocationView(MethodView):
    @require_api("locations.view")
    @blp.response(200, schemas.Location)
    def get(self, code):
        """One place by its code."""
        return get_visible_location(current_user, code)


@blp.route("/<code>/checklist")
class ChecklistView(MethodView):
    @require_api("inspections.perform")
    @blp.response(200, schemas.Checklist)
    def get(self, code):
        """The checklist this place is inspected with now (its current version's items)."""
        location = get_inspectable_location(current_user, code)
        try:
            version = services.serve_checklist(location, utcnow())
        except DomainError as e:
            refuse(e, "checklist.unavailable")
        db.session.commit()
        return {"location": location, "template": version.template, "version": version}
