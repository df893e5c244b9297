"""The remaining forms refuse empty and over-long input with a message beside the field."""

import pytest

from app.checklists.models import ChecklistTemplate
from app.extensions import db
from tests.factories import make_location_type, make_template


@pytest.mark.parametrize(("data", "field"), [
    ({"username": "", "password": "x"}, "username"),
    ({"username": "someone", "password": ""}, "password"),
    ({"username": "x" * 41, "password": "y"}, "username"),
])
def test_login_form_refuses_bad_input(client, data, field):
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert f'id="{field}-err"' in response.text


@pytest.mark.parametrize(("data", "field"), [
    ({"name_zh": "", "name_en": "Boiler"}, "name_zh"),
    ({"name_zh": "锅炉", "name_en": "x" * 161}, "name_en"),
    ({"name_zh": "锅炉", "name_en": "Boiler", "location_type_id": "not-a-number"},
     "location_type_id"),
])
def test_new_checklist_form_refuses_bad_input(client, login, data, field):
    kind = make_location_type()
    db.session.commit()
    login("admin")
    response = client.post("/checklists/new", data={"location_type_id": str(kind.id), **data})
    assert response.status_code == 400
    assert f'id="{field}-err"' in response.text
    assert db.session.query(ChecklistTemplate).count() == 0


def test_rename_refuses_an_empty_name_and_keeps_the_old(client, login):
    template = make_template(name_zh="锅炉房检查表")
    db.session.commit()
    login("admin")
    response = client.post(f"/checklists/{template.id}", data={"name_zh": "", "name_en": "B"})
    assert response.status_code == 400
    assert 'id="name_zh-err"' in response.text
    db.session.expire_all()
    assert template.name_zh == "锅炉房检查表"
