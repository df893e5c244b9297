"""Recurring hazards' SQL on PostgreSQL, the production database."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.ledger.queries import Period, hazard_ledger
from app.recurrence import queries
from tests.factories import make_user
from tests.recurrence.cards import RECURRING, T0, recurring_card


@pytest.mark.postgres
def test_recurrence_on_postgresql(pg_app):
    hazard = recurring_card()
    db.session.commit()
    admin = make_user("admin")
    assert [h.number for h in queries.recurs_of(hazard)] == hazard.events[0].data["recurs"]
    now = T0 + timedelta(days=2)
    assert [(r.key, r.count) for r in queries.top_places(admin, now)] == [
        (hazard.location.code, 1)]
    assert [r.count for r in queries.top_items(admin, now)] == [1]
    page = queries.recurring_page(admin, item_key=hazard.item_result.item.item_key)
    assert [row[0].number for row in page.rows] == [hazard.number]
    rows = hazard_ledger(admin, Period(T0.date().replace(day=1), T0.date().replace(day=30)))
    assert rows[-1][RECURRING].endswith(hazard.events[0].data["recurs"][0])
