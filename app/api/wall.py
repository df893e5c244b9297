"""The wall screen's figures over the API, for those who may see the dashboard."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import schemas
from app.common.permissions import require_api
from app.wall.data import wall_data

blp = Blueprint("wall_api", __name__, url_prefix="/api/v1/wall",
                description="What the wall screen shows (大屏).")


@blp.route("")
class WallView(MethodView):
    @require_api("dashboard.view")
    @blp.response(200, schemas.Wall)
    def get(self):
        """Counts, overdue rectifications (longest first), rounds missed today and the
        departments ranked, in the caller's language."""
        return wall_data()
