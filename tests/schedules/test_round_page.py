"""The home page of a person on rounds lists the round; a manager's home page is unchanged."""

from datetime import datetime

import pytest

from app.common.time import local_to_utc, to_local, utcnow
from app.extensions import db
from app.schedules.coverage import shift_starts
from app.schedules.periods import label, period_of
from tests.factories import make_inspection, make_location, make_schedule


@pytest.fixture
def points(app):
    """A shift point still to do and a weekly point done today."""
    created = utcnow().replace(year=2025)
    shift = make_schedule(location=make_location(code="BLR-1F-01"), frequency="shift",
                          created_at=created)
    weekly = make_schedule(location=make_location(code="WD-3F-01"), frequency="weekly",
                           created_at=created)
    make_inspection(location=weekly.location, received_at=utcnow())
    db.session.commit()
    return shift, weekly


def test_a_guards_home_lists_the_round_to_do_then_done(client, login, points):
    login("inspector")
    page = client.get("/").text
    assert 'id="round"' in page and "Scan next point" in page
    to_do, done = page.split('class="rows round-to-do"')[1].split('class="round-done-list"')
    assert 'href="/locations/BLR-1F-01/inspect"' in to_do and "WD-3F-01" not in to_do
    assert 'href="/locations/WD-3F-01/inspect"' in done
    assert "1 of 2 done" in page


def test_a_leads_point_of_another_kind_opens_the_checklist_of_that_kind(client, login, app):
    lead = login("dept_lead")
    make_schedule(location=make_location(code="LAB-2F-01", department=lead.department),
                  kind="patrol", owner_department=lead.department,
                  created_at=local_to_utc(datetime(2025, 1, 1)))
    db.session.commit()
    assert 'href="/locations/LAB-2F-01/inspect?kind=patrol"' in client.get("/").text


def test_the_round_names_the_current_shift(client, login, app):
    login("inspector")
    shift = period_of("shift", to_local(utcnow()).replace(tzinfo=None), shift_starts())
    assert f"This shift: {label(shift)}" in client.get("/").text


def test_a_managers_home_has_no_round(client, login, points):
    login("manager")
    page = client.get("/").text
    assert 'id="round"' not in page
    assert "To inspect a place, scan the QR label at its door" in page
