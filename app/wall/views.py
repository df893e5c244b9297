"""The wall screen at /wall/<token> and its data; display tokens made and revoked by managers.

The wall needs no login: the token is the key. It is read-only and links nowhere; an unknown
or revoked token gets a bare 404 page that says nothing more.
"""

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.common.errors import DomainError
from app.common.forms import undo_refused
from app.common.permissions import require
from app.common.shared import shared_cache
from app.common.time import local_today
from app.common.urls import public_url
from app.extensions import db
from app.photos.store import photo_store
from app.wall import services
from app.wall.data import shown_thumbnails, wall_data
from app.wall.forms import DisplayForm
from app.wall.models import DisplayToken

bp = Blueprint("wall", __name__)

# How often the screen asks for news; a change shows within this (the aim is 30 s).
POLL_SECONDS = 10


def _lang() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else None


def _not_found():
    return render_template("wall/not_found.html"), 404


@bp.get("/wall/<token>")
def screen(token):
    display = services.active_display(token)
    if display is None:
        return _not_found()
    lang = _lang()
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        data = wall_data()
        response = current_app.make_response(render_template(
            "wall/screen.html", display=display, data=data, lang=lang,
            poll_seconds=POLL_SECONDS, timezone=current_app.config["HOSPITAL_TIMEZONE"],
            data_url=url_for(".data", token=token, lang=lang)))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/wall/<token>/data")
def data(token):
    """The screen's data as JSON, with an ETag: an unchanged screen costs a 304."""
    if services.active_display(token) is None:
        return {"error": "not found"}, 404
    body = _shared_body(_lang() or current_app.config["BABEL_DEFAULT_LOCALE"])
    response = current_app.response_class(body, mimetype="application/json")
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def _shared_body(lang: str) -> str:
    """The data as JSON, computed at most once per WALL_CACHE_SECONDS and language for all the
    screens a worker serves (every host's, with REDIS_URL): ten TVs polling cost one
    computation."""
    cache, key = shared_cache(), f"wall:{lang}"
    body = cache.get(key)
    if body is not None:
        return body
    with force_locale(lang):
        body = json.dumps(wall_data(), ensure_ascii=False, sort_keys=True)
    if current_app.config["WALL_CACHE_SECONDS"] > 0:
        cache.set(key, body, current_app.config["WALL_CACHE_SECONDS"])
    return body


@bp.get("/wall/<token>/thumbs/<sha256>.jpg")
def thumbnail(token, sha256):
    """Thumbnails of the overdue cards on the wall, and nothing else."""
    if services.active_display(token) is None or sha256 not in shown_thumbnails(local_today()):
        abort(404)
    response = photo_store().send(sha256, max_age=3600)
    if response is None:
        abort(404)
    # Kept by the TV's browser only: a proxy between could go on serving a hazard's photo
    # after the screen's token is revoked.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.route("/displays", methods=["GET", "POST"])
@require("displays.manage")
def displays():
    """Wall screens: make a token for a TV, see which exist, revoke one."""
    error, form = None, DisplayForm()
    if form.validate_on_submit():
        try:
            display = services.create_display(current_user, form.name.data or "")
        except DomainError as e:
            undo_refused()
            error = e
        else:
            db.session.commit()
            flash(_("Screen “%(name)s” made. Open its address on the TV.", name=display.name),
                  "success")
            return redirect(url_for(".displays"), 303)
    rows = db.session.scalars(select(DisplayToken).order_by(
        DisplayToken.revoked_at.is_not(None), DisplayToken.created_at.desc())).all()
    addresses = {d.id: public_url(url_for(".screen", token=d.token)) for d in rows}
    return render_template("wall/displays.html", displays=rows, addresses=addresses,
                           error=error, values={"name": form.name.data or ""}
                           ), 400 if error else 200


@bp.post("/displays/<int:display_id>/revoke")
@require("displays.manage")
def revoke(display_id):
    display = db.session.get(DisplayToken, display_id) or abort(404)
    services.revoke_display(current_user, display)
    db.session.commit()
    flash(_("Screen “%(name)s” revoked: its address no longer opens the wall.",
            name=display.name), "warning")
    return redirect(url_for(".displays"), 303)
