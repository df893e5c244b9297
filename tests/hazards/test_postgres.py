"""The hazard pages' SQL on PostgreSQL, the production database."""

from datetime import timedelta

import pytest

from app.common.time import local_today
from app.extensions import db
from tests.factories import make_hazard, make_user


@pytest.fixture
def pg_client(tmp_path, monkeypatch, pg_database):
    from app import create_app
    from tests.conftest import FreshRequestClient

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database})
    app.test_client_class = FreshRequestClient
    with app.app_context():
        db.create_all()
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        yield client
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_lists_card_and_moves_on_postgresql(pg_client):
    late = make_hazard(status="rectifying", description="消防通道堆放杂物")
    late.deadline_on = local_today() - timedelta(days=2)
    waiting = make_hazard(status="awaiting_verification")
    manager = make_user("manager", password="correct horse")
    db.session.commit()
    pg_client.post("/login", data={"username": manager.username, "password": "correct horse"})
    assert late.number in pg_client.get("/hazards/?overdue=1&q=杂物").text
    mine = pg_client.get("/hazards/mine").text
    assert waiting.number in mine and late.number not in mine
    assert "Overdue by 2 days" in pg_client.get(f"/hazards/{late.number}").text
    response = pg_client.post(f"/hazards/{waiting.number}/moves/verify", data={"note": "合格"})
    assert response.status_code == 303
    db.session.refresh(waiting)
    assert waiting.status == "closed"
