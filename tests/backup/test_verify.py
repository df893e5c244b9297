"""`flask backup verify`: every hash and count of a snapshot, without restoring it."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.backup.manifest import snapshot_folders
from app.backup.snapshot import take_snapshot
from app.extensions import db
from app.photos.models import Photo
from app.photos.store import PhotoStore, photo_store
from tests.backup.conftest import database_file, fill


@pytest.fixture
def taken(app, backup):
    fill()
    return take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))


def verify(app, path):
    return app.test_cli_runner().invoke(args=["backup", "verify", str(path)])


def test_a_sound_snapshot_passes(app, backup, taken):
    result = verify(app, backup)
    assert result.exit_code == 0, result.output
    assert "is sound" in result.output


def test_a_changed_photo_file_is_named(app, backup, taken):
    path = PhotoStore(backup / "photos").path(taken.manifest.photo_files[0])
    path.write_bytes(b"edited")
    result = verify(app, backup)
    assert result.exit_code == 1
    assert f"{path}: changed" in result.output


def test_a_missing_photo_file_is_named(app, backup, taken):
    path = PhotoStore(backup / "photos").path(taken.manifest.photo_files[-1])
    path.unlink()
    result = verify(app, backup)
    assert result.exit_code == 1
    assert f"{path}: missing" in result.output


def test_a_changed_database_file_is_named(app, backup, taken):
    database = database_file(taken.folder)
    with open(database, "r+b") as file:
        file.seek(200)
        file.write(b"\xff")
    result = verify(app, backup)
    assert result.exit_code == 1
    assert f"{database}: changed" in result.output


def test_a_count_that_differs_from_the_database_is_named(app, backup, taken):
    manifest = taken.folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"inspections": 1', '"inspections": 2'))
    result = verify(app, backup)
    assert result.exit_code == 1
    assert "inspections has 1 rows, the manifest says 2" in result.output


def test_a_given_snapshot_is_checked_rather_than_the_latest(app, backup, taken):
    take_snapshot(backup, keep=14, now=datetime(2026, 12, 4, 18, 0))
    database_file(taken.folder).unlink()
    assert verify(app, backup).exit_code == 0
    assert verify(app, snapshot_folders(backup)[0]).exit_code == 1


def test_a_folder_without_snapshots_is_refused(app, tmp_path):
    result = verify(app, tmp_path)
    assert result.exit_code == 1
    assert "holds no complete snapshot" in result.output


def test_a_snapshot_taken_without_a_photo_it_names_is_not_called_sound(app, backup):
    fill()
    lost = photo_store().path(db.session.scalars(select(Photo.sha256)).first())
    lost.unlink()  # gone from the live store before the backup ran
    take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))
    result = verify(app, backup)
    assert result.exit_code == 3
    assert "incomplete" in result.output and lost.stem in result.output
