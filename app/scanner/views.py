"""Scan next point: the phone camera (or a photo, or a typed code) opens a location's checklist."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.common.permissions import require
from app.common.urls import public_url
from app.extensions import db
from app.inspections.services import may_inspect
from app.locations.models import Location

bp = Blueprint("scanner", __name__)

CODE_PLACEHOLDER = "__CODE__"
TOKEN_PLACEHOLDER = "__TOKEN__"


@bp.get("/scan")
@require("inspections.perform")
def scan():
    return _scan_page()


@bp.get("/scan/code")
@require("inspections.perform")
def open_code():
    """The typed-code form without JavaScript: the checklist of the location with that code."""
    code = request.args.get("code", "").strip().upper()
    if not code:
        return _scan_page(code, _("Enter the location code printed on the label.")), 400
    location = db.session.scalar(select(Location).where(Location.code == code))
    if location is None or not location.is_active or not may_inspect(current_user, location):
        return _scan_page(code, _("No location you can inspect has the code %(code)s. Check "
                                  "the code on the label.", code=code)), 400
    return redirect(url_for("inspections.checklist", code=location.code))


def _scan_page(code: str = "", error: str | None = None):
    return render_template("scanner/scan.html", code=code, error=error, config=_config())


def _config() -> dict:
    """The addresses scanner.js needs (its words are in the template)."""
    scan_path = url_for("locations.scan", token=TOKEN_PLACEHOLDER)
    # Labels carry PUBLIC_BASE_URL, whose host (and perhaps path) differs from the address this
    # phone uses: a label is recognised by the path before its token, on any host.
    label_path = urlsplit(public_url(scan_path)).path
    prefixes = sorted({p.removesuffix(TOKEN_PLACEHOLDER) for p in (scan_path, label_path)})
    return {
        "jsqr": url_for("static", filename="vendor/jsqr/jsQR.js"),
        "labelPrefixes": prefixes,
        "scanUrl": scan_path + "?next=inspect",
        "tokenPlaceholder": TOKEN_PLACEHOLDER,
        "checklistUrl": url_for("inspections.checklist", code=CODE_PLACEHOLDER),
        "codePlaceholder": CODE_PLACEHOLDER,
    }
