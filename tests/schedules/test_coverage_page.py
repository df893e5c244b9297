"""The coverage page through the test client: what it lists, for whom, and its filters."""

from datetime import timedelta

from app.common.time import local_today, utcnow
from app.extensions import db
from tests.factories import make_department, make_inspection, make_location, make_schedule


def schedule_since(days, **fields):
    schedule = make_schedule(**fields)
    schedule.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    return schedule


def test_a_place_owed_a_round_shows_owed_now(client, login):
    schedule_since(0, location=make_location(code="O2-B1-01"))
    login("manager")
    page = client.get("/coverage").text
    assert "O2-B1-01" in page and "Owed now" in page


def test_a_place_inspected_this_period_shows_done(client, login):
    schedule = schedule_since(0, location=make_location(code="PWR-1"))
    make_inspection(location=schedule.location, kind="patrol")
    db.session.commit()
    login("manager")
    page = client.get("/coverage?state=due").text
    assert "PWR-1" not in page
    assert "PWR-1" in client.get("/coverage").text


def test_missed_filter_lists_places_with_missed_periods(client, login):
    schedule_since(40, location=make_location(code="MISSED-1"))
    schedule_since(0, location=make_location(code="NEW-1"))
    login("manager")
    page = client.get("/coverage?state=missed").text
    assert "MISSED-1" in page and "NEW-1" not in page and "missed" in page


def test_a_department_lead_sees_only_the_departments_schedules(client, login):
    department = make_department()
    schedule_since(0, location=make_location(code="OWN-1", department=department))
    schedule_since(0, location=make_location(code="OTHER-1"))
    login("dept_lead", department=department)
    page = client.get("/coverage").text
    assert "OWN-1" in page and "OTHER-1" not in page


def test_a_past_month_has_no_owed_now(client, login):
    schedule_since(90, location=make_location(code="OLD-1"))
    login("manager")
    last_month = local_today().replace(day=1) - timedelta(days=1)
    page = client.get(f"/coverage?month={last_month:%Y-%m}").text
    assert "OLD-1" in page and "Owed now" not in page


def test_a_garbled_month_falls_back_to_this_month(client, login):
    schedule_since(0, location=make_location(code="NOW-1"))
    login("manager")
    response = client.get("/coverage?month=soon")
    assert response.status_code == 200 and "Owed now" in response.text
