"""Notice settings people change in the app: a manager's daily digest, and the escalation
ladder an administrator sets (its days, the hospital leadership, the digest hour)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.models import User
from app.common.errors import DomainError
from app.common.forms import undo_refused
from app.common.permissions import require
from app.extensions import db
from app.hazards import escalation
from app.notices.services import choose_daily_digest

bp = Blueprint("notices", __name__)


@bp.post("/account/digest")
@login_required
def set_digest():
    try:
        choose_daily_digest(current_user, request.form.get("daily_digest") == "1")
    except DomainError as e:
        undo_refused()
        flash(e.message, "error")
        return redirect(url_for("auth.account") + "#digest", 303)
    db.session.commit()
    flash(_("Daily digest switched on.") if current_user.daily_digest
          else _("Daily digest switched off: one message per card."), "success")
    return redirect(url_for("auth.account") + "#digest", 303)


def _render_settings(error=None, values=None, status=200):
    people = list(db.session.scalars(select(User).where(User.active)
                                      .order_by(User.role, User.full_name)))
    days = escalation.escalation_days()
    return render_template(
        "notices/escalation.html", people=people, error=error,
        days=values["days"] if values else days,
        chosen=set(values["leaders"]) if values else set(escalation.leader_ids()),
        hour=values["hour"] if values else escalation.digest_hour(),
        defaults=escalation.ESCALATION_DAYS_DEFAULT, steps=escalation.STEP_LABELS,
        digest_default=escalation.DIGEST_HOUR_DEFAULT), status


def _whole(value: str):
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 4 else value


@bp.route("/admin/escalation", methods=["GET", "POST"])
@require("admin.manage")
def escalation_settings():
    """督办: the days of the ladder's three steps, who the hospital leadership is, and when
    the daily digest leaves."""
    if request.method == "GET":
        return _render_settings()
    values = {
        "days": [_whole(request.form.get(f"day{step}")) for step in escalation.STEPS],
        "leaders": [int(v) for v in request.form.getlist("leaders")
                    if v.isascii() and v.isdigit() and len(v) < 10],
        "hour": _whole(request.form.get("hour")),
    }
    try:
        escalation.save_settings(current_user, days=values["days"], leader_ids=values["leaders"],
                                 hour=values["hour"])
    except DomainError as e:
        undo_refused()
        return _render_settings(e, values, 400)
    db.session.commit()
    flash(_("Escalation settings saved."), "success")
    return redirect(url_for(".escalation_settings"), 303)
