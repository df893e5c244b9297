"""Settings and the SQLite connection's pragmas."""

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db


@pytest.mark.parametrize("env", ["production", None])
def test_production_and_unset_env_refuse_the_demo_secret(monkeypatch, tmp_path, env):
    if env:
        monkeypatch.setenv("SAFEROUND_ENV", env)
    else:
        monkeypatch.delenv("SAFEROUND_ENV")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_sqlite_defaults_to_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'saferound.db'}"
    assert app.config["PHOTO_DIR"] == str(tmp_path / "photos")


@pytest.mark.only_on("sqlite", reason="SQLite's connection pragmas")
@pytest.mark.parametrize(("pragma", "expected"), [
    ("journal_mode", "wal"), ("busy_timeout", 5000), ("foreign_keys", 1),
])
def test_sqlite_connections_get_wal_busy_timeout_and_foreign_keys(app, pragma, expected):
    assert db.session.execute(text(f"PRAGMA {pragma}")).scalar() == expected


def test_csrf_is_enforced_outside_tests(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}",
                      "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        client = app.test_client()
        response = client.post("/language", data={"lang": "en"})
        assert response.status_code == 400
        with client.session_transaction() as session:
            assert "lang" not in session
        db.engine.dispose()


def test_demo_refuses_to_load_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("SAFEROUND_ENV", "production")
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                      "SECRET_KEY": "a-real-secret"})
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "SAFEROUND_ENV=development" in result.output
