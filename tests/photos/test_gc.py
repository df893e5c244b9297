"""`flask photos gc`: staged photos never claimed and files no row names go, once old enough;
a file a row names, and anything younger than the grace period, stays."""

import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.common.time import utcnow
from app.extensions import db
from app.photos.gc import collect_photo_garbage
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.factories import make_hazard, make_inspection, make_photo

DAYS = 7


def stored(text: str, days_old: float) -> str:
    """A file in the app's photo store, written `days_old` days ago; its key."""
    store = photo_store()
    key = store.save(text.encode())
    when = time.time() - days_old * 86400
    os.utime(store.path(key), (when, when))
    return key


def staged(days_old: float, sha256: str, thumb: str, **fields) -> Photo:
    """A photo the outbox uploaded `days_old` days ago, naming the given files."""
    photo = make_photo(sha256=sha256, thumb_sha256=thumb, client_uuid=fields.pop(
        "client_uuid", f"{sha256[:8]}-0000-4000-8000-000000000000"),
        uploaded_at=utcnow() - timedelta(days=days_old), **fields)
    db.session.add(photo)
    db.session.commit()
    return photo


def rows() -> list[str]:
    return list(db.session.scalars(select(Photo.sha256)))


def test_an_old_file_no_row_names_is_removed(app):
    key = stored("orphan", days_old=DAYS + 1)
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert not photo_store().exists(key)
    assert (found.files, found.bytes) == (1, len(b"orphan"))


def test_a_young_file_no_row_names_is_kept(app):
    key = stored("upload in progress", days_old=DAYS - 1)
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert photo_store().exists(key)
    assert (found.files, found.young_files) == (0, 1)


@pytest.mark.parametrize("as_thumbnail", [False, True])
def test_a_file_a_row_names_is_never_removed(app, as_thumbnail):
    key, other = stored("named", days_old=365), stored("other", days_old=365)
    photo = make_photo(**({"thumb_sha256": key, "sha256": other} if as_thumbnail
                          else {"sha256": key, "thumb_sha256": other}))
    db.session.add(photo)
    db.session.commit()
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert photo_store().exists(key) and photo_store().exists(other)
    assert found.files == 0


def test_a_staged_photo_never_claimed_goes_with_its_files(app):
    photo, thumb = stored("staged", DAYS + 1), stored("staged thumb", DAYS + 1)
    staged(DAYS + 1, photo, thumb)
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert rows() == []
    assert not photo_store().exists(photo) and not photo_store().exists(thumb)
    assert (found.staged_rows, found.files) == (1, 2)


def test_a_staged_photo_younger_than_the_setting_stays(app):
    photo, thumb = stored("staged", DAYS + 1), stored("staged thumb", DAYS + 1)
    staged(DAYS - 1, photo, thumb)
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert rows() == [photo]
    assert photo_store().exists(photo) and photo_store().exists(thumb)
    assert found.staged_rows == 0


@pytest.mark.parametrize("claimed_by", ["inspection", "hazard move"])
def test_a_claimed_photo_is_never_removed(app, claimed_by):
    photo, thumb = stored("evidence", 365), stored("evidence thumb", 365)
    if claimed_by == "inspection":
        link = {"item_result_id": make_inspection(outcomes=("fail",)).results[0].id}
    else:
        link = {"hazard_event_id": make_hazard().events[0].id}
    staged(365, photo, thumb, **link)
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert rows() == [photo]
    assert photo_store().exists(photo) and photo_store().exists(thumb)
    assert (found.staged_rows, found.files) == (0, 0)


def test_a_staged_photos_file_that_another_row_names_stays(app):
    photo, thumb = stored("same photo", DAYS + 1), stored("same thumb", DAYS + 1)
    staged(DAYS + 1, photo, thumb)
    staged(DAYS + 1, photo, thumb, client_uuid="11111111-0000-4000-8000-000000000000",
           item_result_id=make_inspection(outcomes=("fail",)).results[0].id)
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert rows() == [photo]
    assert photo_store().exists(photo) and photo_store().exists(thumb)
    assert (found.staged_rows, found.files) == (1, 0)


def test_a_dry_run_deletes_nothing_and_counts_what_would_go(app):
    orphan = stored("orphan", DAYS + 1)
    photo, thumb = stored("staged", DAYS + 1), stored("staged thumb", DAYS + 1)
    staged(DAYS + 1, photo, thumb)
    found = collect_photo_garbage(days=DAYS)
    assert rows() == [photo]
    assert all(photo_store().exists(k) for k in (orphan, photo, thumb))
    assert (found.staged_rows, found.files, found.bytes) == (
        1, 3, len(b"orphan") + len(b"staged") + len(b"staged thumb"))


def test_storing_a_photo_again_dates_its_file_anew(app):
    key = stored("orphan uploaded again", days_old=DAYS + 1)
    photo_store().save(b"orphan uploaded again")
    assert photo_store().stored_at(key) > utcnow() - timedelta(minutes=5)


def test_the_command_is_a_dry_run_unless_told_and_prints_counts_and_bytes(app):
    key = stored("orphan", days_old=DAYS + 1)
    result = app.test_cli_runner().invoke(args=["photos", "gc"])
    assert result.exit_code == 0, result.output
    assert "Would remove 1 files no photo row names, 6 bytes" in result.output
    assert "Dry run" in result.output
    assert photo_store().exists(key)
    result = app.test_cli_runner().invoke(args=["photos", "gc", "--apply"])
    assert "Removed 1 files no photo row names, 6 bytes" in result.output
    assert not photo_store().exists(key)


def test_the_command_takes_its_grace_period_from_the_setting(app):
    app.config["PHOTO_STAGED_DAYS"] = 2
    key = stored("orphan", days_old=3)
    app.test_cli_runner().invoke(args=["photos", "gc", "--apply"])
    assert not photo_store().exists(key)


def test_the_command_refuses_a_grace_period_under_a_day(app):
    result = app.test_cli_runner().invoke(args=["photos", "gc", "--days", "0"])
    assert result.exit_code != 0



@pytest.mark.postgres
def test_clean_up_on_postgresql(pg_app):
    orphan = stored("orphan", DAYS + 1)
    unclaimed, kept = stored("unclaimed", DAYS + 1), stored("kept", DAYS + 1)
    staged(DAYS + 1, unclaimed, stored("unclaimed thumb", DAYS + 1))
    staged(DAYS + 1, kept, stored("kept thumb", DAYS + 1),
           item_result_id=make_inspection(outcomes=("fail",)).results[0].id)
    found = collect_photo_garbage(days=DAYS, apply=True)
    assert rows() == [kept]
    assert not photo_store().exists(orphan) and photo_store().exists(kept)
    assert (found.staged_rows, found.files) == (1, 3)
