"""The backup and restore drill on PostgreSQL: pg_dump in, checked without a server, pg_restore
out."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.backup.snapshot import take_snapshot
from app.extensions import db
from app.inspections.models import Inspection
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.backup.conftest import fill, new_instance, stored_photo
from tests.factories import make_inspection

pytestmark = pytest.mark.postgres


@pytest.fixture
def source(tmp_path, monkeypatch, pg_database, backup):
    """A filled PostgreSQL instance with one snapshot in `backup`; its inspections' UUIDs."""
    instance = new_instance(tmp_path / "source", monkeypatch, pg_database)
    with instance.app_context():
        db.create_all()
        fill()
        take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))
        uuids = set(db.session.scalars(select(Inspection.uuid)))
        db.session.remove()
        db.engine.dispose()
    return uuids


@pytest.fixture
def target(tmp_path, monkeypatch, second_pg_database):
    instance = new_instance(tmp_path / "target", monkeypatch, second_pg_database)
    yield instance
    with instance.app_context():
        db.engine.dispose()


def run(instance, *args):
    with instance.app_context():
        return instance.test_cli_runner().invoke(args=[str(a) for a in args])


def test_a_postgresql_snapshot_verifies_without_a_server(source, backup, target):
    result = run(target, "backup", "verify", backup)
    assert result.exit_code == 0, result.output
    assert "1 inspections, 1 hazards, 2 hazard events, 2 photos" in result.output


def test_the_drill_restores_every_row_and_photo_file(source, backup, target):
    result = run(target, "restore", backup)
    assert result.exit_code == 0, result.output
    with target.app_context():
        assert set(db.session.scalars(select(Inspection.uuid))) == source
        photos = db.session.scalars(select(Photo)).all()
        assert photos and all(photo_store().exists(p.sha256) for p in photos)
        db.session.remove()


def test_a_restore_runs_the_audit_verification(source, backup, target):
    result = run(target, "restore", backup)
    assert "all 2 hazard events verified" in result.output


def test_an_empty_schema_is_replaced(source, backup, target):
    with target.app_context():
        db.create_all()  # as `flask db upgrade` leaves a new instance
        db.session.remove()
    result = run(target, "restore", backup)
    assert result.exit_code == 0, result.output


def test_a_marked_photos_original_is_named_and_checked_in_the_dump(
        tmp_path, monkeypatch, pg_database, backup):
    instance = new_instance(tmp_path / "source", monkeypatch, pg_database)
    with instance.app_context():
        db.create_all()
        fill()
        photo = stored_photo()
        photo.original_sha256 = photo_store().save(b"the untouched photo")
        make_inspection(outcomes=("fail",)).results[0].photos.append(photo)
        db.session.commit()
        taken = take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))
        assert photo.original_sha256 in taken.manifest.photo_files
        assert run(instance, "backup", "verify", backup).exit_code == 0
        db.session.remove()
        db.engine.dispose()
