"""Sessions end when they should: a copied session or remember-me cookie stops working after a
logout, a password change, a reset, a new role or a deactivation, on every device."""

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from app.audit.models import AuditRecord
from app.auth.models import User
from app.extensions import db
from tests.conftest import FreshRequestClient
from tests.factories import make_user

PASSWORD = "correct horse"


def _device(app, user, password=PASSWORD):
    """Another browser logged in as `user`."""
    app.test_client_class = FreshRequestClient
    device = app.test_client()
    device.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = device.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302
    return device


def _copy(app, client, names=("session", "remember_token")):
    """A thief's browser holding copies of `client`'s cookies."""
    thief = app.test_client()
    for name in names:
        thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def _change_password(client):
    return client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-new-long-one",
        "confirm": "a-new-long-one"})


def _opens_pages(client) -> bool:
    return client.get("/").status_code == 200


def _user_form(user, **overrides):
    return {"username": user.username, "full_name": user.full_name, "role": user.role,
            "department_id": str(user.department_id or ""), "email": "", "phone": "",
            "active": "y", **overrides}


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
def test_a_copied_cookie_stops_working_after_logout(app, client, login, cookie):
    login("inspector")
    thief = _copy(app, client, [cookie])
    assert _opens_pages(thief)
    client.post("/logout")
    assert not _opens_pages(thief)
    assert thief.get("/").location.startswith("/login")


def test_logout_ends_the_other_devices_too(app, client, login):
    user = login("inspector")
    phone = _device(app, user)
    client.post("/logout")
    assert not _opens_pages(phone)


def test_the_remember_cookie_changes_with_the_session_version(app, client, login):
    login("inspector")
    before = client.get_cookie("remember_token").value
    client.post("/account/sessions/end-others")
    assert client.get_cookie("remember_token").value != before


def test_changing_ones_password_keeps_this_device_and_ends_the_others(app, client, login):
    user = login("inspector")
    phone = _device(app, user)
    thief = _copy(app, client)
    response = _change_password(client)
    assert response.status_code == 302
    assert _opens_pages(client)
    assert not _opens_pages(phone) and not _opens_pages(thief)


def test_the_device_that_changed_the_password_survives_its_session_cookie_ending(
        app, client, login):
    """The new remember cookie alone (a phone restarted, its session cookie gone) still works."""
    login("inspector")
    _change_password(client)
    restarted = _copy(app, client, ["remember_token"])
    assert _opens_pages(restarted)


def test_log_out_my_other_devices(app, client, login):
    user = login("inspector")
    phone = _device(app, user)
    response = client.post("/account/sessions/end-others")
    assert response.status_code == 302 and response.location == "/account"
    assert _opens_pages(client) and not _opens_pages(phone)
    (ended,) = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "user.end_sessions"))
    assert ended.actor_id == user.id


def test_an_admins_password_reset_ends_the_users_sessions(app, client, login):
    guard = make_user(password=PASSWORD)
    db.session.commit()
    phone = _device(app, guard)
    login("admin")
    client.post(f"/admin/users/{guard.id}/password", data={"reset-password": "set-by-admin-1"})
    assert not _opens_pages(phone)


def test_a_new_role_ends_the_users_sessions(app, client, login):
    guard = make_user(password=PASSWORD)
    db.session.commit()
    phone = _device(app, guard)
    login("admin")
    response = client.post(f"/admin/users/{guard.id}",
                           data=_user_form(guard, role="viewer", department_id=""))
    assert response.status_code == 302
    assert not _opens_pages(phone)


def test_deactivation_ends_the_users_sessions(app, client, login):
    guard = make_user(password=PASSWORD)
    db.session.commit()
    phone = _device(app, guard)
    login("admin")
    data = _user_form(guard)
    del data["active"]
    client.post(f"/admin/users/{guard.id}", data=data)
    assert not _opens_pages(phone)


def test_other_edits_keep_the_users_sessions(app, client, login):
    guard = make_user(password=PASSWORD)
    db.session.commit()
    phone = _device(app, guard)
    login("admin")
    client.post(f"/admin/users/{guard.id}", data=_user_form(guard, phone="13800000000"))
    assert _opens_pages(phone)


def test_a_personal_api_token_outlives_logout_and_password_change(app, client, login):
    from app.auth.tokens import create_api_token

    user = login("inspector")
    _token, secret = create_api_token(user, "report")
    db.session.commit()
    _change_password(client)
    client.post("/logout")
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json["username"] == user.username


def test_a_session_from_before_session_versions_is_nobody(app, client):
    """A cookie signed before the upgrade holds the bare id: it logs nobody in."""
    user = make_user()
    db.session.commit()
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    client.set_cookie("session", serializer.dumps({"_user_id": str(user.id), "_fresh": True}))
    assert not _opens_pages(client)


@pytest.mark.parametrize("value", ["1:x", "x:1", "1", ":", "99999999999999999999:1", "-1:1"])
def test_a_garbled_session_id_is_nobody(app, client, value):
    make_user()
    db.session.commit()
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    client.set_cookie("session", serializer.dumps({"_user_id": value, "_fresh": True}))
    assert client.get("/").status_code == 302


def test_logging_out_is_audited(client, login):
    user = login("inspector")
    client.post("/logout")
    (logout,) = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "logout"))
    assert logout.actor_id == user.id
    assert db.session.get(User, user.id).session_version == 2
