"""Creating and editing locations; rotating their QR tokens."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.locations.models import Location
from tests.factories import make_department, make_location, make_location_type


@pytest.fixture
def refs(app):
    refs = {"type": make_location_type(), "dept": make_department()}
    db.session.commit()
    return refs


def _form(refs, **overrides):
    return {"code": "O2-B1-01", "name_zh": "液氧站", "name_en": "Liquid-oxygen station",
            "location_type_id": str(refs["type"].id), "department_id": str(refs["dept"].id),
            "building": "后勤楼", "floor": "B1", "risk_level": "red", "is_active": "y",
            **overrides}


def _count():
    return db.session.scalar(select(func.count()).select_from(Location))


def test_admin_creates_a_location_with_a_random_token(client, login, refs):
    login("admin")
    response = client.post("/locations/new", data=_form(refs, code="o2-b1-01"))
    assert response.status_code == 302
    location = db.session.scalar(select(Location))
    assert location.code == "O2-B1-01"
    assert len(location.qr_token) >= 22 and str(location.id) != location.qr_token


def test_major_source_keeps_its_risk_card(client, login, refs):
    login("admin")
    client.post("/locations/new", data=_form(
        refs, is_major_source="y", source_responsible="张建国", source_hazards="液氧泄漏"))
    location = db.session.scalar(select(Location))
    assert location.is_major_source and location.source_responsible == "张建国"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"code": ""}, "code", "This field is required."),
    ({"code": "X" * 21}, "code", "Field cannot be longer than 20 characters."),
    ({"code": "O2 B1/01"}, "code", "capital letters, digits and hyphens"),
    ({"name_en": ""}, "name_en", "This field is required."),
    ({"name_zh": "长" * 81}, "name_zh", "Field cannot be longer than 80 characters."),
    ({"location_type_id": ""}, "location_type_id", "This field is required."),
    ({"location_type_id": "abc"}, "location_type_id", "This field is required."),
    ({"department_id": "99999"}, "department_id", "Not a valid choice."),
    ({"risk_level": "purple"}, "risk_level", "Not a valid choice."),
    ({"is_major_source": "y"}, "source_responsible", "needs a responsible person"),
])
def test_bad_location_input_is_refused(client, login, refs, overrides, field, message):
    login("admin")
    response = client.post("/locations/new", data=_form(refs, **overrides))
    assert response.status_code == 400
    assert f'id="{field}-err"' in response.text
    assert message.lower() in response.text.lower()
    assert _count() == 0


def test_duplicate_code_is_refused_and_the_other_location_is_untouched(client, login, refs):
    login("admin")
    existing = make_location(code="O2-B1-01", name_en="Original")
    other = make_location(code="PWR-1F-01")
    db.session.commit()
    response = client.post(f"/locations/{other.code}/edit", data=_form(refs, code="O2-B1-01"))
    assert response.status_code == 400
    assert "The code O2-B1-01 is taken" in response.text
    db.session.expire_all()
    assert db.session.get(Location, existing.id).name_en == "Original"
    assert db.session.get(Location, other.id).code == "PWR-1F-01"


def test_rotating_the_token_retires_old_labels(client, login):
    login("admin")
    location = make_location()
    old = location.qr_token
    db.session.commit()
    client.post(f"/locations/{location.code}/rotate-token")
    db.session.expire_all()
    assert location.qr_token != old
    assert client.get(f"/q/{old}").status_code == 404
    assert client.get(f"/q/{location.qr_token}").status_code == 302


def test_location_page_shows_risk_card(client, login):
    location = make_location(is_major_source=True, source_responsible="张建国",
                             source_emergency="关闭总阀")
    db.session.commit()
    login("inspector")
    page = client.get(f"/locations/{location.code}").text
    assert "Risk-source card" in page and "关闭总阀" in page


def test_location_list_filters_by_department(client, login):
    a, b = make_location(name_en="Boiler A"), make_location(name_en="Pharmacy B")
    db.session.commit()
    login("viewer")
    page = client.get(f"/locations?department={a.department_id}").text
    assert "Boiler A" in page and "Pharmacy B" not in page
    assert b.code not in page


def test_location_search_takes_underscore_as_a_letter(client, login):
    make_location(code="O2_B1", name_en="Oxygen store")
    make_location(code="O2XB1", name_en="Other store")
    db.session.commit()
    login("viewer")
    page = client.get("/locations?q=O2_B").text
    assert "O2_B1" in page and "O2XB1" not in page


def test_a_department_filter_that_is_not_a_number_shows_every_location(client, login):
    make_location(name_en="Boiler A")
    db.session.commit()
    login("viewer")
    response = client.get("/locations?department=x")
    assert response.status_code == 200 and "Boiler A" in response.text
