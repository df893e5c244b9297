"""Migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db


def _upgraded(monkeypatch, tmp_path, url):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
            checks = {t: {c["name"] for c in inspect(conn).get_check_constraints(t)}
                      for t in ("hazards", "users")}
        db.engine.dispose()
    return diff, tables, checks


def test_sqlite_upgrade_matches_models(monkeypatch, tmp_path):
    diff, tables, checks = _upgraded(monkeypatch, tmp_path, f"sqlite:///{tmp_path / 'm.db'}")
    assert diff == []
    assert set(db.metadata.tables) <= tables
    assert "ck_hazards_status" in checks["hazards"]


@pytest.mark.postgres
def test_postgres_upgrade_matches_models(monkeypatch, tmp_path, pg_database):
    diff, tables, checks = _upgraded(monkeypatch, tmp_path, pg_database)
    assert diff == []
    assert set(db.metadata.tables) <= tables
    assert "ck_users_role" in checks["users"]


@pytest.mark.postgres
def test_postgres_and_sqlite_build_the_same_tables_and_columns(monkeypatch, tmp_path, pg_database):
    shapes = []
    for url in (f"sqlite:///{tmp_path / 's.db'}", pg_database):
        monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            inspector = inspect(db.engine)
            shapes.append({t: sorted(c["name"] for c in inspector.get_columns(t))
                           for t in inspector.get_table_names()})
            db.engine.dispose()
    assert shapes[0] == shapes[1]
