"""A NUL character anywhere a client sends text is refused with 400 before the database sees it
(PostgreSQL cannot hold one: it was a 500 there)."""

from tests.api.conftest import bearer
from tests.factories import make_location, make_user


def test_a_nul_in_a_query_parameter_is_a_400_page(client, login):
    login("manager")
    assert client.get("/locations?q=a%00b").status_code == 400
    assert client.get("/locations?q=ab").status_code == 200


def test_a_nul_in_a_path_argument_is_a_400(client, login):
    login("manager")
    location = make_location()
    assert client.get(f"/api/v1/locations/{location.code}%00").status_code == 400


def test_a_nul_in_a_json_string_is_request_malformed(client):
    headers = bearer(make_user("inspector"))
    response = client.post("/api/v1/inspections", headers=headers,
                           json={"uuid": "x", "location_token": "\x00"})
    assert (response.status_code, response.get_json()["code"]) == (400, "request.malformed")


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client):
    headers = bearer(make_user("inspector"))
    response = client.post("/api/v1/inspections", headers=headers,
                           json={"uuid": "x", "location_token": "\\u0000"})
    assert response.get_json()["code"] != "request.malformed"
