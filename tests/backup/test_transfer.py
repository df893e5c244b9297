"""`flask database copy`: one box's SQLite moved into the PostgreSQL several hosts share —
every row, the ids' sequences, the hash chain still verifying; a target not ready is refused
and a failed copy leaves it empty."""

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app.backup import transfer
from app.backup.databases import BackupError
from app.extensions import db
from app.hazards.models import HazardEvent
from tests.backup.conftest import fill, new_instance
from tests.factories import make_hazard

pytestmark = pytest.mark.postgres


@pytest.fixture
def source(tmp_path, monkeypatch):
    """A filled SQLite instance made by the migrations, as `make run` makes one."""
    instance = new_instance(tmp_path / "source", monkeypatch)
    with instance.app_context():
        assert run(instance, "db", "upgrade").exit_code == 0
        fill()
        make_hazard(status="rectifying")
        db.session.commit()
        yield instance
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def target(tmp_path, monkeypatch, pg_database):
    """A new PostgreSQL database brought to the same migration by `flask db upgrade`."""
    instance = new_instance(tmp_path / "target", monkeypatch, pg_database)
    with instance.app_context():
        assert run(instance, "db", "upgrade").exit_code == 0
        db.engine.dispose()
    return pg_database


def run(instance, *args):
    return instance.test_cli_runner().invoke(args=[str(a) for a in args])


def counts(url) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                 for t in db.metadata.sorted_tables}
    engine.dispose()
    return found


def test_every_row_is_copied_and_the_copy_verifies(source, target):
    result = run(source, "database", "copy", target)
    assert result.exit_code == 0, result.output
    assert counts(target) == counts(source.config["SQLALCHEMY_DATABASE_URI"])
    assert f"all {counts(target)['hazard_events']} hazard events verified" in result.output


def test_new_rows_in_the_copy_get_new_ids(source, target, tmp_path, monkeypatch):
    assert run(source, "database", "copy", target).exit_code == 0
    copy = new_instance(tmp_path / "copy", monkeypatch, target)
    with copy.app_context():
        highest = db.session.scalar(select(func.max(HazardEvent.id)))
        hazard = make_hazard(status="rectifying")  # its report, assign and start events
        db.session.commit()
        assert [e.id for e in hazard.events][0] == highest + 1
        db.session.remove()
        db.engine.dispose()


def test_a_target_holding_rows_is_refused_and_left_alone(source, target):
    assert run(source, "database", "copy", target).exit_code == 0
    before = counts(target)
    result = run(source, "database", "copy", target)
    assert result.exit_code == 1
    assert "already holds rows" in result.output and "Nothing was copied" in result.output
    assert counts(target) == before


def test_a_target_at_another_migration_is_refused(source, pg_database):
    engine = sa.create_engine(pg_database)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num varchar(32))"))
        conn.execute(sa.text("INSERT INTO alembic_version VALUES ('0001')"))
    engine.dispose()
    result = run(source, "database", "copy", pg_database)
    assert result.exit_code == 1
    assert "flask db upgrade" in result.output and "at migration 0001" in result.output


def test_a_copy_failing_part_way_leaves_the_target_empty(source, target, monkeypatch):
    copy_table, copied = transfer._copy_table, []

    def fail_on_the_fourth(table, source_conn, target_conn):
        if len(copied) == 3:
            raise sa.exc.OperationalError("INSERT", {}, Exception("connection lost"))
        copied.append(table.name)
        return copy_table(table, source_conn, target_conn)

    monkeypatch.setattr(transfer, "_copy_table", fail_on_the_fourth)
    with pytest.raises(BackupError, match="left as it was"):
        transfer.copy_database(db.engine, target)
    left = {name: n for name, n in counts(target).items() if name not in transfer.SEEDED}
    assert len(copied) == 3 and set(left.values()) == {0}
