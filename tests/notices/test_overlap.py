"""Two `flask notify` runs at the same moment send each message once between them."""

import threading

import pytest

from app import create_app
from app.common.time import utcnow
from app.extensions import db
from app.notices.services import send_due_notices
from tests.factories import make_hazard, make_user


def _race(app) -> list:
    now, start, summaries = utcnow(), threading.Barrier(2), []

    def run():
        with app.app_context():  # each run its own session and connection, like two processes
            start.wait()
            summaries.append(send_due_notices(now))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summaries


def _hazards_and_managers():
    for i in range(3):
        make_user("manager", email=f"m{i}@h.test")
    hazards = [make_hazard(level="major") for _ in range(4)]
    db.session.commit()
    return hazards


def test_overlapping_runs_send_each_message_once(app, smtp_sink, webhook_sink):
    _hazards_and_managers()
    summaries = _race(app)
    assert len(smtp_sink.messages) == 12 and len(webhook_sink.posts) == 4
    assert sum(s.sent for s in summaries) == 16


@pytest.mark.postgres
def test_overlapping_runs_send_each_message_once_on_postgresql(pg_database, tmp_path,
                                                                monkeypatch, smtp_sink):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "pg"))
    pg_app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database, "SMTP_HOST": "127.0.0.1",
                         "SMTP_PORT": smtp_sink.port})
    with pg_app.app_context():
        db.create_all()
        _hazards_and_managers()
        summaries = _race(pg_app)
        db.session.remove()
        db.engine.dispose()
    assert len(smtp_sink.messages) == 12
    assert sum(s.sent for s in summaries) == 12
