"""A database that stays away after the fault: the answer itself must not need it."""

import sqlite3

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.inspections import services
from tests.api.conftest import bearer, inspection_body
from tests.factories import make_user


@pytest.fixture
def database_goes_away(app):
    """gone(): from now on every statement fails, as on a database that stopped answering."""
    state = {"gone": False}

    def refuse(*_args, **_kwargs):
        if state["gone"]:
            raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    event.listen(db.engine, "before_cursor_execute", refuse)

    def gone(*_args, **_kwargs):
        state["gone"] = True
        refuse()

    yield gone
    state["gone"] = False
    event.remove(db.engine, "before_cursor_execute", refuse)


def test_api_answers_busy_though_the_user_cannot_be_read_again(client, place, monkeypatch,
                                                                database_goes_away):
    headers = bearer(make_user("inspector"))
    monkeypatch.setattr(services, "_raise_hazard", database_goes_away)
    response = client.post("/api/v1/inspections", headers=headers,
                           json=inspection_body(*place, outcomes=("pass", "fail")))
    assert response.status_code == 503
    assert response.json["code"] == "server.busy"


def test_busy_answer_keeps_the_language_the_user_chose(client, place, monkeypatch,
                                                       database_goes_away):
    user = make_user("inspector")
    user.locale = "en"
    db.session.commit()
    monkeypatch.setattr(services, "_raise_hazard", database_goes_away)
    response = client.post("/api/v1/inspections", headers=bearer(user),
                           json=inspection_body(*place, outcomes=("pass", "fail")))
    assert response.json["message"].startswith("The server is busy")
