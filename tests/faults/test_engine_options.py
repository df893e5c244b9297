"""The database pool holds a connection for every thread a server process runs."""

from app.extensions import db


def test_the_pool_has_room_for_every_thread_of_a_process(app):
    # gunicorn.conf.py runs 32 threads a process, and a request holds its connection to the
    # end: a smaller pool turns a busy minute into 503s while the database is idle.
    pool = db.engine.pool
    assert pool.size() + pool._max_overflow >= 32
    assert pool.timeout() == app.config["DB_POOL_TIMEOUT"]


def test_pool_settings_come_from_the_environment(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                      "DB_POOL_SIZE": 3, "DB_MAX_OVERFLOW": 4})
    with app.app_context():
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (3, 4)
