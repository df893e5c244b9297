"""Fault fixtures: a short database wait, a SQLite database locked by another process's
connection, a photo disk that fails."""

import io
import os
import sqlite3
import uuid

import pytest

from app.extensions import db
from app.photos.store import photo_store
from tests.conftest import running_app
from tests.factories import make_location, make_template
from tests.images import jpeg

# Short, so that each locked request is over in a moment; production waits 5 s.
BUSY_MS = 200


@pytest.fixture
def app(tmp_path, monkeypatch, database):
    with running_app(tmp_path, monkeypatch, tables_made=True, SQLALCHEMY_DATABASE_URI=database,
                     DB_BUSY_TIMEOUT_MS=BUSY_MS) as app:
        yield app


@pytest.fixture
def place(app):
    """A place whose checklist has two pass/fail items; the first needs a photo on failure."""
    location = make_location(code="PWR-1F-01")
    template = make_template(location.location_type, items=2)
    template.current_version.items[0].photo_required_on_fail = True
    db.session.commit()
    return location, template.current_version


class DatabaseLock:
    """Another connection (as another process would make) that takes SQLite's write lock with
    BEGIN EXCLUSIVE when called, and gives it back on release()."""

    def __init__(self):
        self.other = None

    def __call__(self):
        db.session.rollback()  # the test's own session keeps no read snapshot across it
        self.other = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=0)
        self.other.execute("BEGIN EXCLUSIVE")

    def release(self):
        if self.other is not None:
            self.other.rollback()
            self.other.close()
            self.other = None


@pytest.fixture
def lock_database(app):
    lock = DatabaseLock()
    yield lock
    lock.release()


@pytest.fixture
def failing_disk(monkeypatch):
    """failing_disk(code, after=0): every photo file written after the first `after` fails with
    that errno, as a full or broken disk fails (at the fsync that makes the file durable)."""

    def _fail(code, after=0):
        fsync = os.fsync
        calls = []

        def broken(fd):
            calls.append(fd)
            if len(calls) > after:
                raise OSError(code, os.strerror(code))
            return fsync(fd)

        monkeypatch.setattr(os, "fsync", broken)

    return _fail


def stored_files(app) -> list[str]:
    """Every file under the photo folder, temporary ones included."""
    folder = photo_store().folder
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def checklist_form(version, *, photo: bool = False, **fields) -> dict:
    """The checklist page's form: all pass, or the first item failed with a photo."""
    a, b = version.items
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(version.id),
            f"i{a.id}-outcome": "pass", f"i{b.id}-outcome": "pass", **fields}
    if photo:
        data[f"i{a.id}-outcome"] = "fail"
        data[f"i{a.id}-note"] = "绝缘垫破损"
        data[f"i{a.id}-photos"] = (io.BytesIO(jpeg()), "p.jpg")
    return data
