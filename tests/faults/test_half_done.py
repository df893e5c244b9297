"""A fault in the middle of a submission leaves nothing of it: not the inspection without its
hazard cards, not the staged photo without its inspection."""

import sqlite3

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.hazards.models import Hazard
from app.inspections import services
from app.inspections.models import Inspection
from tests.api.conftest import bearer, inspection_body
from tests.factories import make_user


def _locked(*_args, **_kwargs):
    raise OperationalError("UPDATE hazard_counters", {}, sqlite3.OperationalError(
        "database is locked"))


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_fault_while_raising_hazards_keeps_no_inspection(client, place, monkeypatch):
    headers = bearer(make_user("inspector"))
    monkeypatch.setattr(services, "_raise_hazard", _locked)  # after the inspection's rows
    response = client.post("/api/v1/inspections", headers=headers,
                           json=inspection_body(*place, outcomes=("pass", "fail")))
    assert response.status_code == 503
    assert (_count(Inspection), _count(Hazard)) == (0, 0)
