"""`flask backup` and `flask restore` with photos in a bucket of a real S3 server: the snapshot
takes its photo files out of the bucket; a restore puts them into the configured bucket."""

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from app import create_app
from app.backup.snapshot import take_snapshot
from app.extensions import db
from app.photos.models import Photo
from app.photos.store import PhotoStore, photo_store
from tests.backup.conftest import fill
from tests.conftest import s3_settings
from tests.servers import free_port

NOW = datetime(2026, 12, 3, 18, 0)


@pytest.fixture
def app(s3_app):
    return s3_app


def restored_instance(path, monkeypatch, settings):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(path))
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path / 'restored.db'}",
                       "PHOTO_DIR": str(path / "photos"), **settings})


@pytest.fixture
def fresh_bucket_instance(tmp_path, monkeypatch, s3_server):
    """An empty instance whose photos go into another new bucket."""
    bucket = f"r-{uuid.uuid4().hex[:20]}"
    s3_server.create_bucket(bucket)
    instance = restored_instance(tmp_path / "fresh", monkeypatch,
                                 s3_settings(s3_server, bucket, prefix="restored"))
    yield instance
    with instance.app_context():
        db.engine.dispose()


def test_a_snapshot_copies_the_photo_files_out_of_the_bucket(app, backup):
    fill()
    taken = take_snapshot(backup, keep=14, now=NOW)
    in_backup = PhotoStore(backup / "photos")
    assert set(in_backup.keys()) == set(photo_store().keys())
    assert len(taken.manifest.photo_files) == 4
    assert all(in_backup.digest(key) == key for key in taken.manifest.photo_files)


def test_backup_and_restore_round_trip_through_buckets(app, backup, fresh_bucket_instance):
    fill()
    keys = set(photo_store().keys())
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    with fresh_bucket_instance.app_context():
        result = fresh_bucket_instance.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert "4 photo files copied" in result.output
        assert set(photo_store().keys()) == keys
        for photo in db.session.scalars(select(Photo)):
            assert photo_store().digest(photo.sha256) == photo.sha256


def test_a_bucket_that_does_not_answer_stops_the_snapshot(app, backup, monkeypatch):
    fill()
    monkeypatch.setattr(photo_store(), "endpoint_url", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setattr(photo_store(), "_client", None)
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 1
    assert "No snapshot was taken" in result.output
    assert not list((backup / "snapshots").iterdir())
