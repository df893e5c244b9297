"""Backup test helpers: stored photos, a filled instance, a fresh empty one."""

import contextlib
import os

import pytest

from app import create_app
from app.backup.databases import FILES
from app.extensions import db
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.conftest import new_database
from tests.factories import make_hazard, make_inspection, make_user


def stored_photo(uploader=None) -> Photo:
    """A photo row whose photo and thumbnail files are in the store (bytes need not be JPEG)."""
    data = os.urandom(64)
    return Photo(sha256=photo_store().save(data), thumb_sha256=photo_store().save(data + b"t"),
                 width=800, height=600, size_bytes=64, uploaded_by=uploader or make_user())


def fill() -> None:
    """An inspection with a photo on its failed item, and the hazard it raised with a photo on
    its report event: rows of every counted kind, a hash chain, four photo files."""
    inspection = make_inspection(outcomes=("fail",))
    inspection.results[0].photos.append(stored_photo())
    make_hazard(status="assigned", item_result=inspection.results[0], photos=[stored_photo()])
    db.session.commit()


@pytest.fixture
def backup(tmp_path):
    """Where snapshots go."""
    return tmp_path / "backup"


def new_instance(path, monkeypatch, url=None):
    """Another instance of the application (its own folder, photos and database), as a
    restore target; with `url` None, an empty SQLite file that does not exist yet."""
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(path))
    return create_app({"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{path / 'restored.db'}",
                       "PHOTO_DIR": str(path / "photos")})


@pytest.fixture
def fresh(tmp_path, monkeypatch, engine, request):
    """An empty instance to restore into, on the test's engine."""
    with contextlib.ExitStack() as stack:
        url = None
        if engine == "postgres":
            url = stack.enter_context(new_database(request.getfixturevalue("postgres_url"),
                                                   f"fresh_{os.getpid()}_{tmp_path.name}"))
        instance = new_instance(tmp_path / "fresh", monkeypatch, url)
        yield instance
        with instance.app_context():
            db.engine.dispose()


def database_file(folder):
    """The database's file in the snapshot `folder` for the current app's engine."""
    return folder / FILES[db.engine.dialect.name]


@pytest.fixture
def second_pg_database(postgres_url, pg_database):
    """Another new, empty database on the private server (a restore target); its URL."""
    with new_database(postgres_url, pg_database.rsplit("/", 1)[1] + "_restored") as url:
        yield url
