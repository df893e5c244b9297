"""The administrators' page says when the last audit anchor was written, and when anchoring
has stopped."""

import os
import socket
import time
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from app.audit.anchors import WRITTEN_NOTE_KEY, leave_note, write_anchor
from app.common.time import utcnow
from app.extensions import db
from app.settings.models import Setting


def test_admin_page_shows_the_last_anchor(client, login):
    login("admin")
    write_anchor()
    write_anchor()
    page = client.get("/admin").text
    assert "Last audit anchor: 2, written" in page


def test_admin_page_says_when_nothing_was_anchored(client, login):
    login("admin")
    assert "No audit anchor yet" in client.get("/admin").text


def test_admin_page_warns_when_anchoring_stopped(app, client, login):
    login("admin")
    path = write_anchor().path
    three_days_ago = time.time() - 3 * 24 * 3600
    os.utime(path, (three_days_ago, three_days_ago))
    assert "Audit anchors have stopped: anchor 1 was written" in client.get("/admin").text


def test_admin_page_speaks_chinese_about_anchors(client, login):
    login("admin")
    write_anchor()
    page = client.get("/admin", headers={"Accept-Language": "zh-CN"}).text
    assert "最近的审计锚点：第 1 个" in page


# -- several hosts: the one whose cron job writes the anchors leaves a note in the database ---

def _another_host(app, tmp_path):
    """This host has no anchor file of its own: the anchors are written on another."""
    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "not-here" / "audit-anchors.jsonl")


def test_another_host_shows_the_anchor_the_writing_host_noted(app, client, login, tmp_path):
    login("admin")
    app.test_cli_runner().invoke(args=["audit", "anchor"])
    written_to = app.instance_path + "/audit-anchors.jsonl"
    _another_host(app, tmp_path)
    page = client.get("/admin").text
    assert "Last audit anchor: 1, written" in page
    assert f"Anchor file: {written_to} on host {socket.gethostname()}." in page


def test_another_host_warns_when_the_noted_anchor_is_old(app, client, login, tmp_path):
    login("admin")
    three_days_ago = utcnow() - timedelta(days=3)
    leave_note(write_anchor(three_days_ago), three_days_ago)
    db.session.commit()
    _another_host(app, tmp_path)
    assert "Audit anchors have stopped: anchor 1 was written" in client.get("/admin").text


def test_a_note_dated_ahead_is_not_believed(app, client, login, tmp_path):
    """Someone who can write to the database must not hide that anchoring stopped."""
    login("admin")
    leave_note(write_anchor(), utcnow() + timedelta(days=30))
    db.session.commit()
    _another_host(app, tmp_path)
    assert "No audit anchor yet" in client.get("/admin").text


def test_a_host_with_its_own_file_believes_the_file(app, client, login):
    login("admin")
    leave_note(write_anchor())
    db.session.commit()
    three_days_ago = time.time() - 3 * 24 * 3600
    os.utime(write_anchor().path, (three_days_ago, three_days_ago))
    # The file says three days, a fresh note says now: the file is what counts here.
    assert "Audit anchors have stopped: anchor 2 was written" in client.get("/admin").text


def test_a_note_of_another_kind_is_not_an_anchor(client, login):
    login("admin")
    db.session.add(Setting(key=WRITTEN_NOTE_KEY, value={"n": "one"}))
    db.session.commit()
    assert "No audit anchor yet" in client.get("/admin").text


def test_an_anchor_the_database_cannot_note_is_still_written(app, monkeypatch):
    def refuse():
        raise OperationalError("COMMIT", {}, Exception("database is locked"))
    monkeypatch.setattr(db.session, "commit", refuse)
    result = app.test_cli_runner().invoke(args=["audit", "anchor"])
    assert result.exit_code == 1
    assert "/admin cannot be told of it" in result.output
    with open(app.instance_path + "/audit-anchors.jsonl", encoding="utf-8") as file:
        assert len(file.read().splitlines()) == 1


def test_an_anchor_whose_note_cannot_be_read_is_still_written_and_mailed(app, monkeypatch,
                                                                        smtp_sink):
    app.config["AUDIT_ANCHOR_MAIL_TO"] = "safety@hospital.test"

    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))
    monkeypatch.setattr(db.session, "get", refuse)
    result = app.test_cli_runner().invoke(args=["audit", "anchor"])
    assert result.exit_code == 1 and "/admin cannot be told of it" in result.output
    assert len(smtp_sink.messages) == 1
