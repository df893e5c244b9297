"""PostgreSQL stopped under the running app: requests answer 503 with Retry-After at once, and
the first request after it is back works without restarting the app. A lock held too long ends
in 503 after lock_timeout. Runs its own cluster: the session's shared one is never stopped."""

import io
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.api.conftest import bearer
from tests.factories import make_location, make_template, make_user
from tests.faults.conftest import stored_files
from tests.images import jpeg
from tests.servers import free_port as _free_port
from tests.servers import pg_bin as _pg_bin

pytestmark = pytest.mark.postgres

BOUNDED = 5.0  # generous: a stopped server refuses at once, a lock waits 0.3 s


class Cluster:
    """A throwaway PostgreSQL cluster that a test may stop and start."""

    def __init__(self):
        self.bindir = _pg_bin()
        if self.bindir is None:
            pytest.fail("PostgreSQL is missing: run the README's test command, which installs "
                        "it.")
        self.datadir = Path(tempfile.mkdtemp(prefix="saferound-pg-fault-"))
        self.as_postgres = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.datadir, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self.start()

    def _run(self, program, *args):
        subprocess.run([*self.as_postgres, str(self.bindir / program), *args], check=True,
                       capture_output=True, text=True)

    def start(self):
        self._run("pg_ctl", "-D", str(self.datadir), "-w", "-l", str(self.datadir / "log"),
                  "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir} "
                        "-c fsync=off", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.datadir), "-w", "-m", "fast", "stop")

    def remove(self):
        subprocess.run([*self.as_postgres, str(self.bindir / "pg_ctl"), "-D",
                        str(self.datadir), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.datadir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture
def app(cluster, tmp_path, monkeypatch):
    """The app on the throwaway cluster, with the production pool's pre-ping and a short lock
    wait; the cluster is running again after each test."""
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": cluster.url, "DB_BUSY_TIMEOUT_MS": 300,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
        ready = subprocess.run([str(cluster.bindir / "pg_isready"), "-h", "127.0.0.1",
                                "-p", str(cluster.port)], capture_output=True)
        if ready.returncode != 0:
            cluster.start()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def guard(app):
    location = make_location()
    make_template(location.location_type, items=1)
    headers = bearer(make_user("inspector"))
    return location, headers


def _timed(call):
    started = time.monotonic()
    response = call()
    assert time.monotonic() - started < BOUNDED
    return response


def test_api_answers_busy_at_once_while_postgres_is_stopped(client, cluster, guard):
    _location, headers = guard
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    cluster.stop()
    response = _timed(lambda: client.get("/api/v1/me", headers=headers))
    assert response.status_code == 503
    assert response.json["code"] == "server.busy"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_page_answers_busy_at_once_while_postgres_is_stopped(client, login, cluster):
    login("inspector")
    assert client.get("/inspections").status_code == 200
    cluster.stop()
    response = _timed(lambda: client.get("/inspections"))
    assert response.status_code == 503
    assert "did not answer in time" in response.text
    assert "Retry-After" in response.headers


def test_first_request_after_postgres_is_back_works(client, cluster, guard):
    _location, headers = guard
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    cluster.stop()
    assert client.get("/api/v1/me", headers=headers).status_code == 503
    cluster.start()
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_upload_meeting_a_held_lock_answers_busy_after_lock_timeout(client, app, guard):
    location, headers = guard
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.rollback()
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as connection:
        # Reads go on; the photo's row must wait for the lock, which is held until the end.
        connection.execute(sa.text("LOCK TABLE photos IN EXCLUSIVE MODE"))
        response = _timed(lambda: client.post(
            "/api/v1/photos", headers=headers, content_type="multipart/form-data",
            data={"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
                  "file": (io.BytesIO(jpeg()), "p.jpg")}))
        assert response.status_code == 503
        assert response.json["code"] == "server.busy"
        assert stored_files(app) == []
        connection.rollback()
    other.dispose()
