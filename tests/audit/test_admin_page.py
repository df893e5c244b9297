"""The administrators' page says when the last audit anchor was written, and when anchoring
has stopped."""

import os
import time

from app.audit.anchors import write_anchor


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
