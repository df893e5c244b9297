"""The ledgers page and its downloads: the hazard ledger and the inspection register."""

import re

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import Department
from app.auth.queries import departments
from app.common.permissions import require, sees_all_departments
from app.common.time import local_today
from app.extensions import db
from app.ledger import export, queries
from app.ledger.forms import LedgerForm

bp = Blueprint("ledger", __name__)

EXPORTS = {
    # ledger: (title, file name stem, columns, rows)
    "hazards": (_l("Hazard ledger"), "hazard-ledger", queries.HAZARD_COLUMNS,
                queries.hazard_ledger),
    "inspections": (_l("Inspection register"), "inspection-register",
                    queries.INSPECTION_COLUMNS, queries.inspection_register),
}


def _page(form: LedgerForm):
    # Ledgers reach back two years: a department closed since then still has one.
    all_departments = sees_all_departments(current_user)
    choices = departments(include_inactive=True) if all_departments else [current_user.department]
    return render_template("ledger/index.html", form=form, departments=choices,
                           all_departments=all_departments,
                           ledgers={name: title for name, (title, *_) in EXPORTS.items()})


@bp.get("/ledgers")
@require("ledgers.export")
def index():
    if "ledger" not in request.args:  # a first visit: this month's hazard ledger
        return _page(LedgerForm(month=local_today().strftime("%Y-%m")))
    form = LedgerForm.from_args(request.args)
    if not form.validate(current_user):
        return _page(form), 400
    return redirect(url_for(".download", ledger=form.ledger, fmt=form.format, **form.args()))


@bp.get("/ledgers/<any(hazards, inspections):ledger>.<any(xlsx, csv):fmt>")
@require("ledgers.export")
def download(ledger, fmt):
    form = LedgerForm.from_args(request.args, ledger=ledger, format=fmt)
    if not form.validate(current_user):
        return _page(form), 400
    title, stem, columns, rows_of = EXPORTS[ledger]
    rows = rows_of(current_user, form.period, department_id=form.department_id)
    if fmt == "xlsx":
        body, mimetype = export.to_xlsx(columns, rows, title), export.XLSX_MIMETYPE
    else:
        body, mimetype = export.to_csv(columns, rows), export.CSV_MIMETYPE
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{_file_name(stem, form)}"',
        # Names and findings: not for shared caches or the browser's disk cache.
        "Cache-Control": "private, no-store",
    })


def _file_name(stem: str, form: LedgerForm) -> str:
    """E.g. hazard-ledger-2026-11.xlsx, or hazard-ledger-ZWK-2026-11.xlsx for one department:
    ASCII only, so that every browser keeps it."""
    department_id = form.department_id
    if department_id is None and not sees_all_departments(current_user):
        department_id = current_user.department_id
    part = ""
    if department_id is not None:
        code = db.session.get(Department, department_id).code
        part = "-" + (code if re.fullmatch(r"[A-Za-z0-9_-]+", code) else f"dept{department_id}")
    return f"{stem}{part}-{form.period.label}.{form.format}"
