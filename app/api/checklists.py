"""Checklist templates over the API, for the administrators who keep them (as the pages)."""

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from app.api import schemas
from app.checklists.models import ChecklistTemplate
from app.common.permissions import require_api
from app.extensions import db

blp = Blueprint("checklists_api", __name__, url_prefix="/api/v1/checklists",
                description="Checklist templates (检查表), one per location type.")


@blp.route("")
class TemplatesView(MethodView):
    @require_api("admin.manage")
    @blp.response(200, schemas.TemplateList)
    def get(self):
        """Every template, by location type."""
        return {"items": db.session.scalars(select(ChecklistTemplate)
                                            .order_by(ChecklistTemplate.id)).all()}


@blp.route("/<int:template_id>")
class TemplateView(MethodView):
    @require_api("admin.manage")
    @blp.response(200, schemas.Template)
    def get(self, template_id):
        """One template with its current version's items."""
        return db.get_or_404(ChecklistTemplate, template_id)
