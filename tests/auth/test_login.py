"""Logging in and out, and landing where the user was going."""

from app.extensions import db
from tests.factories import make_location, make_user


def _login(client, username, password, next_url=""):
    return client.post("/login", data={"username": username, "password": password,
                                       "next": next_url})


def test_login_lands_on_home(client, app):
    make_user(username="guard", password="right-password")
    db.session.commit()
    response = _login(client, "guard", "right-password")
    assert response.status_code == 302
    assert response.location == "/"


def test_username_is_case_insensitive(client, app):
    make_user(username="guard", password="right-password")
    db.session.commit()
    assert _login(client, "GUARD", "right-password").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, app):
    make_user(username="guard", password="right-password")
    db.session.commit()
    response = _login(client, "guard", "wrong-password")
    assert response.status_code == 400
    assert "Wrong username or password" in response.text


def test_disabled_account_cannot_log_in(client, app):
    make_user(username="gone", password="right-password", active=False)
    db.session.commit()
    assert _login(client, "gone", "right-password").status_code == 400


def test_qr_link_opened_logged_out_lands_on_the_checklist_after_login(client, app):
    location = make_location()
    make_user(username="guard", password="right-password")
    db.session.commit()
    first = client.get(f"/q/{location.qr_token}")
    assert first.status_code == 302
    login_page = client.get(first.location)
    assert f'value="/q/{location.qr_token}"' in login_page.text
    after = _login(client, "guard", "right-password", next_url=f"/q/{location.qr_token}")
    assert after.location == f"/q/{location.qr_token}"
    assert client.get(after.location).location == f"/locations/{location.code}/inspect"


def test_next_pointing_off_site_is_ignored(client, app):
    make_user(username="guard", password="right-password")
    db.session.commit()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert _login(client, "guard", "right-password", next_url=target).location == "/"
        client.post("/logout")


def test_logout_ends_the_session(client, login):
    login("inspector")
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_rotated_token_shows_invalid_label_page(client, login):
    location = make_location()
    old = location.qr_token
    location.qr_token = "x" * 32
    db.session.commit()
    login("inspector")
    response = client.get(f"/q/{old}")
    assert response.status_code == 404
    assert "no longer valid" in response.text
    assert location.code not in response.text
