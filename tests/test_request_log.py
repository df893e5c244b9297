"""The log: one JSON line per request, a request id on every answer, tracebacks once."""

import json
import logging
import sys

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wsgi import FileWrapper

from app import create_app
from app.extensions import db
from tests.factories import make_location

ACCESS_FIELDS = {"request_id", "user_id", "method", "route", "status", "duration_ms", "bytes"}


def log_lines(capsys) -> list[dict]:
    """The JSON lines the app has written to stderr since the last call."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()
            if line.startswith("{")]


def access_lines(capsys, request_id: str) -> list[dict]:
    return [line for line in log_lines(capsys)
            if line["logger"] == "app.access" and line["request_id"] == request_id]


def test_a_request_writes_one_line_with_its_fields(client, login, capsys):
    user = login("manager")
    response = client.get("/inspections/999")
    body = response.data
    [line] = access_lines(capsys, response.headers["X-Request-ID"])
    assert set(line) >= ACCESS_FIELDS
    assert line["user_id"] == user.id
    assert line["method"] == "GET"
    assert line["status"] == 404
    assert line["bytes"] == len(body)
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"


def test_the_line_names_the_route_not_the_path_with_its_token(client, capsys):
    location = make_location()
    db.session.commit()
    response = client.get(f"/q/{location.qr_token}")
    response.close()
    [line] = access_lines(capsys, response.headers["X-Request-ID"])
    assert line["route"] == "/q/<token>"
    assert line["user_id"] is None


def test_the_token_of_a_failing_path_is_not_logged(app, client, login, capsys, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login()
    location = make_location()
    db.session.commit()
    monkeypatch.setattr("app.locations.views.location_by_token", lambda token: 1 / 0)
    response = client.get(f"/q/{location.qr_token}")
    response.close()
    assert response.status_code == 500
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err
    assert location.qr_token not in err


def test_a_static_file_has_its_line(client, capsys):
    response = client.get("/static/css/app.css")
    body = response.data
    [line] = access_lines(capsys, response.headers["X-Request-ID"])
    assert line["route"] == "/static/<path:filename>"
    assert line["bytes"] == len(body)


def test_an_unknown_address_is_logged_without_a_route(client, capsys):
    response = client.get("/no/such/page")
    response.close()
    [line] = access_lines(capsys, response.headers["X-Request-ID"])
    assert (line["route"], line["status"]) == (None, 404)


@pytest.mark.parametrize("url", ["/login", "/", "/no-such-page", "/api/v1/me",
                                 "/static/css/app.css"])
def test_every_answer_carries_a_request_id(client, url):
    response = client.get(url)
    assert len(response.headers["X-Request-ID"]) == 9  # XXXX-XXXX


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/login").headers["X-Request-ID"] for _ in range(20)}
    assert len(ids) == 20


def test_a_proxys_request_id_is_kept(client, capsys):
    proxy_id = "0f9e4c2a8b7d4e1f9a3c5b6d7e8f9012"
    response = client.get("/login", headers={"X-Request-ID": proxy_id})
    response.close()
    assert response.headers["X-Request-ID"] == proxy_id
    assert len(access_lines(capsys, proxy_id)) == 1


@pytest.mark.parametrize("junk", ["", "short", "has space", "<script>x</script>", "a" * 65,
                                  '"quoted-value"', "semi;colon-123", "ümlaut-id-123",
                                  "-leading-dash"])
def test_a_junk_request_id_is_replaced(client, junk):
    response = client.get("/login", headers={"X-Request-ID": junk})
    assert response.headers["X-Request-ID"] != junk
    assert len(response.headers["X-Request-ID"]) == 9


@pytest.mark.parametrize("url", ["/no-such-page", "/inspections/999"])
def test_an_error_page_shows_the_id_the_header_carries(client, login, url):
    login()
    response = client.get(url)
    assert f"Request id: <strong>{response.headers['X-Request-ID']}</strong>" in response.text


def test_an_error_page_in_chinese_names_the_id(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert f"错误编号： <strong>{response.headers['X-Request-ID']}</strong>" in response.text


def test_an_api_error_body_carries_the_request_id(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["request_id"] == response.headers["X-Request-ID"]


def test_an_unexpected_exception_is_logged_once_with_traceback_and_id(app, client, login,
                                                                      capsys, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login()
    capsys.readouterr()
    monkeypatch.setattr("app.api.me.generate_csrf", lambda: 1 / 0)
    # As after a migration run in the same process: the root logger writes to stderr too.
    root_handler = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(root_handler)
    try:
        response = client.get("/api/v1/me")
        response.close()
    finally:
        logging.getLogger().removeHandler(root_handler)
    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert response.json["request_id"] == request_id
    err = capsys.readouterr().err
    assert err.count("ZeroDivisionError: division by zero") == 1
    [error] = [json.loads(line) for line in err.splitlines() if "Traceback" in line]
    assert error["request_id"] == request_id
    assert error["level"] == "ERROR"
    assert error["message"] == "Unhandled exception in GET /api/v1/me"


def test_the_500_page_shows_the_request_id(app, client, login, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login()
    monkeypatch.setattr("app.main.views.render_template",
                        lambda *a, **k: 1 / 0, raising=True)
    response = client.get("/")
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] in response.text


def test_text_format_for_a_person_at_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't.db'}",
                      "LOG_FORMAT": "text"})
    response = app.test_client().get("/static/css/app.css")
    response.close()
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert (f"INFO app.access [{response.headers['X-Request-ID']}] "
            "GET /static/<path:filename> 200 ") in line


def test_an_unknown_log_format_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        create_app({"LOG_FORMAT": "xml"})


def test_a_file_the_server_sends_itself_is_left_to_it(app, capsys):
    """gunicorn sends a wsgi.file_wrapper body with sendfile: it must reach gunicorn unwrapped,
    and its line is written with the file's length."""
    environ = EnvironBuilder(path="/static/css/app.css").get_environ()
    environ["wsgi.file_wrapper"] = FileWrapper
    headers = {}
    body = app.wsgi_app(environ, lambda status, h, exc_info=None: headers.update(h))
    assert isinstance(body, FileWrapper)
    body.close()
    [line] = access_lines(capsys, headers["X-Request-ID"])
    assert line["bytes"] == int(headers["Content-Length"]) > 0
