"""Every API refusal carries a stable code from one catalogue, which the OpenAPI document lists.

(tests/conftest.py's `client` also checks that every refusal any API test receives carries a
catalogued code with its status.)"""

import pytest

from app.api.problems import PROBLEMS
from app.extensions import db
from app.photos.pipeline import REASONS
from tests.api.conftest import inspection_body, upload
from tests.factories import make_hazard
from tests.images import bad_photo


def test_every_code_is_listed_in_the_openapi_document(client):
    error = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Error"]
    assert error["properties"]["code"]["enum"] == list(PROBLEMS)
    for code, problem in PROBLEMS.items():
        assert f"| `{code}` | {problem.status} |" in error["description"]


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_a_photo_is_refused_for_has_a_code(reason):
    assert PROBLEMS[f"photo.{reason}"].status == 422


def test_an_unknown_address_is_request_not_found(client, api_user):
    _user, headers = api_user()
    response = client.get("/api/v1/nothing-here", headers=headers)
    assert response.json == {"code": "request.not_found", "status": 404,
                             "message": PROBLEMS["request.not_found"].text(),
                             "request_id": response.headers["X-Request-ID"]}


def test_a_wrong_method_is_request_method_not_allowed(client, api_user):
    _user, headers = api_user()
    response = client.delete("/api/v1/me", headers=headers)
    assert response.json["code"] == "request.method_not_allowed"


def test_nobody_logged_in_is_auth_required(client):
    assert client.get("/api/v1/me").json["code"] == "auth.required"


def test_a_wrong_token_is_auth_token_invalid(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert response.json["code"] == "auth.token_invalid"


def test_a_session_write_without_its_header_is_auth_csrf_missing(app, client, login, place):
    location, version = place
    login()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/inspections", json=inspection_body(location, version))
    assert response.json["code"] == "auth.csrf_missing"


def test_a_password_to_change_first_is_auth_password_change_required(client, login):
    user = login()
    user.must_change_password = True
    db.session.commit()
    response = client.get("/api/v1/locations")
    assert (response.status_code, response.json["code"]) == (
        403, "auth.password_change_required")


def test_a_field_of_the_wrong_type_is_validation_invalid_fields(client, api_user):
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", json={"uuid": "x"}, headers=headers)
    assert response.json["code"] == "validation.invalid_fields"


def test_a_missing_answer_is_validation_invalid_answers(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", headers=headers,
                           json=inspection_body(location, version, outcomes=("pass",)))
    assert response.json["code"] == "validation.invalid_answers"


def test_two_conflicts_are_told_apart_by_their_codes(client, place, api_user):
    location, version = place
    _first, first_headers = api_user()
    _second, second_headers = api_user()
    body, later = inspection_body(location, version), inspection_body(location, version)
    client.post("/api/v1/inspections", json=body, headers=first_headers)
    reused = client.post("/api/v1/inspections", json=body, headers=second_headers)
    location.qr_token = "r" * 32  # the label was rotated after `later` was filled
    db.session.commit()
    replaced = client.post("/api/v1/inspections", json=later, headers=first_headers)
    assert (reused.status_code, replaced.status_code) == (409, 409)
    assert (reused.json["code"], replaced.json["code"]) == (
        "inspection.uuid_conflict", "location.label_replaced")


def test_a_place_one_may_not_inspect_is_inspection_place_forbidden(client, place, api_user):
    location, version = place
    _lead, headers = api_user("dept_lead")
    response = client.post("/api/v1/inspections", json=inspection_body(location, version),
                           headers=headers)
    assert response.json["code"] == "inspection.place_forbidden"


def test_a_move_the_status_does_not_allow_is_hazard_move_not_allowed(client, api_user):
    hazard = make_hazard("closed")
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/verify", headers=headers,
                           json={})
    assert response.json["code"] == "hazard.move_not_allowed"


def test_a_move_the_role_may_not_make_is_hazard_move_forbidden(client, api_user):
    hazard = make_hazard()
    db.session.commit()
    _inspector, headers = api_user()
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/assign", headers=headers,
                           json={})
    assert response.json["code"] == "hazard.move_forbidden"


def test_an_unknown_label_is_location_unknown_label(client, api_user):
    _user, headers = api_user()
    response = client.get("/api/v1/locations/by-token/" + "x" * 32, headers=headers)
    assert response.json["code"] == "location.unknown_label"


@pytest.mark.parametrize(("name", "code"), [("empty", "photo.empty"),
                                            ("text_named_jpg", "photo.not_an_image"),
                                            ("bomb_png", "photo.too_many_pixels")])
def test_a_refused_photo_names_its_reason(client, place, api_user, name, code):
    location, _version = place
    _user, headers = api_user()
    response = upload(client, headers, location, data=bad_photo(name))
    assert response.json["code"] == code
    assert response.json["errors"]["file"] == [response.json["message"]]


def test_a_photo_reused_by_someone_else_is_photo_uuid_conflict(client, place, api_user):
    location, _version = place
    _first, first_headers = api_user()
    _second, second_headers = api_user()
    photo_id = upload(client, first_headers, location).json["uuid"]
    response = upload(client, second_headers, location, photo_uuid=photo_id)
    assert response.json["code"] == "photo.uuid_conflict"


def test_an_upload_without_a_place_is_photo_place_missing(client, api_user):
    _user, headers = api_user()
    response = client.post("/api/v1/photos", data={"uuid": "6a1f0c52-8f1e-4a55-9d7c-0b6f0d6e5a10",
                                                   "file": (bad_photo("empty"), "p.jpg")},
                           headers=headers, content_type="multipart/form-data")
    assert response.json["code"] == "photo.place_missing"


def test_json_too_deep_is_request_json_too_deep(client, api_user):
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", data="[" * 100 + "]" * 100,
                           headers={**headers, "Content-Type": "application/json"})
    assert response.json["code"] == "request.json_too_deep"
    assert "32" in response.json["message"]


def test_json_over_the_limit_is_request_json_too_large(app, client, api_user):
    app.config["MAX_JSON_BYTES"] = 1024
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", json={"uuid": "x" * 2000}, headers=headers)
    assert response.json["code"] == "request.json_too_large"
    assert "1 KB" in response.json["message"]


def test_a_server_failure_is_server_error(app, client, api_user, monkeypatch):
    _user, headers = api_user()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr("app.api.me.generate_csrf", lambda: 1 / 0)
    response = client.get("/api/v1/me", headers=headers)
    assert response.json["code"] == "server.error"
