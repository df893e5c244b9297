"""The managers' dashboard."""

from babel.dates import format_skeleton
from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from app.common.i18n import is_english
from app.common.permissions import require
from app.dashboard import charts, stats

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
    figures = stats.dashboard()
    counts_chart, rate_chart = trend_charts(figures.trend)
    return render_template(
        "dashboard/index.html", figures=figures, counts_chart=counts_chart,
        rate_chart=rate_chart, stacked=charts.stacked, top_rows=TOP_ROWS,
        months=list(zip(month_names(figures.trend), figures.trend, strict=True))[::-1],
    )
