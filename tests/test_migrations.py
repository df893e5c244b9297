"""Migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect, text

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


def test_0008_fills_existing_users_and_downgrades(monkeypatch, tmp_path):
    """Users from before 0008 get version 1, no forced change and no lock; 0008 undoes cleanly."""
    from flask_migrate import downgrade

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'v.db'}"})
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (username, full_name, password_hash, role, "
                              "active, created_at) VALUES ('old', 'Old', 'x', 'viewer', 1, "
                              "'2026-01-01 00:00:00')"))
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT session_version, must_change_password, locked_until "
                                    "FROM users")).one()
        assert tuple(row) == (1, 0, None)
        downgrade(revision="0007")
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert not columns & {"session_version", "must_change_password", "locked_until"}
        upgrade()
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert {"session_version", "must_change_password", "locked_until"} <= columns
        db.engine.dispose()


def test_0011_gives_existing_users_the_automatic_theme_and_downgrades(monkeypatch, tmp_path):
    """Users from before 0011 follow their phone (auto); 0011 undoes cleanly."""
    from flask_migrate import downgrade

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 't.db'}"})
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (username, full_name, password_hash, role, "
                              "active, created_at) VALUES ('old', 'Old', 'x', 'viewer', 1, "
                              "'2026-01-01 00:00:00')"))
        upgrade(revision="0011")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT theme FROM users")).scalar_one() == "auto"
        downgrade(revision="0008")
        assert "theme" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        db.engine.dispose()


def test_sqlite_upgrades_a_database_whose_rows_point_at_the_tables_it_rebuilds(monkeypatch,
                                                                             tmp_path):
    """A hospital's database has rows pointing at users, checklist items and photos; a batch
    migration that rebuilds one of them must not trip over SQLite's foreign keys, and must keep
    every reference whole."""
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"})
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, username, full_name, password_hash, role, "
                              "active, created_at) VALUES (7, 'old', 'Old', 'x', 'viewer', 1, "
                              "'2026-01-01 00:00:00')"))
            conn.execute(text("INSERT INTO api_tokens (user_id, name, token_hash, prefix, "
                              "created_at) VALUES (7, 'phone', :h, 'abc', '2026-01-01 00:00:00')"),
                         {"h": "0" * 64})
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT user_id FROM api_tokens")).scalar_one() == 7
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        db.engine.dispose()


def test_0014_gives_one_item_the_same_key_in_every_version_and_downgrades(monkeypatch,
                                                                          tmp_path):
    """Existing items get a key per template and position (how versions were forked), so the
    same item in versions 1 and 2 recurs; 0014 undoes cleanly."""
    from flask_migrate import downgrade

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}"})
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO location_types (id, code, name_zh, name_en) "
                              "VALUES (1, 'boiler', '锅炉房', 'Boiler room')"))
            conn.execute(text("INSERT INTO checklist_templates (id, location_type_id, name_zh, "
                              "name_en, quick_pass_kinds, created_at) VALUES (1, 1, '表', 'T', "
                              "'patrol', '2026-01-01 00:00:00')"))
            for version in (1, 2):
                conn.execute(text("INSERT INTO checklist_versions (id, template_id, number, "
                                  "note, created_at) VALUES (:v, 1, :v, '', "
                                  "'2026-01-01 00:00:00')"), {"v": version})
                for position in (1, 2):
                    conn.execute(text(
                        "INSERT INTO checklist_items (version_id, position, kind, prompt_zh, "
                        "prompt_en, guidance_zh, guidance_en, is_required, "
                        "photo_required_on_fail, photo_required, default_level, unit) VALUES "
                        "(:v, :p, 'pass_fail', '项', 'Item', '', '', 1, 0, 0, 'general', '')"),
                        {"v": version, "p": position})
        upgrade(revision="0014")
        with db.engine.connect() as conn:
            keys = conn.execute(text("SELECT version_id, position, item_key "
                                     "FROM checklist_items")).all()
        by_position = {p: {k for _v, pos, k in keys if pos == p} for p in (1, 2)}
        assert all(len(found) == 1 for found in by_position.values())
        assert by_position[1] != by_position[2]
        downgrade(revision="0013")
        assert "item_key" not in {c["name"] for c in
                                  inspect(db.engine).get_columns("checklist_items")}
        assert "hazard_recurrences" not in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_0018_adds_the_figures_counter_slots_and_downgrades_to_a_larger_count(monkeypatch,
                                                                               tmp_path):
    """A migrated database has the counter rows a model-made one has; going back folds the
    slots into the one row, past every count they reached, so the version still moves."""
    from flask_migrate import downgrade

    from app.dashboard.models import FIGURES_SLOTS, SETTLED
    from app.dashboard.version import figures_version

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}"})
    with app.app_context():
        upgrade(revision="0018")
        with db.engine.begin() as conn:
            names = set(conn.execute(text("SELECT name FROM change_counters")).scalars())
            conn.execute(text("UPDATE change_counters SET value = 3 WHERE name = 'figures:7'"))
        assert names == {*FIGURES_SLOTS, SETTLED}
        before = int(figures_version().split("-")[0])
        downgrade(revision="0017")
        with db.engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT name, value FROM change_counters")).all())
        assert rows == {"figures": before + 1, "settled": 0}
        db.engine.dispose()
