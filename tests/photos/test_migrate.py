"""`flask photos migrate`: a photo folder copied into the configured bucket and every copy
verified by its SHA-256; run again, it copies nothing twice; the folder is left alone."""

import hashlib
from pathlib import Path

import pytest

from app.photos.store import PhotoStore, photo_store
from tests.conftest import running_app

PHOTOS = [b"photo one", b"photo two", b"a thumbnail"]


@pytest.fixture
def app(s3_app):
    return s3_app


@pytest.fixture
def folder(app) -> PhotoStore:
    """The instance's photo folder as it was before the bucket, with three files."""
    store = PhotoStore(app.config["PHOTO_DIR"])
    for data in PHOTOS:
        store.save(data)
    return store


def migrate(app, *args):
    return app.test_cli_runner().invoke(args=["photos", "migrate", *args])


def files(folder: PhotoStore) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in Path(folder.folder).rglob("*") if p.is_file()}


def test_every_file_of_the_folder_is_copied_and_verified(app, folder):
    before = files(folder)
    result = migrate(app)
    assert result.exit_code == 0, result.output
    assert "Copied 3, already there 0, verified 3, failed 0." in result.output
    assert set(photo_store().keys()) == set(folder.keys())
    assert files(folder) == before  # left as it was
    assert "was left as it is" in result.output


def test_a_second_run_copies_nothing_and_verifies_again(app, folder):
    migrate(app)
    result = migrate(app)
    assert result.exit_code == 0, result.output
    assert "Copied 0, already there 3, verified 3, failed 0." in result.output


def test_a_run_that_trusts_what_is_there_copies_only_what_is_new(app, folder):
    migrate(app)
    folder.save(b"stored in the folder meanwhile")
    result = migrate(app, "--no-verify-present")
    assert "Copied 1, already there 3, verified 1, failed 0." in result.output


def test_a_named_folder_is_copied(app, tmp_path):
    other = PhotoStore(tmp_path / "old-photos")
    key = other.save(b"from another folder")
    result = migrate(app, "--from", str(tmp_path / "old-photos"))
    assert result.exit_code == 0, result.output
    assert set(photo_store().keys()) == {key}


def test_a_damaged_object_in_the_bucket_is_named_and_fails_the_run(app, folder, s3_server):
    key = hashlib.sha256(PHOTOS[0]).hexdigest()
    bucket = app.config["PHOTO_STORE"].removeprefix("s3://").split("/")[0]
    s3_server.client().put_object(Bucket=bucket, Key=photo_store().object_key(key),
                                  Body=b"not the photo")
    result = migrate(app)
    assert result.exit_code == 1
    assert "Copied 2, already there 1, verified 2, failed 1." in result.output
    assert f"{key}: damaged in {photo_store().describe()}" in result.output


def test_a_damaged_file_in_the_folder_is_named_and_not_copied(app, folder):
    key = hashlib.sha256(PHOTOS[1]).hexdigest()
    folder.path(key).write_bytes(b"changed on disk")
    result = migrate(app)
    assert result.exit_code == 1
    assert f"{key}: the folder's file is damaged" in result.output
    assert key not in set(photo_store().keys())


def test_without_a_bucket_configured_nothing_is_done(tmp_path, monkeypatch):
    with running_app(tmp_path, monkeypatch) as folder_app:
        result = migrate(folder_app)
    assert result.exit_code == 1
    assert "PHOTO_STORE is not set" in result.output
