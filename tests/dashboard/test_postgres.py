"""The dashboard's SQL on PostgreSQL, the production database."""

from datetime import datetime, timedelta

import pytest

from app.dashboard import stats
from app.extensions import db
from tests.dashboard.test_stats import NOW, TODAY, closed, utc, with_deadline
from tests.factories import make_hazard, make_schedule


@pytest.mark.postgres
def test_dashboard_figures_on_postgresql(pg_app):
    late = with_deadline("rectifying", TODAY - timedelta(days=1))
    with_deadline("assigned", TODAY, location=late.location)
    closed(utc(datetime(2026, 11, 3, 10, 0)))
    closed(utc(datetime(2026, 10, 3, 10, 0)), late=True)
    make_hazard(found_at=utc(datetime(2026, 11, 1, 0, 0)))
    make_schedule(created_at=utc(datetime(2026, 11, 1)))
    db.session.commit()
    figures = stats.dashboard(NOW)
    assert figures.headline == stats.Headline(open=3, overdue=1, closed_this_month=1,
                                              on_time_rate=1.0)
    assert [(d.open, d.overdue) for d in figures.departments] == [(2, 1), (1, 0)]
    assert type(figures.departments[0].open) is int  # PostgreSQL sums as numeric
    assert [(t.open, t.overdue) for t in figures.location_types] == [(2, 1), (1, 0)]
    *_, october, november = figures.trend
    assert [(m.closed, m.on_time) for m in (october, november)] == [(1, 0), (1, 1)]
    assert figures.coverage.missed == 9
