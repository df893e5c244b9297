"""`flask restore`: into an empty instance only, checked against the manifest and the audit
chain; the drill on each engine."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.backup.snapshot import take_snapshot
from app.extensions import db
from app.hazards.models import HazardEvent
from app.inspections.models import Inspection
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.backup.conftest import fill
from tests.factories import make_user


@pytest.fixture
def taken(app, backup):
    fill()
    return take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))


def restore(instance, path, *extra):
    """`flask restore` in `instance` (the CLI runs in whichever application is current)."""
    with instance.app_context():
        return instance.test_cli_runner().invoke(args=["restore", str(path), *extra])


def test_the_drill_restores_every_row_and_photo_file(app, backup, taken, fresh):
    uuids = set(db.session.scalars(select(Inspection.uuid)))
    result = restore(fresh, backup)
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert set(db.session.scalars(select(Inspection.uuid))) == uuids
        for photo in db.session.scalars(select(Photo)):
            assert photo_store().exists(photo.sha256) and photo_store().exists(photo.thumb_sha256)


def test_a_restore_runs_the_audit_verification(app, backup, taken, fresh):
    result = restore(fresh, backup)
    assert "all 2 hazard events verified" in result.output


def test_a_restore_moves_the_figures_versions(app, backup, taken, fresh):
    """The counters come back as the snapshot had them; figures cached (in Redis, which
    outlives the restore) for later rows under those versions must not be taken for these."""
    from app.dashboard.models import FIGURES_SLOTS, SETTLED, ChangeCounter

    kept = {c.name: (c.value, c.changed_at) for c in db.session.scalars(select(ChangeCounter))}
    assert restore(fresh, backup).exit_code == 0
    with fresh.app_context():
        now = {c.name: (c.value, c.changed_at) for c in db.session.scalars(select(ChangeCounter))}
    assert set(now) == set(kept) == {*FIGURES_SLOTS, SETTLED}
    for names in (FIGURES_SLOTS, [SETTLED]):
        assert sum(now[name][0] for name in names) == sum(kept[name][0] for name in names) + 1
        newest = [max(rows[name][1] or datetime.min for name in names) for rows in (now, kept)]
        assert newest[0] != newest[1]


def test_a_broken_audit_chain_is_reported_with_exit_status_3(app, backup, fresh):
    fill()
    event = db.session.scalars(select(HazardEvent)).first()
    event.note = "changed after the fact"
    db.session.commit()
    take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))
    result = restore(fresh, backup)
    assert result.exit_code == 3
    assert "audit verification: broken link" in result.output


def test_a_non_empty_instance_is_refused(app, backup, taken, fresh):
    with fresh.app_context():
        db.create_all()
        make_user(role="manager")  # one row: a manager belongs to no department
        db.session.commit()
    result = restore(fresh, backup)
    assert result.exit_code == 1
    assert "This instance is not empty (1 rows in the database)" in result.output


def test_an_instance_with_photo_files_is_refused(app, backup, taken, fresh):
    with fresh.app_context():
        photo_store().save(b"a photo of another instance")
    assert restore(fresh, backup).exit_code == 1


def test_force_replaces_a_non_empty_instance(app, backup, taken, fresh):
    with fresh.app_context():
        db.create_all()
        make_user(username="someone-else")
        db.session.commit()
    result = restore(fresh, backup, "--force")
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert db.session.scalar(select(Inspection.uuid)) is not None


def test_a_damaged_snapshot_is_refused_before_anything_changes(app, backup, taken, fresh):
    (backup / "photos").joinpath(*_parts(taken.manifest.photo_files[0])).write_bytes(b"x")
    result = restore(fresh, backup)
    assert result.exit_code == 1
    assert "is damaged; nothing was restored" in result.output
    with fresh.app_context():
        assert list(photo_store().keys()) == []


def _parts(key: str) -> tuple[str, str, str]:
    return key[:2], key[2:4], f"{key}.jpg"
