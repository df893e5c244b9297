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
from app.common.urls import public_url
from app.dashboard.version import figures_version, sent_etag
from app.extensions import db
from app.wall import services
from app.wall.data import wall_data
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
        # The data as the screens' polls get it: computed once per version.
        _tag, body = _shared_body(lang or current_app.config["BABEL_DEFAULT_LOCALE"])
        data = json.loads(body)
        response = current_app.make_response(render_template(
            "wall/screen.html", display=display, data=data, lang=lang,
            poll_seconds=POLL_SECONDS, timezone=current_app.config["HOSPITAL_TIMEZONE"],
            data_url=url_for(".data", token=token, lang=lang)))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/wall/<token>/data")
def data(token):
    """The screen's data as JSON, with an ETag made from the figures' version: an unchanged
    screen costs a 304 and two small queries, nothing computed."""
    if services.active_display(token) is None:
        return {"error": "not found"}, 404
    lang = _lang() or current_app.config["BABEL_DEFAULT_LOCALE"]
    tag, body = _tag(lang), None
    if sent_etag(tag) is None:
        tag, body = _shared_body(lang, tag)
    sent = sent_etag(tag)
    if sent is not None:
        response = current_app.response_class(status=304)
        response.set_etag(sent)
    else:
        response = current_app.response_class(body, mimetype="application/json")
        response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"
    return response


# Part of every tag and cache key: raise it when the data's shape or wording changes, so that
# no screen or shared cache (Redis outlives a deploy) keeps the old.
FORMAT = 3
# How long a computed answer stays in the shared cache for its version. A poll of an unchanged
# wall does not need it (a 304 comes from the version alone): it serves screens that open or
# reload, and keeps an idle wall's cache from holding data for ever.
KEEP_SECONDS = 600


def _tag(lang: str) -> str:
    return f"wall.{FORMAT}.{lang}.{figures_version()}"


def _shared_body(lang: str, tag: str | None = None) -> tuple[str, str]:
    """The tag and JSON of the data, computed once per version and language for all the
    screens of every worker (and host, with REDIS_URL). Within WALL_CACHE_SECONDS of its
    computation the last answer serves even a newer version: under a stream of changes the
    screens cost one computation per WALL_CACHE_SECONDS."""
    tag = tag or _tag(lang)
    cache, key = shared_cache(), f"wall:{FORMAT}:{lang}"
    seconds = current_app.config["WALL_CACHE_SECONDS"]
    kept = cache.get(key)
    if kept is not None:
        kept_tag, body = kept.split("\n", 1)
        if kept_tag == tag or (seconds > 0 and cache.get(key + ":fresh") == kept_tag):
            return kept_tag, body
    with force_locale(lang):
        body = json.dumps(wall_data(), ensure_ascii=False, sort_keys=True)
    cache.set(key, f"{tag}\n{body}", KEEP_SECONDS)
    if seconds > 0:
        cache.set(key + ":fresh", tag, seconds)
    return tag, body


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
