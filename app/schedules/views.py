"""The coverage page: which locations are owed an inspection, and which were missed."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.auth.queries import departments
from app.common.forms import record_id
from app.common.permissions import require, sees_all_departments
from app.common.time import local_today
from app.schedules import queries
from app.schedules.periods import label

bp = Blueprint("schedules", __name__)


@bp.get("/coverage")
@require("coverage.view")
def coverage():
    filters = queries.CoverageFilters.from_args(request.args, local_today())
    page = queries.coverage_page(current_user, filters,
                                 request.args.get("page", type=record_id) or 1)
    return render_template(
        "schedules/coverage.html", page=page, filters=filters, period_label=label,
        departments=departments() if sees_all_departments(current_user) else [],
    )
