"""Home page and language switch."""

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from app.audit.anchors import last_anchor
from app.auth.services import set_locale
from app.common.forms import safe_next
from app.common.permissions import can, require
from app.common.time import local_today, utcnow
from app.extensions import db
from app.hazards.queries import hazard_counts, my_work_page, open_hazards
from app.inspections.queries import recent_inspections
from app.inspections.services import default_kind
from app.main.forms import LanguageForm
from app.schedules import periods
from app.schedules.rounds import due_by, due_now

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    return render_template(
        "main/index.html",
        counts=hazard_counts(current_user, local_today()),
        my_work=my_work_page(current_user).total,
        hazards=open_hazards(current_user, limit=8),
        inspections=recent_inspections(current_user, limit=6),
        today=local_today(),
        # Those on rounds see theirs first; the others keep the page as it was.
        my_round=(due_now(current_user, utcnow())
                  if can(current_user, "inspections.round") else None),
        start_kind=default_kind(current_user), period_label=periods.label, due_by=due_by,
    )


@bp.post("/language")
def set_language():
    """Switch language: kept on the account when logged in, in the session otherwise."""
    form = LanguageForm()
    lang = form.lang.data
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            set_locale(current_user, lang)
            db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("main.index"))


@bp.get("/admin")
@require("admin.manage")
def admin():
    return render_template("main/admin.html", last_anchor=last_anchor())
