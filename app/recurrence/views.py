"""Recurring hazards' pages: filing the four-don'ts review, the list of recurring cards, the
window setting; and what the card and the dashboard show of them (template globals)."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.common.errors import DomainError
from app.common.forms import record_id, refusal, show_domain_error, undo_refused
from app.common.permissions import require
from app.common.time import local_today, utcnow
from app.extensions import db
from app.hazards import queries as hazard_queries
from app.hazards import workflow
from app.hazards.views import render_card
from app.recurrence import queries, services
from app.recurrence.forms import ReviewForm, WindowForm

bp = Blueprint("recurrence", __name__)


@bp.app_template_global()
def recurrence_card(hazard, user) -> dict:
    """What a hazard card shows of recurrence: its links both ways and the review."""
    return {"recurs_of": queries.recurs_of(hazard) if hazard.recurring else [],
            "recurred_by": queries.recurred_by(hazard),
            "needs_review": workflow.needs_review(hazard),
            "review": workflow.current_review(hazard),
            "may_review": workflow.may_review(hazard, user)}


@bp.app_template_global()
def recurring_most(user, now=None) -> dict:
    """The dashboard's lists: the places and the checklist items that recur most (in the
    twelve months up to `now`, naive UTC, default the present)."""
    now = now or None  # an undefined template variable is falsy
    return {"places": queries.top_places(user, now),
            "checklist_items": queries.top_items(user, now)}


@bp.post("/hazards/<number>/review")
@require("hazards.rectify")
def review(number):
    """四不放过: file or revise the review of a recurring or major hazard."""
    hazard = hazard_queries.get_visible_hazard(current_user, number, for_update=True)
    form = ReviewForm()
    try:
        if not form.validate():
            raise refusal(form)
        event = workflow.review(hazard, actor=current_user, cause=form.cause.data or "",
                                responsibility=form.responsibility.data or "",
                                measures=form.measures.data or "",
                                training=form.training.data or "")
    except DomainError as e:
        undo_refused()
        status = 400 if e.field else 403 if e.forbidden else 409
        return render_card(number, error=e, action="review", status=status)
    db.session.commit()
    flash(_("The four-don'ts review is saved.") if event is not None
          else _("The review is unchanged."), "success")
    return redirect(url_for("hazards.show", number=number, _anchor="review"), 303)


@bp.get("/hazards/recurring")
@require("hazards.view")
def index():
    """Recurring cards, at one place or of one checklist item (the dashboard links here)."""
    # Codes and keys hold no NUL (PostgreSQL refuses one in a text parameter).
    location = request.args.get("location", "").replace("\x00", "").strip()[:40]
    item = request.args.get("item", "").replace("\x00", "").strip()[:32]
    page_number = request.args.get("page", type=record_id) or 1
    page = queries.recurring_page(current_user, location_code=location, item_key=item,
                                  page=page_number,
                                  since=utcnow() - timedelta(days=queries.TOP_DAYS))
    name = queries.item_names([item]).get(item) if item else None
    args = {k: v for k, v in (("location", location), ("item", item)) if v}
    return render_template("recurrence/index.html", page=page, today=local_today(),
                           location=location, item_name=name, args=args,
                           window=services.window_days())


@bp.route("/admin/recurrence", methods=["GET", "POST"])
@require("admin.manage")
def settings():
    """The recurrence window an administrator sets (default 90 days)."""
    form = WindowForm(window_days=services.window_days())
    if form.validate_on_submit():
        try:
            changed = services.set_window_days(current_user, form.window_days.data)
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Saved: a failure recurs within %(n)d days.", n=form.window_days.data)
                  if changed else _("Nothing changed."), "success")
            return redirect(url_for(".settings"), 303)
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template("recurrence/settings.html", form=form,
                           default=services.WINDOW_DAYS_DEFAULT), status
