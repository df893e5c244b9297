"""The wall screen on a TV: it follows the data without a reload, is readable from 5 m, says
when it has lost the server without hiding the clock, greys what may be stale, recovers by
itself, and is the same at 4K, twice the size; screenshots at 1080p and 4K."""

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
from tests.factories import make_department, make_hazard, make_location, make_schedule, make_user

FULL_HD = {"width": 1920, "height": 1080}
UHD = {"width": 3840, "height": 2160}


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
    return page.eval_on_selector_all("#overdue-list > li",
                                     "rows => rows.map(r => r.dataset.number)")


def test_a_hazard_going_overdue_appears_within_30_s_without_a_reload(
        browser, small_hospital, monkeypatch, shot):
    page = browser.new_page(viewport=FULL_HD)
    page.goto(small_hospital["url"])
    page.evaluate("window.notReloaded = true")
    assert overdue_numbers(page) == [small_hospital["overdue"]]
    assert page.inner_text("[data-count=overdue]") == "1"
    # Midnight passes on the server's clock: the card due today is now overdue.
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr("app.wall.data.utcnow", lambda: tomorrow)
    page.wait_for_function(
        "n => [...document.querySelectorAll('#overdue-list > li')]"
        ".some(r => r.dataset.number === n)", arg=small_hospital["due_today"],
        timeout=30_000)
    assert page.inner_text("[data-count=overdue]") == "2"
    assert page.evaluate("window.notReloaded") is True
    shot(page, "wall-small-1080p")
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
    # The text as drawn: its size times the body's scale to the screen.
    row_text = page.evaluate("""() => parseFloat(getComputedStyle(document.querySelector('.hz'))
        .fontSize) * document.body.getBoundingClientRect().width / document.body.offsetWidth""")
    assert row_text == 32 * scale  # about 2 cm tall letters on a 55-inch TV: read at 5 m
    assert page.eval_on_selector_all("a", "links => links.length") == 0
    shot(page, f"wall-{size}")
    page.close()


@pytest.fixture(scope="module")
def crowded_hospital(tmp_path_factory):
    """25 overdue cards (long names, long and many-lined titles, both levels, in four
    departments), two rounds missed today, and a screen token; served for the module."""
    folder = tmp_path_factory.mktemp("crowded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAFEROUND_INSTANCE", str(folder / "instance"))
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'wall.db'}"})
    with app.app_context():
        db.create_all()
        departments = [make_department(name_zh=zh, name_en=en) for zh, en in [
            ("总务科", "General Affairs Office"), ("信息科", "Information Technology Department"),
            ("药剂科", "Pharmacy"), ("设备科", "Medical Equipment Department")]]
        for n in range(25):
            place = make_location(department=departments[n % 4],
                                  name_zh=f"门诊楼{n + 1}层网络汇聚机房",
                                  name_en=f"Outpatient block floor {n + 1} network room")
            hazard = make_hazard(status="rectifying", level="major" if n % 5 == 0 else "general",
                                 location=place,
                                 description="灭火器压力不足，指针在红区，需要更换并补充登记台账\n第二行")
            hazard.deadline_on = local_today() - timedelta(days=100 - 3 * n)
        for code in ("BLR-1F-01", "RAD-B1-01"):
            schedule = make_schedule(location=make_location(code=code, department=departments[0]))
            schedule.created_at -= timedelta(days=3)
        display = DisplayToken(name="TV", created_by_id=make_user("manager").id)
        db.session.add(display)
        db.session.commit()
        token = display.token
    server = Server(app)
    server.start()
    yield f"{server.url}/wall/{token}"
    server.stop()


def open_wall(browser, url, viewport=FULL_HD, lang="zh_Hans"):
    page = browser.new_page(viewport=viewport)
    page.goto(f"{url}?lang={lang}")
    page.wait_for_selector("#overdue-list > li")
    return page


# Each element with text of its own that shows on the screen: its text, size, colour and the
# colour behind it (that of the nearest ancestor with a background).
VISIBLE_TEXTS = """() => [...document.querySelectorAll("body *")].filter(e =>
    [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()) &&
    e.checkVisibility({opacityProperty: true, visibilityProperty: true}) && (() => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 &&
             r.left < innerWidth && r.top < innerHeight;
    })()).map(e => {
      let behind = e;
      while (getComputedStyle(behind).backgroundColor === "rgba(0, 0, 0, 0)") {
        behind = behind.parentElement;
      }
      const style = getComputedStyle(e);
      return {text: e.textContent.trim().slice(0, 40), size: parseFloat(style.fontSize),
              colour: style.color, behind: getComputedStyle(behind).backgroundColor};
    })"""


def _channels(css: str) -> list[float]:
    return [int(part) / 255 for part in css[css.index("(") + 1:-1].split(",")[:3]]


def _luminance(css: str) -> float:
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(css))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def small_texts(page) -> list[dict]:
    texts = page.evaluate(VISIBLE_TEXTS)
    assert len(texts) > 40  # the walk saw the whole screen
    return [t for t in texts if t["size"] < 32]


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_every_text_is_32_px_or_more_and_ten_overdue_rows_show(browser, crowded_hospital, shot,
                                                                 lang):
    page = open_wall(browser, crowded_hospital, lang=lang)
    assert small_texts(page) == []
    assert page.locator("#overdue-list > li").count() >= 10
    assert page.inner_text("#overdue-pager") in ("1 / 2", "1 / 3")
    shot(page, f"wall-crowded-1080p-{lang}", full_page=False)
    page.close()


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_level_and_department_are_words_on_each_row(browser, crowded_hospital, lang):
    page = open_wall(browser, crowded_hospital, lang=lang)
    rows = page.eval_on_selector_all("#overdue-list > li", """rows => rows.map(r =>
        [r.querySelector('.hz-level').textContent, r.querySelector('.hz-dept').textContent])""")
    levels = {"zh_Hans": {"重大", "一般"}, "en": {"Major", "General"}}[lang]
    assert {level for level, _ in rows} == levels
    assert rows[0][1] == ("总务科" if lang == "zh_Hans" else "General Affairs Office")
    page.close()


@pytest.mark.parametrize("stale", [False, True])
def test_text_contrast_is_at_least_4_5_to_1(browser, crowded_hospital, monkeypatch, stale):
    monkeypatch.setattr("app.wall.views.POLL_SECONDS", 1)
    page = open_wall(browser, crowded_hospital)
    if stale:
        page.route("**/data*", lambda route: route.abort())
        page.wait_for_selector("body.is-stale", timeout=10_000)
    poor = [(t["text"], round(contrast(t["colour"], t["behind"]), 2))
            for t in page.evaluate(VISIBLE_TEXTS) if contrast(t["colour"], t["behind"]) < 4.5]
    assert poor == []
    page.close()


def test_lost_connection_keeps_the_clock_and_greys_the_figures(browser, crowded_hospital,
                                                               monkeypatch, shot):
    monkeypatch.setattr("app.wall.views.POLL_SECONDS", 1)
    page = open_wall(browser, crowded_hospital, lang="en")
    overdue = page.locator("[data-count=overdue]")
    red = overdue.evaluate("e => getComputedStyle(e).color")
    loaded = page.evaluate("""() => new Intl.DateTimeFormat('en', {timeZone: JSON.parse(
        document.getElementById('wall-config').textContent).timezone, hour: '2-digit',
        minute: '2-digit', hour12: false}).format(new Date())""")
    page.route("**/data*", lambda route: route.abort())
    page.wait_for_selector("#lost", state="visible", timeout=10_000)
    assert f"last updated {loaded}" in page.inner_text("#lost")
    # Nothing covers the clock: what shows at its middle is the clock.
    assert page.evaluate("""() => {
        const clock = document.getElementById('clock'), r = clock.getBoundingClientRect();
        return clock.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
    }""")
    assert page.is_visible("#clock-time")
    grey = overdue.evaluate("e => getComputedStyle(e).color")
    assert grey != red and max(_channels(grey)) - min(_channels(grey)) < 0.15
    assert page.inner_text("[data-count=overdue]") == "25"  # the last data stays up
    assert small_texts(page) == []
    shot(page, "wall-lost-1080p-en", full_page=False)
    page.unroute("**/data*")
    page.wait_for_selector("#lost", state="hidden", timeout=10_000)
    assert overdue.evaluate("e => getComputedStyle(e).color") == red
    page.close()


# Every element's box, in document order, with what it is.
BOXES = """() => [...document.querySelectorAll("body *")].map(e => {
    const r = e.getBoundingClientRect();
    return [e.tagName + "." + e.className + "#" + e.id, r.x, r.y, r.width, r.height];
})"""


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_4k_is_1080p_at_exactly_twice_the_size(browser, crowded_hospital, shot, lang):
    small = open_wall(browser, crowded_hospital, lang=lang)
    large = open_wall(browser, crowded_hospital, viewport=UHD, lang=lang)
    boxes, doubled = small.evaluate(BOXES), large.evaluate(BOXES)
    assert [b[0] for b in doubled] == [b[0] for b in boxes]
    off = [(one[0], one[1:], two[1:]) for one, two in zip(boxes, doubled, strict=True)
           if any(abs(2 * a - b) > 0.01 for a, b in zip(one[1:], two[1:], strict=True))]
    assert off == []
    shot(large, f"wall-crowded-4k-{lang}", full_page=False)
    small.close()
    large.close()
