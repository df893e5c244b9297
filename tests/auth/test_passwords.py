"""Changing one's own password and an administrator's reset; what a password must be; the
change an administrator-set password needs at first login."""

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import check_new_password, is_common
from app.common.errors import DomainError
from app.extensions import db
from tests.factories import make_user


def test_user_changes_own_password(client, login):
    user = login("inspector")
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "new-password-1",
        "confirm": "new-password-1"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).check_password("new-password-1")


def test_wrong_current_password_changes_nothing(client, login):
    user = login("inspector")
    response = client.post("/account/password", data={
        "current_password": "not it", "new_password": "new-password-1",
        "confirm": "new-password-1"})
    assert response.status_code == 400
    assert "current password is not right" in response.text
    assert db.session.get(User, user.id).check_password("correct horse")


def test_mismatched_new_passwords_are_refused(client, login):
    login("inspector")
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "new-password-1",
        "confirm": "new-password-2"})
    assert response.status_code == 400
    assert "The two new passwords differ." in response.text


def test_admin_resets_a_password(client, login):
    login("admin")
    other = make_user("viewer")
    db.session.commit()
    response = client.post(f"/admin/users/{other.id}/password",
                           data={"reset-password": "brand-new-pass"})
    assert response.status_code == 302
    assert db.session.get(User, other.id).check_password("brand-new-pass")


def test_short_reset_password_is_refused(client, login):
    login("admin")
    other = make_user("viewer", password="old-password")
    db.session.commit()
    response = client.post(f"/admin/users/{other.id}/password", data={"reset-password": "short"})
    assert response.status_code == 400
    assert db.session.get(User, other.id).check_password("old-password")


# The rule every new password meets (app/auth/passwords.py).


@pytest.mark.parametrize("password", ["123456", "888888", "woaini1314", "qwerty123", "password1",
                                      "P@ssw0rd", "1qaz2wsx3edc", "Password123", "5201314520"])
def test_common_passwords_are_on_the_list(password):
    assert is_common(password)


def test_an_ordinary_long_password_is_not_common():
    assert not is_common("tangerine-ward-7-lift")


@pytest.mark.parametrize(("password", "message"), [
    ("nine-char", "at least 10 characters"),
    ("guardzhang", "must not contain the username"),
    ("GuardZhang-2026", "must not contain the username"),
    ("woaini1314", "passwords people choose most often"),
    ("qwertyuiop", "passwords people choose most often"),
])
def test_a_weak_password_is_refused_with_a_reason(app, english, password, message):
    with pytest.raises(DomainError) as refused:
        check_new_password(password, "guardzhang")
    assert message in refused.value.message and refused.value.field == "password"


def test_a_short_username_is_refused_only_as_the_whole_password(app):
    check_new_password("lighthouse-keeper", "li")
    with pytest.raises(DomainError):
        check_new_password("li", "li")


def test_the_minimum_length_is_a_setting(app, english):
    app.config["PASSWORD_MIN_LENGTH"] = 14
    with pytest.raises(DomainError, match="at least 14 characters"):
        check_new_password("thirteen-char", "guard")
    check_new_password("fourteen-chars", "guard")


def test_own_change_refuses_a_common_password(client, login):
    user = login("inspector")
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "1qaz2wsx3edc",
        "confirm": "1qaz2wsx3edc"})
    assert response.status_code == 400 and 'id="new_password-err"' in response.text
    assert db.session.get(User, user.id).check_password("correct horse")


def test_own_change_refuses_the_username(client, login):
    user = login("inspector", username="wanglei")
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "wanglei-2026",
        "confirm": "wanglei-2026"})
    assert response.status_code == 400 and "must not contain the username" in response.text
    assert db.session.get(User, user.id).check_password("correct horse")


def test_own_change_refuses_the_same_password(client, login):
    login("inspector")
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "correct horse",
        "confirm": "correct horse"})
    assert response.status_code == 400 and "different from the current one" in response.text


def test_admin_reset_refuses_a_common_password(client, login):
    login("admin")
    other = make_user("viewer", password="old-password")
    db.session.commit()
    response = client.post(f"/admin/users/{other.id}/password",
                           data={"reset-password": "password123"})
    assert response.status_code == 400 and 'id="reset-password-err"' in response.text
    assert db.session.get(User, other.id).check_password("old-password")


def test_admin_create_refuses_the_username_as_password(client, login):
    login("admin")
    response = client.post("/admin/users/new", data={
        "username": "zhaomin", "full_name": "赵敏", "role": "viewer", "department_id": "",
        "password": "zhaomin123456", "active": "y"})
    assert response.status_code == 400 and "must not contain the username" in response.text
    assert db.session.scalar(select(User).where(User.username == "zhaomin")) is None


def test_cli_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "chief", "--name", "院长", "--password", "1234567890"])
    assert result.exit_code != 0 and "最常用的密码" in result.output
    assert db.session.scalar(select(User)) is None


# An administrator-set password must be changed at first login.


def test_a_user_created_by_an_admin_must_change_the_password(client, login):
    login("admin")
    client.post("/admin/users/new", data={
        "username": "newguard", "full_name": "新保安", "role": "viewer", "department_id": "",
        "password": "set-by-admin-1", "active": "y"})
    assert db.session.scalar(select(User).where(User.username == "newguard")).must_change_password


def test_an_admin_reset_must_be_changed(client, login):
    login("admin")
    other = make_user("viewer")
    db.session.commit()
    client.post(f"/admin/users/{other.id}/password", data={"reset-password": "set-by-admin-1"})
    assert db.session.get(User, other.id).must_change_password


def test_the_cli_user_chose_their_own_password(app):
    app.test_cli_runner().invoke(
        args=["users", "create", "chief", "--name", "院长", "--password", "long-password"])
    assert not db.session.scalar(select(User)).must_change_password


@pytest.fixture
def told_password(client):
    """A guard logged in with the password an administrator told them."""
    user = make_user(username="guard", password="set-by-admin-1", must_change_password=True)
    db.session.commit()
    client.post("/login", data={"username": "guard", "password": "set-by-admin-1"})
    return user


@pytest.mark.parametrize("path", ["/", "/locations", "/account", "/account/tokens", "/hazards/"])
def test_every_page_leads_to_the_password_change_first(client, told_password, path):
    response = client.get(path)
    assert response.status_code == 302 and response.location == "/account/password"


def test_the_change_page_says_why(client, told_password):
    page = client.get("/account/password")
    assert page.status_code == 200 and "An administrator set your password" in page.text


def test_the_api_refuses_until_the_password_is_changed(client, told_password):
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert "An administrator set your password" in response.json["message"]


def test_a_token_is_not_held_up_by_the_password_change(app, told_password):
    from app.auth.tokens import create_api_token

    _token, secret = create_api_token(told_password, "report")
    db.session.commit()
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_logout_and_static_stay_open(client, told_password):
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post("/logout").status_code == 302


def test_after_the_change_the_pages_open(client, told_password):
    response = client.post("/account/password", data={
        "current_password": "set-by-admin-1", "new_password": "my-own-choice-9",
        "confirm": "my-own-choice-9"})
    assert response.status_code == 302
    assert not db.session.get(User, told_password.id).must_change_password
    assert client.get("/").status_code == 200


def test_demo_accounts_are_not_forced_to_change(client):
    """The demo's short, public password logs in and opens pages (development only)."""
    from app.demo import loader

    loader._users(loader._departments())  # the demo's accounts, without its long history
    db.session.commit()
    client.post("/login", data={"username": "guard1", "password": loader.DEMO_PASSWORD})
    assert client.get("/").status_code == 200


def test_an_admin_resetting_their_own_password_chose_it(client, login):
    admin = login("admin")
    response = client.post(f"/admin/users/{admin.id}/password",
                           data={"reset-password": "my-own-new-one"})
    assert response.status_code == 302
    assert not db.session.get(User, admin.id).must_change_password
    assert client.get("/admin/users").status_code == 200  # still logged in here
