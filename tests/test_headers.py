"""Security headers on pages, the API, static files and the wall; HSTS only where it can hold."""

import re
from pathlib import Path

import pytest

from app import create_app
from app.common.headers import CONTENT_SECURITY_POLICY
from app.extensions import db
from app.wall.models import DisplayToken
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_hardened(response):
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "camera=(self)" in response.headers["Permissions-Policy"]


def test_the_policy_allows_no_inline_code_nor_eval_and_no_other_host(client):
    directives = policy(client.get("/login"))
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    sources = {s for values in directives.values() for s in values}
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & sources


def test_no_site_can_frame_a_page(client, login):
    login("manager")
    response = client.get("/hazards/")
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_page_carries_every_header(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert_hardened(response)
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_an_error_page_carries_every_header(client, login):
    login("manager")
    response = client.get("/hazards/YH-0000-00000")
    assert response.status_code == 404
    assert_hardened(response)


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/openapi.json"])
def test_api_json_carries_every_header(client, path):
    response = client.get(path)
    assert response.is_json
    assert_hardened(response)


def test_static_files_carry_every_header(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert_hardened(response)
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_service_worker_carries_every_header(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert_hardened(response)


def test_the_wall_keeps_no_referrer(client):
    display = DisplayToken(name="TV", created_by_id=make_user("manager").id)
    db.session.add(display)
    db.session.commit()
    response = client.get(f"/wall/{display.token}")
    assert response.status_code == 200
    assert_hardened(response)
    assert response.headers.get_all("Referrer-Policy") == ["no-referrer"]


def test_the_camera_is_the_apps_alone_and_nothing_else_is_allowed(client):
    allowed = dict(item.strip().split("=") for item in
                   client.get("/scan").headers["Permissions-Policy"].split(","))
    assert allowed.pop("camera") == "(self)"
    assert allowed.pop("microphone") == "()"
    assert allowed.pop("geolocation") == "()"
    assert set(allowed.values()) == {"()"}


@pytest.fixture
def app_for(tmp_path, monkeypatch):
    """app_for(env, **settings): an app configured as SAFEROUND_ENV=env."""

    def _app(env, **settings):
        monkeypatch.setenv("SAFEROUND_ENV", env)
        monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / env))
        return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.db'}",
                           "SECRET_KEY": "a-real-secret", **settings})

    return _app


@pytest.mark.parametrize(("env", "scheme", "expected"), [
    ("production", "https", "max-age=31536000"),
    ("production", "http", None),
    ("development", "https", None),
    ("testing", "https", None),
])
def test_hsts_only_in_production_over_https(app_for, env, scheme, expected):
    response = app_for(env).test_client().get("/login", base_url=f"{scheme}://saferound.test")
    assert response.headers.get("Strict-Transport-Security") == expected


def test_hsts_can_be_turned_off(app_for):
    app = app_for("production", HSTS_SECONDS=0)
    response = app.test_client().get("/login", base_url="https://saferound.test")
    assert "Strict-Transport-Security" not in response.headers


def test_a_forged_forwarded_proto_is_ignored_without_a_proxy(app_for):
    response = app_for("production").test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_trusted_proxy_its_forwarded_proto_and_address_count(app_for):
    app = app_for("production", PROXY_FIX=1)
    seen = {}

    @app.get("/_seen")
    def _seen():
        from flask import request

        seen.update(secure=request.is_secure, address=request.remote_addr)
        return "ok"

    response = app.test_client().get("/_seen", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert seen == {"secure": True, "address": "10.1.2.3"}


# What the policy refuses, written into our own files: caught here before a browser meets it.
INLINE_IN_TEMPLATES = re.compile(
    r"<style|\sstyle=|\son[a-z]+=|javascript:|<script(?![^>]*\b(?:src=|type=\"application/json\"))")
INLINE_IN_SCRIPTS = re.compile(r"setAttribute\(\s*[\"']style|\bstyle=|cssText|\beval\(|new Function"
                               r"|insertAdjacentHTML|innerHTML")


@pytest.mark.parametrize("path", sorted(ROOT.glob("templates/**/*.html")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_carries_inline_code_or_style(path):
    assert INLINE_IN_TEMPLATES.findall(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", sorted(ROOT.glob("static/js/*.js")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_script_of_ours_writes_inline_style_or_evaluates_text(path):
    assert INLINE_IN_SCRIPTS.findall(path.read_text(encoding="utf-8")) == []
