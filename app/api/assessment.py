"""The quarterly department assessment over the API: the same figures and permissions as the
page (all departments ranked, or a department lead's own)."""

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from app.api.problems import problem
from app.assessment import scores
from app.assessment.scores import assess
from app.common.permissions import require_api, sees_all_departments, sees_department
from app.common.quarters import Quarter
from app.common.time import local_today

blp = Blueprint("assessment_api", __name__, url_prefix="/api/v1/assessment",
                description="The quarterly department safety assessment (科室季度安全考核).")


class AssessmentQuery(Schema):
    quarter = fields.String(validate=validate.Regexp(
        r"^20\d{2}-?Q[1-4]$", error="Give a quarter like 2026Q3."))


class FigureOut(Schema):
    value = fields.Integer(metadata={"description": "Done, days or cards."})
    owed = fields.Integer(allow_none=True, metadata={"description": "Owed (rates only)."})
    score = fields.Float(allow_none=True, metadata={"description": "0–100; null: nothing owed."})


class DepartmentScoreOut(Schema):
    department_id = fields.Integer(attribute="department.id")
    department_code = fields.String(attribute="department.code")
    department = fields.String(attribute="department.name")
    rank = fields.Integer(allow_none=True)
    total = fields.Float(allow_none=True)
    previous_total = fields.Float(allow_none=True)
    change = fields.Float(allow_none=True)
    figures = fields.Dict(keys=fields.String(validate=validate.OneOf(list(scores.INDICATORS))),
                          values=fields.Nested(FigureOut))


class AssessmentOut(Schema):
    quarter = fields.String()
    is_current = fields.Boolean()
    weights = fields.Dict(keys=fields.String(), values=fields.Integer())
    departments = fields.List(fields.Nested(DepartmentScoreOut), attribute="rows")


def _quarter() -> Quarter:
    current = Quarter.of(local_today())
    asked = Quarter.parse(request.args.get("quarter"))
    if asked and asked > current:
        message = _("That quarter has not begun.")
        problem("validation.invalid_fields", message=message, errors={"quarter": [message]})
    return asked or current


def _scope() -> int | None:
    return None if sees_all_departments(current_user) else (current_user.department_id or 0)


@blp.route("")
class AssessmentView(MethodView):
    @require_api("assessment.view")
    @blp.arguments(AssessmentQuery, location="query")
    @blp.response(200, AssessmentOut)
    def get(self, _args):
        """Every department's figures, sub-scores and score for the quarter (default: the
        running one), best first with ranks; a department lead gets their own, unranked."""
        result = assess(_quarter(), department_id=_scope())
        if _scope() is not None:
            for row in result.rows:
                row.rank = None
        return result


@blp.route("/<int:department_id>")
class DepartmentAssessmentView(MethodView):
    @require_api("assessment.view")
    @blp.arguments(AssessmentQuery, location="query")
    @blp.response(200, DepartmentScoreOut)
    def get(self, _args, department_id):
        """One department's figures and score; 404 for a department the caller may not see."""
        if not sees_department(current_user, department_id):
            abort(404)
        ranked = sees_all_departments(current_user)
        result = assess(_quarter(), department_id=_scope())
        row = next((r for r in result.rows if r.department.id == department_id), None)
        if row is None:
            abort(404)
        if not ranked:
            row.rank = None
        return row
