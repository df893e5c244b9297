"""Fixtures: a fresh app and database per test, a client, logging in, a private PostgreSQL."""

import contextlib
import os
import uuid

import pytest
from flask import g, has_app_context, request, request_finished
from flask.testing import FlaskClient
from flask_babel import force_locale

from app import create_app
from app.api.problems import PROBLEMS
from app.extensions import db
from tests import servers
from tests.factories import make_user

os.environ["SAFEROUND_ENV"] = "testing"


@contextlib.contextmanager
def running_app(tmp_path, monkeypatch, **settings):
    """An app on a fresh SQLite database in `tmp_path` (or the URL given in settings), its
    tables made, inside its app context; `settings` override the testing ones."""
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
                      **settings})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path, monkeypatch):
    with running_app(tmp_path, monkeypatch) as app:
        yield app


class FreshRequestClient(FlaskClient):
    """Requests reuse the test's app context (one database session, so tests see what views
    wrote); clearing `g` first gives each request the fresh per-request state it has in
    production (Flask-Login's user, Flask-Babel's locale)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(vars(g)):
                delattr(g, key)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    """A test client whose browser asks for English (tests of Chinese ask for it themselves).
    Every API refusal it receives must carry a catalogued code with its status."""
    app.test_client_class = FreshRequestClient
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    uncatalogued = []

    def check_code(_sender, response, **_extra):
        if request.path.startswith("/api/v1/") and response.status_code >= 400:
            body = response.get_json(silent=True) or {}
            problem = PROBLEMS.get(body.get("code"))
            if problem is None or body.get("status") != response.status_code or (
                    problem.status != response.status_code):
                uncatalogued.append((request.method, request.path, response.status_code, body))

    with request_finished.connected_to(check_code, app):
        yield client
    assert not uncatalogued, f"API refusals without a catalogued code: {uncatalogued}"


@pytest.fixture
def english(app):
    """Messages of services called outside a request (whose default is Chinese) in English."""
    with force_locale("en"):
        yield


@pytest.fixture
def login(client):
    """login(role=..., **user fields) makes a user, logs the client in and returns the user."""

    def _login(role="inspector", **fields):
        user = make_user(role=role, password="correct horse", **fields)
        db.session.commit()
        response = client.post("/login", data={"username": user.username,
                                               "password": "correct horse"})
        assert response.status_code == 302, response.text
        return user

    return _login


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL cluster for this test run, as a SQLAlchemy URL; stopped at the end."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    try:
        with servers.running_postgres() as url:
            yield url
    except servers.Missing as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def redis_url():
    """A private Redis for this test run (one per worker); its URL."""
    try:
        with servers.running_redis() as url:
            yield url
    except servers.Missing as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def s3_server():
    """A private SeaweedFS S3 gateway for this test run (one per worker)."""
    try:
        with servers.running_s3() as server:
            yield server
    except servers.Missing as e:
        pytest.fail(str(e))


@pytest.fixture
def s3_bucket(s3_server):
    """A new, empty bucket on the private S3 server; its name."""
    name = f"t-{uuid.uuid4().hex[:20]}"
    s3_server.create_bucket(name)
    return name


def s3_settings(server, bucket: str, prefix: str = "photos") -> dict:
    """The settings that put an app's photos into `bucket` on the private S3 server."""
    return {"PHOTO_STORE": f"s3://{bucket}/{prefix}", "S3_ENDPOINT_URL": server.endpoint,
            "S3_REGION": server.region, "S3_ACCESS_KEY_ID": server.access_key,
            "S3_SECRET_ACCESS_KEY": server.secret_key}


@pytest.fixture
def s3_app(tmp_path, monkeypatch, s3_server, s3_bucket):
    """The app with its photos in a fresh bucket (s3://<bucket>/photos) of the private S3
    server; a test module uses it as its `app` with `def app(s3_app): return s3_app`."""
    with running_app(tmp_path, monkeypatch, **s3_settings(s3_server, s3_bucket)) as app:
        yield app


@pytest.fixture
def pg_database(postgres_url):
    """A new, empty database on the private server; its URL."""
    with new_database(postgres_url, f"t_{os.getpid()}_{servers.free_port()}") as url:
        yield url


@pytest.fixture
def pg_app(tmp_path, monkeypatch, pg_database):
    """The app on a new database of the private PostgreSQL server."""
    with running_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=pg_database) as app:
        yield app


@contextlib.contextmanager
def new_database(postgres_url, name):
    """A new, empty database `name` on the private server, dropped afterwards; its URL."""
    import sqlalchemy as sa

    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
