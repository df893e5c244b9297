"""Changing one's own password and an administrator's reset."""

from app.auth.models import User
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
