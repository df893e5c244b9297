"""The assessment pages: the ranked table, its A4 print, its XLSX, and the weights form."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.assessment import scores
from app.assessment.export import assessment_xlsx
from app.common.errors import DomainError
from app.common.forms import undo_refused
from app.common.permissions import require, sees_all_departments
from app.common.quarters import Quarter, recent_quarters
from app.common.time import local_today, utcnow
from app.extensions import db
from app.ledger.export import XLSX_MIMETYPE

bp = Blueprint("assessment", __name__)
QUARTERS_OFFERED = 8


def chosen_quarter(args) -> Quarter:
    """The quarter asked for; the running one when none (or a later one) is asked for."""
    current = Quarter.of(local_today())
    asked = Quarter.parse(args.get("quarter"))
    return min(asked, current) if asked else current


def scope(user) -> int | None:
    """The department whose figures `user` sees: None for all; a lead's own (0, no department,
    sees nothing)."""
    return None if sees_all_departments(user) else (user.department_id or 0)


def drill_down(code: str, quarter: Quarter, department_id: int, part: str = "value") -> str:
    """The records behind one figure: the coverage page over the quarter for the inspection
    rates, the hazard list of exactly the cards counted for the others."""
    if code in scores.KINDS:
        return url_for("schedules.coverage", quarter=str(quarter), department=department_id,
                       kind=scores.KINDS[code])
    figure = {"on_time": "due" if part == "owed" else "on_time", **scores.HAZARD_FIGURES}[code]
    return url_for("hazards.index", quarter=str(quarter), figure=figure,
                   department=department_id)


def _assessment():
    quarter = chosen_quarter(request.args)
    return scores.assess(quarter, department_id=scope(current_user))


def _page_context(assessment) -> dict:
    return {"assessment": assessment, "drill_down": drill_down,
            "ranked": sees_all_departments(current_user),
            "quarters": recent_quarters(local_today(), QUARTERS_OFFERED),
            "indicators": scores.INDICATORS, "rates": scores.RATES,
            "zero_at": scores.ZERO_AT, "printed_at": utcnow()}


@bp.get("/assessment")
@require("assessment.view")
def index():
    return render_template("assessment/index.html", **_page_context(_assessment()))


@bp.get("/assessment/print")
@require("assessment.view")
def print_view():
    """A4 landscape for the quarterly meeting: the table, the weights and the rules."""
    return render_template("assessment/print.html", **_page_context(_assessment()))


@bp.get("/assessment.xlsx")
@require("assessment.view")
def download():
    assessment = _assessment()
    body = assessment_xlsx(assessment, ranked=sees_all_departments(current_user))
    return Response(body, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="assessment-{assessment.quarter}.xlsx"',
        "Cache-Control": "private, no-store",
    })


@bp.route("/assessment/weights", methods=["GET", "POST"])
@require("admin.manage")
def weights():
    """The administrator's weights: one whole number per indicator."""
    values, error = scores.weights(), None
    if request.method == "POST":
        values = {code: request.form.get(code, "") for code in scores.INDICATORS}
        try:
            scores.save_weights(values, current_user)
        except DomainError as e:
            undo_refused()
            error = e
        else:
            db.session.commit()
            flash(_("Weights saved."), "success")
            return redirect(url_for(".index"), 303)
    return render_template("assessment/weights.html", values=values, error=error,
                           indicators=scores.INDICATORS, defaults=scores.WEIGHTS_DEFAULT,
                           zero_at=scores.ZERO_AT), 400 if error else 200
