"""The demo's assessment: two full quarters of history behind it."""

from collections import Counter

import pytest
from sqlalchemy import select

from app.assessment.scores import assess
from app.common.quarters import Quarter
from app.demo.loader import load_demo
from app.extensions import db
from app.inspections.models import Inspection
from app.locations.models import Location
from tests.demo.conftest import NOW

# One worker loads the demo once for all of these (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_shows_two_full_quarters_of_assessment(demo):
    now = NOW
    inspections = db.session.query(Inspection).count()
    load_demo(now=now, log=lambda _: None)
    assert db.session.query(Inspection).count() == inspections  # made once

    places = Counter(db.session.scalars(select(Location.department_id)))
    for quarter in (Quarter(2026, 2), Quarter(2026, 3)):
        rows = {row.department.id: row for row in assess(quarter, now=now).rows}
        for department_id, count in places.items():
            # A monthly self-check per place, owed for each of the quarter's three months.
            assert rows[department_id].figures["self_checks"].owed == 3 * count
            assert rows[department_id].total is not None
        assert sum(row.figures["on_time"].owed for row in rows.values()) > 0
