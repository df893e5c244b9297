"""/healthz and /readyz: what each answers, and that a failing check says which and why."""

import errno
import threading
import time

import pytest

from app import create_app
from app.extensions import db
from app.photos.store import PhotoStore
from tests.servers import free_port as _free_port

CHECKS = {"database", "migrations", "photo_store", "photo_space"}


@pytest.fixture
def ready_app(app, stamp):
    """Migrated, with a threshold any disk passes."""
    stamp()
    app.config["PHOTO_MIN_FREE_MB"] = 0
    return app


def _failed(response) -> dict:
    return {name: check["reason"] for name, check in response.json["checks"].items()
            if not check["ok"]}


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "alive"}


def test_healthz_does_not_ask_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/folder/x.db"})
    assert app.test_client().get("/healthz").status_code == 200


def test_ready_when_every_check_passes(ready_app, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert set(response.json["checks"]) == CHECKS
    assert _failed(response) == {}


def test_an_unmigrated_database_is_not_ready(app, client):
    app.config["PHOTO_MIN_FREE_MB"] = 0
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready"
    assert _failed(response) == {"migrations": "not migrated: run flask db upgrade"}


def test_a_database_behind_the_newest_migration_is_not_ready(ready_app, client, stamp):
    stamp("0001")
    assert _failed(client.get("/readyz")) == {"migrations": "not at head: run flask db upgrade"}


def test_not_ready_asks_the_monitor_to_come_back(app, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"


def test_an_unreachable_database_is_not_ready(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    nobody = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/saferound"
    app = create_app({"SQLALCHEMY_DATABASE_URI": nobody, "PHOTO_MIN_FREE_MB": 0})
    with app.app_context():
        response = app.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 503
    assert _failed(response) == {"database": "error OperationalError",
                                 "migrations": "not checked: no database"}


def test_a_database_that_hangs_is_not_ready_within_the_timeout(ready_app, client, monkeypatch):
    ready_app.config["READY_TIMEOUT_SECONDS"] = 0.2
    release = threading.Event()
    monkeypatch.setattr("app.health.checks._ask_database", lambda engine: release.wait(30))
    started = time.monotonic()
    try:
        response = client.get("/readyz")
    finally:
        release.set()
    assert time.monotonic() - started < 5  # not the 30 s the database would have taken
    assert response.status_code == 503
    assert _failed(response)["database"] == "no answer in time"


def test_an_unwritable_photo_store_is_named_without_its_path(ready_app, client, monkeypatch):
    def refuse(store):
        raise PermissionError(errno.EACCES, "Permission denied", str(store.folder))

    monkeypatch.setattr(PhotoStore, "check_writable", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _failed(response) == {"photo_store": "not writable (EACCES)"}
    assert ready_app.config["PHOTO_DIR"] not in response.text


def test_photo_space_below_the_threshold_is_not_ready(ready_app, client):
    ready_app.config["PHOTO_MIN_FREE_MB"] = 10**12  # a petabyte and more: no test disk has it
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _failed(response) == {"photo_space": "free space below PHOTO_MIN_FREE_MB"}


def test_the_answer_names_no_path_user_or_version(ready_app, client, login):
    user = login("admin")
    body = client.get("/readyz").text
    for private in (ready_app.instance_path, ready_app.config["PHOTO_DIR"], "sqlite", "/",
                    user.username):
        assert private not in body


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_are_never_cached_and_set_no_cookie(ready_app, client, url):
    response = client.get(url)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
