"""Who is calling, and the places whose checklists the phone keeps for use without signal."""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import generate_csrf

from app.api import schemas
from app.common.permissions import require_api
from app.common.time import utcnow
from app.inspections.services import may_inspect
from app.locations.queries import own_locations

blp = Blueprint("me", __name__, url_prefix="/api/v1/me",
                description="The calling user (整体: who am I, my places).")


@blp.route("")
class MeView(MethodView):
    @require_api("locations.view")
    @blp.response(200, schemas.Me)
    def get(self):
        """The calling user, with the CSRF token a session's writes must send."""
        user = current_user._get_current_object()
        return {"id": user.id, "username": user.username, "full_name": user.full_name,
                "role": user.role, "department": user.department, "csrf_token": generate_csrf()}


@blp.route("/locations")
class OwnLocationsView(MethodView):
    @require_api("inspections.perform")
    @blp.response(200, schemas.OwnLocations)
    def get(self):
        """The places the user is scheduled at or inspected lately, with their checklist page
        and QR address: the phone caches these checklists for use without signal."""
        user = current_user._get_current_object()
        return {"items": [loc for loc in own_locations(user, utcnow()) if may_inspect(user, loc)]}
