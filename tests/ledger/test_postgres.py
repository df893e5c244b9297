"""The ledgers' SQL on PostgreSQL, the production database."""

from datetime import datetime

import pytest

from app.common.time import local_to_utc
from app.extensions import db
from app.hazards import workflow
from app.ledger.queries import Period, hazard_ledger, inspection_register
from tests.factories import make_inspection, make_user


@pytest.fixture
def pg_app(tmp_path, monkeypatch, pg_database):
    from app import create_app

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database})
    with app.app_context():
        db.create_all()
        inspection = make_inspection(outcomes=("pass", "fail", "na"), kind="special",
                                     received_at=local_to_utc(datetime(2026, 10, 12, 9, 0)))
        hazard = workflow.report(inspection.inspector, location=inspection.location,
                                 level="general", description="漏电",
                                 item_result=inspection.results[1],
                                 found_at=inspection.received_at)
        db.session.commit()
        yield {"admin": make_user("admin"), "hazard": hazard}
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_hazard_ledger_on_postgresql(pg_app):
    [row] = hazard_ledger(pg_app["admin"], Period.month(2026, 10))
    assert (row[0], row[2], row[19]) == (pg_app["hazard"].number, "专项检查", "已上报")


@pytest.mark.postgres
def test_inspection_register_on_postgresql(pg_app):
    [row] = inspection_register(pg_app["admin"], Period.month(2026, 10))
    assert row[7:12] == (3, 1, 1, 1, pg_app["hazard"].number)
