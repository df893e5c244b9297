"""The managers' dashboard."""

import hashlib

from babel.dates import format_skeleton
from flask import Blueprint, current_app, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.common.i18n import is_english
from app.common.permissions import require
from app.common.shared import shared_cache
from app.common.time import utcnow
from app.dashboard import charts, stats
from app.dashboard.version import figures_version, hour_start, sent_etag

bp = Blueprint("dashboard", __name__)

# Horizontal bar lists show this many rows; the rest fold away.
TOP_ROWS = 10


def month_axis(months: list[stats.Month]) -> list[tuple[str, str]]:
    """Labels under each month's columns: "Nov" (Chinese: "11", as "11月" is too wide for a
    phone), and the year under January and under the first month unless January is next."""
    locale = get_locale()
    labels = []
    for i, m in enumerate(months):
        month = format_skeleton("MMM", m.first, locale=locale) if is_english() \
            else str(m.first.month)
        shows_year = m.first.month == 1 or (i == 0 and m.first.month != 12)
        labels.append((month, format_skeleton("y", m.first, locale=locale) if shows_year
                       else ""))
    return labels


def month_names(months: list[stats.Month]) -> list[str]:
    """"Nov 2026" / "2026年11月", for the table and the columns' hover text."""
    return [format_skeleton("yMMM", m.first, locale=get_locale()) for m in months]


def trend_charts(months: list[stats.Month]) -> tuple[charts.ColumnChart, charts.ColumnChart]:
    """Found and closed per month; the on-time rate per month (in percent)."""
    axis, names = month_axis(months), month_names(months)
    counts = charts.column_chart(axis, [
        charts.Series(_("Found"), "s-found", [m.found for m in months]),
        charts.Series(_("Closed"), "s-closed", [m.closed for m in months]),
    ], titles=names)
    rates = charts.column_chart(axis, [
        charts.Series(_("Rectified on time"), "s-ontime",
                      [None if m.on_time_rate is None else 100 * m.on_time_rate
                       for m in months]),
    ], top=100, step=25, unit="%", value_format="{:.0f}", titles=names)
    return counts, rates


@bp.get("/dashboard")
@require("dashboard.view")
def index():
    """The figures, with an ETag from their version and the viewer: a reload of an unchanged
    dashboard is a 304 from one small query; the figures are computed once per version and
    language for everyone (each viewer's page is then drawn around them)."""
    now = utcnow()
    lang = str(get_locale())
    version = figures_version(now, hourly=True)
    tag = f"dash.{FORMAT}.{lang}.{version}.{_viewer()}"
    sent = sent_etag(tag)
    if sent is not None and not session.get("_flashes"):
        response = current_app.response_class(status=304)
        response.set_etag(sent)
    else:
        figures = _shared_figures(lang, version, now)
        counts_chart, rate_chart = trend_charts(figures.trend)
        response = current_app.make_response(render_template(
            "dashboard/index.html", figures=figures, counts_chart=counts_chart,
            rate_chart=rate_chart, stacked=charts.stacked, top_rows=TOP_ROWS,
            months=list(zip(month_names(figures.trend), figures.trend, strict=True))[::-1],
            recurring_at=hour_start(now)))
        response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# Part of every tag and cache key: raise it when the figures' shape or the page changes.
FORMAT = 1
KEEP_SECONDS = 600  # as the wall's (app/wall/views.py)


def _viewer() -> str:
    """What of the viewer the page shows besides the figures: who they are (name, role and
    department: the menu, the recurring lists' scope, the theme) and their session's form
    token (a page kept from another session would carry a stale one)."""
    user = current_user
    generate_csrf()  # the session's token, made now if the page is its first form
    seen = (user.id, user.role, user.department_id, user.full_name, user.theme,
            session.get("csrf_token"), request.full_path)
    return hashlib.sha256(repr(seen).encode()).hexdigest()[:16]


def _shared_figures(lang: str, version: str, now) -> stats.Dashboard:
    """The figures for `version`, computed once for all viewers of every worker (and host,
    with REDIS_URL)."""
    cache, key = shared_cache(), f"dashboard:{FORMAT}:{lang}"
    kept = cache.get(key)
    if kept is not None:
        kept_version, text = kept.split("\n", 1)
        if kept_version == version:
            return stats.dashboard_from_json(text)
    figures = stats.dashboard(now)
    cache.set(key, f"{version}\n{stats.dashboard_to_json(figures)}", KEEP_SECONDS)
    return figures
