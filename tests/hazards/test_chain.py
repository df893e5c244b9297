"""`flask audit verify` finds an event changed, removed or re-chained in the database."""

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.factories import make_hazard


@pytest.fixture
def ledger(app):
    hazards = [make_hazard(status="closed"), make_hazard(status="rectifying")]
    db.session.commit()
    return hazards


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_intact_chain_verifies(app, ledger):
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "All 8 hazard events verified" in result.output


def test_an_event_changed_in_the_database_is_caught(app, ledger):
    closed = ledger[0]
    db.session.execute(text("UPDATE hazard_events SET note = 'nothing to see' "
                            "WHERE hazard_id = :h AND seq = 3"), {"h": closed.id})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"{closed.number} event 3: was changed after it was written" in result.output


def test_a_deleted_event_is_caught(app, ledger):
    closed = ledger[0]
    db.session.execute(text("DELETE FROM hazard_events WHERE hazard_id = :h AND seq = 2"),
                       {"h": closed.id})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1 and f"{closed.number} event 3: expected event 2" in result.output


def test_a_rewritten_event_with_a_fresh_hash_breaks_the_next_link(app, ledger):
    from app.hazards.models import HazardEvent
    from app.hazards.workflow import event_hash

    closed = ledger[0]
    event = db.session.scalars(db.select(HazardEvent).where(
        HazardEvent.hazard_id == closed.id, HazardEvent.seq == 2)).one()
    new_hash = event_hash(closed.number, event.__class__(
        seq=2, action=event.action, from_status=event.from_status, to_status=event.to_status,
        actor_id=event.actor_id, at=event.at, note="edited", data=event.data,
        prev_hash=event.prev_hash))
    db.session.execute(text("UPDATE hazard_events SET note = 'edited', hash = :x "
                            "WHERE id = :id"), {"x": new_hash, "id": event.id})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"{closed.number} event 3: does not carry the previous event's hash" in result.output


@pytest.mark.postgres
def test_chain_verifies_after_a_postgres_round_trip(tmp_path, monkeypatch, pg_database):
    from app import create_app

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database})
    with app.app_context():
        db.create_all()
        make_hazard(status="closed")
        db.session.commit()
        db.session.remove()
        result = _verify(app)
        db.session.remove()  # the command ran in this context: give its connection back
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "All 5 hazard events verified" in result.output


def test_a_photo_moved_off_its_event_is_caught(app, ledger):
    closed = ledger[0]
    submit = next(e for e in closed.events if e.action == "submit")
    db.session.execute(text("UPDATE photos SET hazard_event_id = NULL "
                            "WHERE hazard_event_id = :e"), {"e": submit.id})
    db.session.commit()
    result = _verify(app)
    assert result.exit_code == 1
    assert f"{closed.number} event {submit.seq}: its photos are not the ones it recorded" \
        in result.output
