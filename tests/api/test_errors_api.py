"""The API's errors are JSON with a readable message; the pages keep their HTML errors."""

import pytest

from app.api.problems import PROBLEMS


def test_an_unknown_api_address_is_a_json_404(client, api_user):
    _user, headers = api_user()
    response = client.get("/api/v1/nothing-here", headers=headers)
    assert response.status_code == 404
    assert response.json["status"] == 404
    assert response.json["message"] == PROBLEMS["request.not_found"].text()


def test_a_wrong_method_is_a_json_405(client, api_user):
    _user, headers = api_user()
    response = client.delete("/api/v1/me", headers=headers)
    assert response.status_code == 405 and response.json["message"]


def test_a_body_that_is_not_json_is_a_json_error(client, api_user):
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", data="{oops",
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code in (400, 422) and response.json["message"]


def test_a_field_of_the_wrong_type_is_named(client, api_user):
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", json={"uuid": "x", "location_token": "t"},
                           headers=headers)
    assert response.status_code == 422
    assert "uuid" in response.json["errors"]


def test_a_server_failure_is_json_and_says_nothing_was_saved(app, client, api_user,
                                                             monkeypatch):
    _user, headers = api_user()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr("app.api.me.generate_csrf", lambda: 1 / 0)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 500
    assert response.json["message"] == PROBLEMS["server.error"].text()


def test_messages_follow_the_callers_language(client, api_user):
    response = client.get("/api/v1/me", headers={"Accept-Language": "zh-CN"})
    assert response.json["message"] == "登录或提供有效的个人接口令牌后才能使用接口。"


@pytest.mark.parametrize("url", ["/no-such-page", "/inspections/999"])
def test_pages_keep_their_html_errors(client, login, url):
    login()
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_page_refusing_a_method_is_not_json(client, login):
    login()
    response = client.delete("/locations")
    assert response.status_code == 405 and not response.is_json


def test_json_nested_a_thousand_levels_is_refused_with_422(client, api_user):
    _user, headers = api_user()
    body = "[" * 1000 + "]" * 1000
    response = client.post("/api/v1/inspections", data=body,
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert "32" in response.json["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(client, api_user):
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", json={"uuid": "[" * 100, "answers": []},
                           headers=headers)
    assert response.status_code == 422
    assert "uuid" in response.json["errors"]  # refused by the schema, not by the depth check


def test_json_larger_than_the_limit_is_a_413(app, client, api_user):
    app.config["MAX_JSON_BYTES"] = 1024
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", json={"uuid": "x" * 2000}, headers=headers)
    assert response.status_code == 413
    assert "1 KB" in response.json["message"]
