"""The wall screen on a TV: it follows the data without a reload, says when it has lost the
server and recovers by itself; screenshots at 1080p and 4K."""

import socket
import threading
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.common.time import local_today, utcnow
from app.extensions import db
from app.hazards import workflow
from app.wall.models import DisplayToken
from tests.factories import make_location, make_user

FULL_HD = {"width": 1920, "height": 1080}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A live server that can be stopped and started again on the same port."""

    def __init__(self, app):
        self.app, self.port, self.server = app, _free_port(), None

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def small_hospital(tmp_path, monkeypatch):
    """A fresh hospital with one hazard due today, one overdue, and a screen token."""
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wall.db'}"})
    with app.app_context():
        db.create_all()
        finder, manager = make_user("inspector"), make_user("manager")

        def hazard(text, deadline):
            card = workflow.report(finder, location=make_location(), description=text,
                                   level="general")
            workflow.apply(card, "assign", actor=manager, deadline_on=local_today())
            card.deadline_on = deadline
            return card.number

        due_today = hazard("配电室门未上锁", local_today())
        overdue = hazard("灭火器过期", local_today() - timedelta(days=4))
        display = DisplayToken(name="TV", created_by_id=manager.id)
        db.session.add(display)
        db.session.commit()
        token = display.token
    server = Server(app)
    server.start()
    yield {"server": server, "url": f"{server.url}/wall/{token}", "due_today": due_today,
           "overdue": overdue}
    server.stop()


def overdue_numbers(page) -> list[str]:
    return page.eval_on_selector_all(".panel-overdue .hz-line1",
                                     "rows => rows.map(r => r.textContent)")


def test_a_hazard_going_overdue_appears_within_30_s_without_a_reload(
        browser, small_hospital, monkeypatch, shot):
    page = browser.new_page(viewport=FULL_HD)
    page.goto(small_hospital["url"])
    page.evaluate("window.notReloaded = true")
    assert any(small_hospital["overdue"] in row for row in overdue_numbers(page))
    assert not any(small_hospital["due_today"] in row for row in overdue_numbers(page))
    assert page.inner_text("[data-count=overdue]") == "1"
    # Midnight passes on the server's clock: the card due today is now overdue.
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr("app.wall.data.utcnow", lambda: tomorrow)
    page.wait_for_function(
        "n => [...document.querySelectorAll('.panel-overdue .hz-line1')]"
        ".some(r => r.textContent.includes(n))", arg=small_hospital["due_today"],
        timeout=30_000)
    assert page.inner_text("[data-count=overdue]") == "2"
    assert page.evaluate("window.notReloaded") is True
    shot(page, "wall-small-1080p")
    page.close()


def test_the_banner_says_the_server_is_lost_and_goes_when_it_is_back(browser, small_hospital):
    page = browser.new_page(viewport=FULL_HD)
    page.goto(small_hospital["url"])
    assert page.is_hidden("#lost")
    small_hospital["server"].stop()
    page.wait_for_selector("#lost", state="visible", timeout=25_000)
    banner = page.inner_text("#lost")
    assert "连接中断" in banner or "Connection lost" in banner
    assert page.inner_text("[data-count=overdue]") == "1"  # the last data stays up
    small_hospital["server"].start()
    page.wait_for_selector("#lost", state="hidden", timeout=25_000)
    page.close()


def _demo_screen(live_server) -> str:
    with live_server["app"].app_context():
        display = DisplayToken(name="保卫科大屏", created_by_id=1)
        db.session.add(display)
        db.session.commit()
        return f"{live_server['url']}/wall/{display.token}"


@pytest.mark.parametrize("size, scale", [("1080p", 1), ("4k", 2)])
def test_wall_fills_the_screen_without_scrolling(browser, live_server, shot, size, scale):
    # 4K TVs run their browsers at 3840×2160 device pixels: same layout, twice the pixels.
    page = browser.new_page(viewport={"width": 1920 * scale, "height": 1080 * scale})
    page.goto(_demo_screen(live_server))
    page.wait_for_selector(".panel-overdue .hz")
    sizes = page.evaluate("[document.documentElement.scrollHeight, innerHeight,"
                          " document.documentElement.scrollWidth, innerWidth]")
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3]
    # Every row on the page fits inside its panel: long lists page instead of overflowing.
    overflow = page.evaluate("""[...document.querySelectorAll('.list')].some(list =>
        [...list.children].some(row => row.getBoundingClientRect().bottom >
                                        list.getBoundingClientRect().bottom + 1))""")
    assert overflow is False
    row_text = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.hz-line1')).fontSize)")
    assert row_text >= 30 * scale  # about 3 cm tall letters on a 55-inch TV: read at 5 m
    assert page.eval_on_selector_all("a", "links => links.length") == 0
    shot(page, f"wall-{size}")
    page.close()
