"""`flask audit anchor` and `flask audit verify --anchors`: a history rewritten in the
database with every hash recomputed, an edited or dropped anchor, a wrong key, an edited or
deleted audit record and a deleted card are each named; what came after the last anchor is
counted, not judged."""

import json
import os
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.audit.anchors import anchor_key, canonical, card_heads, mac_of, write_anchor
from app.audit.services import record_about
from app.common.time import utcnow
from app.extensions import db
from app.hazards import workflow
from app.hazards.models import HazardEvent
from app.hazards.workflow import GENESIS_HASH, event_hash
from tests.factories import make_hazard, make_user


@pytest.fixture
def ledger(app):
    hazards = [make_hazard(status="closed"), make_hazard(status="rectifying"),
               make_hazard(status="reported")]
    db.session.commit()
    return hazards


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["audit", *args])


def _anchor_file(app):
    return app.instance_path + "/audit-anchors.jsonl"


def _lines(app) -> list[str]:
    with open(_anchor_file(app), encoding="utf-8") as f:
        return f.read().splitlines()


def _write_lines(app, lines):
    with open(_anchor_file(app), "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))


def _old_record(action="user.update", **details):
    """An audit record written an hour ago: old enough for the next anchor."""
    entry = record_about(None, action, "users", 1, details)
    entry.at = utcnow() - timedelta(hours=1)
    return entry


def _rewrite_history(hazard, seq, note):
    """What someone with write access to the database can do: change an event and recompute
    the hash of it and of every event after it, so the chain checks again."""
    prev = GENESIS_HASH
    for event in db.session.scalars(select(HazardEvent).where(
            HazardEvent.hazard_id == hazard.id).order_by(HazardEvent.seq)):
        if event.seq == seq:
            event.note = note
        event.prev_hash = prev
        event.hash = prev = event_hash(hazard.number, event)
    db.session.commit()


def _move(hazard, action, **extra):
    workflow.apply(hazard, action, actor=make_user("manager"), **extra)
    db.session.commit()


def test_anchored_ledger_verifies(app, ledger):
    _old_record()
    db.session.commit()
    assert _run(app, "anchor").exit_code == 0
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 0, result.output
    assert "cover 9 events on 3 cards and 1 audit records" in result.output
    assert "Every anchored card and audit record is as it was anchored." in result.output


def test_history_rewritten_with_recomputed_hashes_is_named(app, ledger):
    closed = ledger[0]
    assert _run(app, "anchor").exit_code == 0
    _rewrite_history(closed, 2, "nothing happened here")
    assert _run(app, "verify").exit_code == 0  # the chain alone cannot tell
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert f"{closed.number}: event 5 is not the event anchored in anchor 1" in result.output
    assert ledger[1].number not in result.output


def test_history_rewritten_between_anchors_is_named_by_the_earlier_anchor(app, ledger):
    reported = ledger[2]
    assert _run(app, "anchor").exit_code == 0
    _rewrite_history(reported, 1, "found nothing")
    _move(reported, "assign")  # the card moves on, so the next anchor holds its new head
    result = _run(app, "anchor")
    assert result.exit_code == 1  # written, with a warning cron passes on
    assert f"warning: {reported.number}: event 1 is no longer the event anchored" \
        in result.output
    assert len(_lines(app)) == 2
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert f"{reported.number}: event 1 is not the event anchored in anchor 1" in result.output


def test_a_wrong_key_verifies_nothing(app, ledger):
    _run(app, "anchor")
    app.config["AUDIT_KEY"] = "another-key-of-at-least-thirty-two-characters"
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert "no anchor's MAC matches (1 lines): AUDIT_KEY is not the key" in result.output


def test_an_edited_anchor_line_is_caught(app, ledger):
    _run(app, "anchor")
    _run(app, "anchor")
    lines = _lines(app)
    anchor = json.loads(lines[0])
    anchor["cards"]["changed"][0][2] = "f" * 64  # to bless a rewritten history
    _write_lines(app, [json.dumps(anchor), lines[1]])
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert "line 1 (anchor 1): its MAC does not match" in result.output
    assert "line 2" not in result.output


def test_a_dropped_anchor_line_is_caught(app, ledger):
    for _day in range(3):
        _run(app, "anchor")
    lines = _lines(app)
    _write_lines(app, [lines[0], lines[2]])
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert "line 2 (anchor 3): does not follow the line before it: anchor 2 was dropped" \
        in result.output


def test_reordered_anchor_lines_are_caught(app, ledger):
    _run(app, "anchor")
    _move(ledger[2], "assign")
    _run(app, "anchor")
    _write_lines(app, list(reversed(_lines(app))))
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert "line 1 (anchor 2): does not follow the line before it" in result.output


def test_an_edited_audit_record_is_named(app, ledger):
    first, second = _old_record(), _old_record()
    db.session.commit()
    _run(app, "anchor")
    db.session.execute(text("UPDATE audit_records SET action = 'user.view' WHERE id = :id"),
                       {"id": second.id})
    db.session.commit()
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert f"audit record {second.id} (user.view) was changed after anchor 1" in result.output
    assert f"audit record {first.id} " not in result.output


def test_a_deleted_audit_record_is_named(app, ledger):
    records = [_old_record() for _ in range(3)]
    db.session.commit()
    deleted = records[1].id
    _run(app, "anchor")
    db.session.execute(text("DELETE FROM audit_records WHERE id = :id"), {"id": deleted})
    db.session.commit()
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert f"audit record {deleted}, anchored in anchor 1" in result.output
    assert "was deleted" in result.output


def test_audit_records_anchor_cumulatively_across_anchors(app, ledger):
    _old_record()
    db.session.commit()
    _run(app, "anchor")
    later = _old_record()
    db.session.commit()
    _run(app, "anchor")
    assert [len(json.loads(line)["audit"]["records"]) for line in _lines(app)] == [1, 1]
    db.session.execute(text("UPDATE audit_records SET details = '{}' WHERE id = :id"),
                       {"id": later.id})
    db.session.execute(text("UPDATE audit_records SET target_id = 2 WHERE id = :id"),
                       {"id": later.id})
    db.session.commit()
    result = _run(app, "verify", "--anchors")
    assert f"audit record {later.id} (user.update) was changed after anchor 2" in result.output


def test_a_deleted_card_is_named(app, ledger):
    hazard_id, number = ledger[2].id, ledger[2].number
    _run(app, "anchor")
    db.session.execute(text("DELETE FROM hazard_events WHERE hazard_id = :h"), {"h": hazard_id})
    db.session.execute(text("DELETE FROM hazards WHERE id = :h"), {"h": hazard_id})
    db.session.commit()
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1
    assert f"{number}: anchored (event 1, anchor 1" in result.output
    assert "but no longer in the database" in result.output


def test_events_after_the_last_anchor_are_counted_not_failed(app, ledger):
    _run(app, "anchor")
    _move(ledger[2], "assign")
    _old_record()
    db.session.commit()
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 0, result.output
    assert "Not anchored yet (written after the last anchor, not protected until the next " \
           "one): 1 events on 1 cards, 1 audit records." in result.output


def test_an_audit_record_younger_than_ten_minutes_waits_for_the_next_anchor(app, ledger):
    record_about(None, "user.update", "users", 1)  # its transaction could still be open
    db.session.commit()
    written = write_anchor()
    assert written.anchor["audit"] == {"last_id": 0, "count": 0, "hash": "0" * 64, "records": []}
    written = write_anchor(utcnow() + timedelta(minutes=11))
    assert written.anchor["audit"]["count"] == 1


def test_an_anchor_holds_only_the_cards_that_moved(app, ledger):
    write_anchor()
    _move(ledger[2], "assign")
    written = write_anchor()
    cards = written.anchor["cards"]
    assert [number for number, _seq, _hash in cards["changed"]] == [ledger[2].number]
    assert cards["total"] == 3 and written.anchor["events"] == 10
    assert write_anchor().anchor["cards"]["changed"] == []


def test_the_lines_must_add_up_to_their_digest(app, ledger):
    write_anchor()
    _move(ledger[2], "assign")
    write_anchor()
    lines = _lines(app)
    # Re-signed with the key, the second line forgets a card: only its digest tells.
    anchor = json.loads(lines[1])
    anchor["cards"]["changed"] = []
    anchor["mac"] = mac_of(anchor_key(), anchor)
    _write_lines(app, [lines[0], canonical(anchor)])
    result = _run(app, "verify", "--anchors")
    assert "anchor 2 of" in result.output and "do not add up to its digest" in result.output


def test_heads_as_of_a_past_time_leave_out_later_events(app, ledger):
    rectifying = ledger[1]
    cut = rectifying.events[1].at
    assert card_heads(as_of=cut)[rectifying.number] == (2, rectifying.events[1].hash)


def test_anchor_refuses_to_extend_a_file_that_does_not_verify(app, ledger):
    _run(app, "anchor")
    _write_lines(app, [_lines(app)[0][:-10]])
    result = _run(app, "anchor")
    assert result.exit_code == 1
    assert "does not verify (line 1: not an anchor (cut short or edited)); no anchor was added" \
        in result.output
    assert len(_lines(app)) == 1


def test_verify_anchors_without_a_file_fails(app, ledger):
    result = _run(app, "verify", "--anchors")
    assert result.exit_code == 1 and "No anchor file at" in result.output


def test_plain_verify_does_not_read_the_anchors(app, ledger):
    _run(app, "anchor")
    _write_lines(app, ["garbage"])
    result = _run(app, "verify")
    assert result.exit_code == 0 and "All 9 hazard events verified" in result.output


@pytest.mark.parametrize("key, says", [
    (None, "Set AUDIT_KEY in the environment"),
    ("demo-only-audit-key-signs-anchors-of-the-demo", "AUDIT_KEY is the demo's key"),
    ("short", "AUDIT_KEY must have at least 32 characters"),
])
def test_production_refuses_to_anchor_without_a_key_of_its_own(app, ledger, key, says):
    app.config.update(ALLOWS_DEMO_SECRET=False, AUDIT_KEY=key)
    result = _run(app, "anchor")
    assert result.exit_code == 1 and says in result.output
    assert _run(app, "verify", "--anchors").exit_code == 1


def test_the_anchor_file_goes_where_it_is_told(app, ledger, tmp_path):
    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "elsewhere" / "anchors.jsonl")
    assert _run(app, "anchor").exit_code == 0
    assert json.loads((tmp_path / "elsewhere" / "anchors.jsonl").read_text())["n"] == 1


def test_each_anchor_is_mailed_with_its_line(app, ledger, smtp_sink):
    app.config["AUDIT_ANCHOR_MAIL_TO"] = "audit@hospital.test, it@hospital.test"
    result = _run(app, "anchor")
    assert result.exit_code == 0, result.output
    assert smtp_sink.recipients() == ["audit@hospital.test", "it@hospital.test"]
    message = smtp_sink.to("audit@hospital.test")[0]
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "audit-anchor-000001.jsonl"
    assert attachment.get_content().decode().strip() == _lines(app)[0]
    assert "审计锚点 1" in message["Subject"]


def test_mailing_without_smtp_refuses_before_anchoring(app, ledger):
    app.config["AUDIT_ANCHOR_MAIL_TO"] = "audit@hospital.test"
    result = _run(app, "anchor")
    assert result.exit_code == 1 and "SMTP_HOST is not" in result.output
    assert not os.path.exists(_anchor_file(app))


@pytest.mark.postgres
def test_anchors_verify_after_a_postgres_round_trip(tmp_path, monkeypatch, pg_database):
    from app import create_app

    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database})
    with app.app_context():
        db.create_all()
        make_hazard(status="closed")
        _old_record(note="中文", nested={"b": 1, "a": [1.5, None]})
        db.session.commit()
        assert _run(app, "anchor").exit_code == 0
        db.session.remove()
        result = _run(app, "verify", "--anchors")
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "cover 5 events on 1 cards and 1 audit records" in result.output
