"""The wall screen: tokens, what it shows (and does not), its data with ETag."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.common import shared
from app.common.time import local_today, utcnow
from app.dashboard.models import FIGURES_SLOTS, ChangeCounter
from app.extensions import db
from app.wall.models import DisplayToken
from tests.factories import make_hazard, make_location, make_schedule, make_user


def past_settling():
    """The last change an hour old: the version no longer moves in SETTLE_SECONDS steps, so
    that two requests a moment apart on a busy machine see one version."""
    db.session.execute(update(ChangeCounter).where(ChangeCounter.name.in_(FIGURES_SLOTS))
                       .values(changed_at=utcnow() - timedelta(hours=1)))
    db.session.commit()


def make_display(**fields) -> DisplayToken:
    creator = fields.pop("created_by_id", None) or make_user("manager").id
    display = DisplayToken(name=fields.pop("name", "Safety office TV"), created_by_id=creator,
                           **fields)
    db.session.add(display)
    db.session.commit()
    return display


def overdue_hazard(days=3, **fields):
    hazard = make_hazard(status="rectifying", **fields)
    hazard.deadline_on = local_today() - timedelta(days=days)
    db.session.commit()
    return hazard


def test_wall_opens_without_a_login(client):
    display = make_display()
    response = client.get(f"/wall/{display.token}")
    assert response.status_code == 200
    assert 'id="wall-data"' in response.text and "wall.js" in response.text


@pytest.mark.parametrize("token", ["unknown-token", "x" * 200])
def test_unknown_token_gets_a_plain_404(client, token):
    response = client.get(f"/wall/{token}")
    assert response.status_code == 404
    assert "<a " not in response.text and "<form" not in response.text
    assert client.get(f"/wall/{token}/data").status_code == 404


def test_revoked_token_gets_the_same_plain_404(client):
    display = make_display()
    display.revoked_at = display.created_at
    db.session.commit()
    page = client.get(f"/wall/{display.token}")
    assert page.status_code == 404 and "<a " not in page.text
    assert page.text == client.get("/wall/never-made").text
    assert client.get(f"/wall/{display.token}/data").status_code == 404


def test_data_lists_overdue_longest_first_with_the_counts(client):
    display = make_display()
    newer, older = overdue_hazard(days=2), overdue_hazard(days=9)
    make_hazard(status="rectifying")  # open, not overdue
    data = client.get(f"/wall/{display.token}/data").get_json()
    assert [h["number"] for h in data["overdue"]] == [older.number, newer.number]
    assert [h["days"] for h in data["overdue"]] == [9, 2]
    assert (data["counts"]["overdue"], data["counts"]["open"]) == (2, 3)


def test_a_card_is_titled_by_the_first_line_of_its_description_cut_short(client):
    display = make_display()
    overdue_hazard(description="\n  灭火器压力不足  \n指针在红区")
    overdue_hazard(description="消" * 200)
    data = client.get(f"/wall/{display.token}/data").get_json()
    assert sorted(h["title"] for h in data["overdue"]) == ["消" * 59 + "…", "灭火器压力不足"]


def test_the_wall_shows_no_links_and_no_personal_details(client):
    display = make_display()
    hazard = overdue_hazard()
    hazard.responsible = make_user("dept_lead", department=hazard.department,
                                   full_name="王敏", phone="13800138000",
                                   email="wang@h.test")
    db.session.commit()
    page = client.get(f"/wall/{display.token}").text
    data = client.get(f"/wall/{display.token}/data").text
    assert "王敏" in data
    for text in (page, data):
        assert "13800138000" not in text and "wang@h.test" not in text
    assert re.findall(r"<a\b", page) == [] and "/hazards/" not in data


def test_unchanged_data_answers_304_and_a_change_a_new_etag(client):
    display = make_display()
    past_settling()
    url = f"/wall/{display.token}/data"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    overdue_hazard()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_missed_rounds_of_today_are_listed(client):
    display = make_display()
    location = make_location(code="BOILER-1")
    schedule = make_schedule(location=location, frequency="daily")
    schedule.created_at = schedule.created_at - timedelta(days=3)
    db.session.commit()
    data = client.get(f"/wall/{display.token}/data").get_json()
    # Yesterday's daily round ended at midnight without an inspection: missed today.
    assert [m["code"] for m in data["missed_today"]] == ["BOILER-1"]
    assert data["counts"]["missed_today"] == 1 and data["counts"]["owed_now"] == 1


def test_the_wall_speaks_english_when_asked(client):
    display = make_display()
    assert "Overdue rectifications" in client.get(f"/wall/{display.token}?lang=en").text
    assert "逾期" in client.get(f"/wall/{display.token}?lang=zh_Hans").text


# -- managing screens -------------------------------------------------------------------------

def test_manager_makes_and_revokes_a_screen(client, login):
    login("manager")
    response = client.post("/displays", data={"name": "保卫科大屏"})
    assert response.status_code == 303
    display = db.session.scalar(db.select(DisplayToken))
    page = client.get("/displays").text
    assert "保卫科大屏" in page and f"/wall/{display.token}" in page
    assert client.get(f"/wall/{display.token}").status_code == 200
    assert client.post(f"/displays/{display.id}/revoke").status_code == 303
    assert client.get(f"/wall/{display.token}").status_code == 404


def test_a_screen_needs_a_name(client, login):
    login("manager")
    response = client.post("/displays", data={"name": "  "})
    assert response.status_code == 400 and 'id="display-name-err"' in response.text
    assert db.session.scalar(db.select(DisplayToken)) is None


@pytest.mark.parametrize("role", ["dept_lead", "inspector", "viewer"])
def test_only_managers_manage_screens(client, login, role):
    login(role)
    assert client.get("/displays").status_code == 403
    assert client.post("/displays", data={"name": "TV"}).status_code == 403


def test_screens_share_the_data_for_the_cache_time(app, client):
    app.config["WALL_CACHE_SECONDS"] = 60
    clock = [0.0]
    app.extensions[shared.EXTENSION] = shared.MemoryCache(clock=lambda: clock[0])
    first, second = make_display(), make_display(name="Boiler room TV")
    etag = client.get(f"/wall/{first.token}/data").headers["ETag"]
    overdue_hazard()
    # Within the cache time every screen gets the same data, at no extra cost...
    assert client.get(f"/wall/{second.token}/data",
                      headers={"If-None-Match": etag}).status_code == 304
    # ... and once it has passed, the change shows.
    clock[0] += 61
    assert client.get(f"/wall/{second.token}/data").headers["ETag"] != etag


def test_supervised_overdue_cards_are_marked_on_the_wall(client):
    from app.notices.services import send_due_notices

    display = make_display()
    supervised, late = overdue_hazard(days=9), overdue_hazard(days=2)
    send_due_notices()  # the ladder's top (day 7) marks the first supervised
    data = client.get(f"/wall/{display.token}/data").get_json()
    assert {h["number"]: h["supervised"] for h in data["overdue"]} == {
        supervised.number: True, late.number: False}
