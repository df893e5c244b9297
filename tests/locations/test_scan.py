"""A label scanned with the phone's own camera: the checklist for those on rounds (guards, and
a department lead at its own places), the place's page for everyone else."""

import pytest

from app.extensions import db
from tests.factories import make_department, make_location, make_template


@pytest.fixture
def place(app):
    department = make_department()
    location = make_location(code="O2-1F-01", department=department, risk_level="red",
                             is_major_source=True, source_responsible="李强")
    make_template(location.location_type)
    db.session.commit()
    return location


CHECKLIST = "/locations/O2-1F-01/inspect"
PAGE = "/locations/O2-1F-01"


@pytest.mark.parametrize("role, own_department, opens", [
    ("inspector", False, CHECKLIST),
    ("dept_lead", True, CHECKLIST),
    ("dept_lead", False, PAGE),
    ("manager", False, PAGE),
    ("admin", False, PAGE),
    ("viewer", False, PAGE),
])
def test_a_scanned_label_opens_the_checklist_only_for_those_on_rounds(
        client, login, place, role, own_department, opens):
    login(role, **({"department": place.department} if own_department else {}))
    response = client.get(f"/q/{place.qr_token}")
    assert response.status_code == 302
    assert response.location == opens


def test_the_in_app_scanner_still_takes_a_manager_to_the_checklist(client, login, place):
    login("manager")
    assert client.get(f"/q/{place.qr_token}?next=inspect").location == CHECKLIST


def test_the_checklist_head_shows_the_risk_colour_with_its_name_and_the_card(
        client, login, place):
    login("inspector")
    page = client.get(client.get(f"/q/{place.qr_token}").location).text
    assert '<span class="risk risk-red">Red — major risk</span>' in page
    assert 'href="/locations/O2-1F-01#risk-card">Risk-source card</a>' in page


def test_a_place_without_a_risk_source_card_links_to_its_page(client, login, app):
    location = make_location(code="WD-3F-01", risk_level="blue")
    make_template(location.location_type)
    db.session.commit()
    login("inspector")
    page = client.get("/locations/WD-3F-01/inspect").text
    assert '<span class="risk risk-blue">Blue — low risk</span>' in page
    assert 'href="/locations/WD-3F-01">About this place</a>' in page
