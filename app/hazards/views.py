"""Hazard pages (the full card comes with the rectification workflow)."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.common.errors import DomainError
from app.common.forms import safe_next
from app.common.permissions import require
from app.extensions import db
from app.hazards import workflow
from app.hazards.models import Hazard

bp = Blueprint("hazards", __name__, url_prefix="/hazards")


def get_hazard_or_404(number: str, for_update: bool = False) -> Hazard:
    """The hazard; `for_update` locks its row (PostgreSQL) so two writers take turns."""
    query = select(Hazard).where(Hazard.number == number)
    return db.first_or_404(query.with_for_update() if for_update else query)


@bp.post("/<number>/amend")
@require("inspections.perform")
def amend(number):
    """The finder corrects level and description on the confirm step after submitting."""
    hazard = get_hazard_or_404(number, for_update=True)
    try:
        workflow.amend(hazard, actor=current_user, level=request.form.get("level", ""),
                       description=request.form.get("description", "")[:2000])
    except DomainError as e:
        flash(e.message, "error")
    else:
        db.session.commit()
        flash(_("Card %(number)s saved.", number=hazard.number), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
