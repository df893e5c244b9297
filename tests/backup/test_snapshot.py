"""Taking a snapshot: the database, the photo files its rows name, a manifest."""

import json
from datetime import datetime

import pytest

from app.backup import snapshot
from app.backup.databases import libpq_target
from app.backup.manifest import snapshot_folders
from app.backup.snapshot import take_snapshot
from app.extensions import db
from app.photos.store import PhotoStore, photo_store
from tests.backup.conftest import database_file, fill, stored_photo
from tests.factories import make_inspection

NOW = datetime(2026, 12, 3, 18, 0)


def test_a_snapshot_holds_the_database_and_every_photo_file_a_row_names(app, backup):
    fill()
    taken = take_snapshot(backup, keep=14, now=NOW)
    assert database_file(taken.folder).is_file()
    assert set(PhotoStore(backup / "photos").keys()) == set(photo_store().keys())
    assert len(taken.manifest.photo_files) == 4


def test_a_marked_photos_original_is_in_the_snapshot(app, backup):
    photo = stored_photo()
    photo.original_sha256 = photo_store().save(b"the untouched photo")
    make_inspection(outcomes=("fail",)).results[0].photos.append(photo)
    db.session.commit()
    taken = take_snapshot(backup, keep=14, now=NOW)
    assert photo.original_sha256 in taken.manifest.photo_files
    assert PhotoStore(backup / "photos").exists(photo.original_sha256)


def test_the_manifest_counts_the_rows(app, backup):
    fill()
    taken = take_snapshot(backup, keep=14, now=NOW)
    manifest = json.loads((taken.folder / "manifest.json").read_text())
    assert manifest["counts"] == {"inspections": 1, "hazards": 1, "hazard_events": 2,
                                  "photos": 2}
    assert (manifest["database_kind"], manifest["day"]) == (db.engine.dialect.name, "2026-12-04")


def test_a_photo_file_no_row_names_is_left_out(app, backup):
    fill()
    orphan = photo_store().save(b"refused form, never claimed")
    take_snapshot(backup, keep=14, now=NOW)
    assert not PhotoStore(backup / "photos").exists(orphan)


def test_a_second_snapshot_copies_only_new_photo_files(app, backup):
    from app.extensions import db

    fill()
    take_snapshot(backup, keep=14, now=NOW)
    db.session.add(stored_photo())
    db.session.commit()
    taken = take_snapshot(backup, keep=14, now=datetime(2026, 12, 4, 18, 0))
    assert (taken.copied, len(taken.manifest.photo_files)) == (2, 6)


def test_a_failed_snapshot_leaves_nothing_that_looks_complete(app, backup, monkeypatch):
    fill()

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(snapshot, "copy_photos", crash)
    with pytest.raises(OSError):
        take_snapshot(backup, keep=14, now=NOW)
    assert snapshot_folders(backup) == []
    assert list((backup / "snapshots").iterdir()) == []


def test_a_missing_photo_file_is_named_and_the_exit_status_is_3(app, backup):
    fill()
    lost = next(photo_store().keys())
    photo_store().delete(lost)
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 3
    assert lost in result.output


def test_flask_backup_dest_takes_a_snapshot(app, backup):
    fill()
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert len(snapshot_folders(backup)) == 1


def test_the_database_password_stays_out_of_the_command_line():
    conninfo, env = libpq_target("postgresql+psycopg://app:s3cr'et@db.local:5433/saferound")
    assert "s3cr" not in conninfo
    assert env["PGPASSWORD"] == "s3cr'et"
    assert conninfo == "dbname='saferound' host='db.local' port='5433' user='app'"


def test_a_second_backup_into_the_same_folder_at_once_is_refused(app, backup):
    import fcntl

    from app.backup.databases import BackupError

    backup.mkdir()
    with open(backup / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BackupError, match="Another backup into .* is running"):
            take_snapshot(backup, keep=14, now=NOW)


def test_a_full_backup_disk_is_a_sentence_and_exit_status_1(app, backup, monkeypatch):
    fill()

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "copy_photos", full)
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 1
    assert "No snapshot was taken: [Errno 28] No space left on device" in result.output
