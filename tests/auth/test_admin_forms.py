"""Bad input on the user and department forms: a message beside the field, nothing saved."""

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditRecord
from app.auth.models import Department, User
from app.extensions import db
from tests.factories import make_department, make_user


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _user_form(**overrides):
    return {"username": "newguard", "full_name": "新保安", "role": "inspector",
            "department_id": "", "email": "", "phone": "", "active": "y",
            "password": "long-enough-1", **overrides}


def test_admin_creates_a_user(client, login):
    login("admin")
    dept = make_department()
    db.session.commit()
    response = client.post("/admin/users/new", data=_user_form(department_id=str(dept.id)))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "newguard"))
    assert user.department_id == dept.id and user.check_password("long-enough-1")
    assert "user.create" in db.session.scalars(select(AuditRecord.action)).all()


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"username": ""}, "username", "This field is required."),
    ({"username": "x" * 41}, "username", "Field cannot be longer than 40 characters."),
    ({"username": "Bad Name!"}, "username", "lower-case letters"),
    ({"full_name": ""}, "full_name", "This field is required."),
    ({"role": "superuser"}, "role", "Not a valid choice."),
    ({"role": "dept_lead"}, "department_id", "needs a department"),
    ({"department_id": "abc"}, "department_id", "Invalid Choice"),
    ({"password": "short"}, "password", "at least 10"),
    ({"password": ""}, "password", "This field is required."),
    ({"email": "not-an-email"}, "email", "Not an email address."),
])
def test_bad_user_input_is_refused_beside_the_field(client, login, overrides, field, message):
    login("admin")
    before = _count(User)
    response = client.post("/admin/users/new", data=_user_form(**overrides))
    assert response.status_code == 400
    assert f'id="{field}-err"' in response.text
    assert message.lower() in response.text.lower()
    assert _count(User) == before


def test_duplicate_username_is_refused(client, login):
    login("admin")
    make_user(username="taken")
    db.session.commit()
    before = _count(User)
    response = client.post("/admin/users/new", data=_user_form(username="taken"))
    assert response.status_code == 400
    assert "The username taken is taken." in response.text
    assert _count(User) == before


def test_admin_cannot_demote_themself(client, login):
    me = login("admin")
    response = client.post(f"/admin/users/{me.id}", data=_user_form(
        username=me.username, role="viewer", password=""))
    assert response.status_code == 400
    assert db.session.get(User, me.id).role == "admin"


def test_admin_disables_a_user(client, login):
    login("admin")
    other = make_user("viewer")
    db.session.commit()
    data = _user_form(username=other.username, role="viewer", password="")
    del data["active"]
    assert client.post(f"/admin/users/{other.id}", data=data).status_code == 302
    assert db.session.get(User, other.id).active is False


def _dept_form(**overrides):
    return {"code": "ZWK", "name_zh": "总务科", "name_en": "General Affairs", "is_active": "y",
            **overrides}


def test_admin_creates_a_department(client, login):
    login("admin")
    assert client.post("/admin/departments/new", data=_dept_form()).status_code == 302
    assert db.session.scalar(select(Department.name_zh).where(Department.code == "ZWK")) == "总务科"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"code": ""}, "code", "This field is required."),
    ({"code": "TOOLONGCODE123"}, "code", "Field cannot be longer than 12 characters."),
    ({"code": "z-1"}, "code", "capital letters"),
    ({"name_zh": ""}, "name_zh", "This field is required."),
    ({"name_en": "x" * 121}, "name_en", "Field cannot be longer than 120 characters."),
])
def test_bad_department_input_is_refused(client, login, overrides, field, message):
    login("admin")
    before = _count(Department)
    response = client.post("/admin/departments/new", data=_dept_form(**overrides))
    assert response.status_code == 400
    assert f'id="{field}-err"' in response.text
    assert message.lower() in response.text.lower()
    assert _count(Department) == before


def test_duplicate_department_code_is_refused(client, login):
    login("admin")
    make_department(code="ZWK")
    db.session.commit()
    before = _count(Department)
    response = client.post("/admin/departments/new", data=_dept_form(code="zwk"))
    assert response.status_code == 400
    assert "The code ZWK is taken." in response.text
    assert _count(Department) == before


def test_user_of_an_inactive_department_can_still_be_edited(client, login):
    login("admin")
    closed = make_department(is_active=False)
    lead = make_user("dept_lead", department=closed)
    db.session.commit()
    data = _user_form(username=lead.username, role="dept_lead", department_id=str(closed.id))
    del data["active"]
    assert client.post(f"/admin/users/{lead.id}", data=data).status_code == 302
    assert db.session.get(User, lead.id).active is False


def test_an_inactive_department_cannot_be_chosen_for_someone_else(client, login):
    login("admin")
    closed = make_department(is_active=False)
    db.session.commit()
    response = client.post("/admin/users/new", data=_user_form(department_id=str(closed.id)))
    assert response.status_code == 400 and 'id="department_id-err"' in response.text
