"""Retention: the newest snapshot of each of the last BACKUP_KEEP days; photo files no kept
snapshot names go."""

from datetime import datetime

from app.backup.manifest import snapshot_folders
from app.backup.retention import kept_names
from app.backup.snapshot import take_snapshot
from app.extensions import db
from app.photos.store import PhotoStore
from tests.backup.conftest import fill, stored_photo


def test_the_newest_snapshot_of_each_of_the_last_n_days_is_kept():
    days = {"20261201T180000Z": "2026-12-02", "20261202T010000Z": "2026-12-02",
            "20261202T180000Z": "2026-12-03", "20261205T180000Z": "2026-12-06"}
    assert kept_names(days, 2) == {"20261202T180000Z", "20261205T180000Z"}


def test_days_without_a_snapshot_do_not_count():
    days = {"20261101T180000Z": "2026-11-02", "20261201T180000Z": "2026-12-02"}
    assert kept_names(days, 2) == set(days)


def test_a_backup_folder_keeps_n_snapshots(app, backup):
    fill()
    for day in range(1, 5):
        take_snapshot(backup, keep=2, now=datetime(2026, 12, day, 18, 0))
    assert [p.name for p in snapshot_folders(backup)] == ["20261203T180000Z",
                                                          "20261204T180000Z"]


def test_a_second_run_on_one_day_replaces_that_days_snapshot(app, backup):
    fill()
    take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 17, 0))  # 01:00 in Shanghai
    take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))
    assert [p.name for p in snapshot_folders(backup)] == ["20261203T180000Z"]


def test_photo_files_only_dropped_snapshots_named_are_removed(app, backup):
    fill()
    gone = stored_photo()
    db.session.add(gone)
    db.session.commit()
    take_snapshot(backup, keep=1, now=datetime(2026, 12, 1, 18, 0))
    db.session.delete(gone)
    db.session.commit()
    taken = take_snapshot(backup, keep=1, now=datetime(2026, 12, 2, 18, 0))
    assert set(PhotoStore(backup / "photos").keys()) == set(taken.manifest.photo_files)
    assert taken.pruned.photo_files == 2


def test_a_complete_snapshot_is_kept_before_a_newer_incomplete_one_of_its_day():
    days = {"20261202T170000Z": "2026-12-03", "20261202T180000Z": "2026-12-03"}
    assert kept_names(days, 1, frozenset({"20261202T180000Z"})) == {"20261202T170000Z"}


def test_the_snapshot_just_taken_is_never_pruned(app, backup):
    fill()
    taken = take_snapshot(backup, keep=0, now=datetime(2026, 12, 3, 18, 0))
    assert [p.name for p in snapshot_folders(backup)] == [taken.folder.name]
    assert set(PhotoStore(backup / "photos").keys()) == set(taken.manifest.photo_files)


def test_backup_keep_below_one_is_refused_before_anything_is_written(app, backup):
    app.config["BACKUP_KEEP"] = 0
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 1
    assert "BACKUP_KEEP is 0" in result.output
    assert snapshot_folders(backup) == []
