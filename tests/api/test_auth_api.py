"""Who may call the API: sessions with their CSRF header, personal tokens, nobody else."""

from app.auth.models import ApiToken
from app.auth.tokens import create_api_token, live_api_token
from app.extensions import db
from tests.api.conftest import bearer, inspection_body
from tests.factories import make_user


def test_nobody_logged_in_gets_a_json_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["message"]


def test_a_token_calls_as_its_owner(client, api_user):
    user, headers = api_user("viewer")
    assert client.get("/api/v1/me", headers=headers).json["username"] == user.username


def test_a_token_has_exactly_its_owners_rights(client, place, api_user):
    location, version = place
    _viewer, headers = api_user("viewer")
    response = client.post("/api/v1/inspections", json=inspection_body(location, version),
                           headers=headers)
    assert response.status_code == 403


def test_a_revoked_token_no_longer_works(client, api_user):
    _user, headers = api_user()
    token = db.session.scalars(db.select(ApiToken)).one()
    token.revoked_at = token.created_at
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_token_of_a_disabled_user_no_longer_works(client, api_user):
    user, headers = api_user()
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_bad_token_is_refused_even_with_a_session(client, login):
    login("manager")
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer sr_nope"})
    assert response.status_code == 401


def test_a_token_records_when_it_was_last_used(client, api_user):
    _user, headers = api_user()
    client.get("/api/v1/me", headers=headers)
    assert db.session.scalars(db.select(ApiToken)).one().last_used_at is not None


def test_a_session_write_needs_the_csrf_header(app, client, login, place):
    location, version = place
    login()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/inspections", json=inspection_body(location, version))
    assert response.status_code == 400
    assert "X-CSRFToken" in response.json["message"]


def test_a_session_write_with_the_csrf_header_passes(app, client, login, place):
    location, version = place
    login()
    app.config["WTF_CSRF_ENABLED"] = True
    csrf = client.get("/api/v1/me").json["csrf_token"]
    response = client.post("/api/v1/inspections", json=inspection_body(location, version),
                           headers={"X-CSRFToken": csrf})
    assert response.status_code == 201


def test_a_token_write_needs_no_csrf_header(app, client, place):
    location, version = place
    headers = bearer(make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/inspections", json=inspection_body(location, version),
                           headers=headers)
    assert response.status_code == 201


def test_making_a_token_shows_it_once(client, login):
    login()
    page = client.post("/account/tokens", data={"name": "月报"}).text
    token = db.session.scalars(db.select(ApiToken)).one()
    assert token.name == "月报" and token.prefix in page and "sr_" in page
    assert "sr_" not in client.get("/account/tokens").text.replace(token.prefix, "")


def test_a_token_needs_a_name(client, login):
    login()
    response = client.post("/account/tokens", data={"name": " "})
    assert response.status_code == 400
    assert db.session.scalars(db.select(ApiToken)).first() is None


def test_revoking_a_token_from_the_page(client, login):
    user = login()
    client.post("/account/tokens", data={"name": "report"})
    token = db.session.scalars(db.select(ApiToken)).one()
    client.post(f"/account/tokens/{token.id}/revoke")
    assert token.revoked_at is not None and token.user_id == user.id


def test_nobody_revokes_another_persons_token(client, login):
    other = make_user()
    bearer(other)
    token = db.session.scalars(db.select(ApiToken)).one()
    login()
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert token.revoked_at is None


def test_looking_up_a_token_writes_nothing(app):
    token, secret = create_api_token(make_user(), "sensor")
    db.session.commit()
    assert live_api_token(secret) is token
    assert token.last_used_at is None
    assert not db.session.dirty
