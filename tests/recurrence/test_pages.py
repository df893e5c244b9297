"""Recurring hazards on the pages: the card's mark and links, the review form, the verifier's
view, the window setting, the recurring list, the dashboard's lists and the ledger's column."""

import pytest

from app.extensions import db
from app.hazards import workflow
from app.ledger.queries import Period, hazard_ledger
from app.recurrence import services
from tests.factories import make_user
from tests.recurrence.cards import RECURRING, T0, TEXTS, recurring_card


def earlier_number(hazard) -> str:
    return hazard.events[0].data["recurs"][0]


def test_the_card_shows_the_mark_and_links_the_earlier_card(client, login):
    hazard = recurring_card()
    db.session.commit()
    login("viewer")
    page = client.get(f"/hazards/{hazard.number}").text
    assert 'class="pill pill-recurring">Recurring<' in page
    assert f'href="/hazards/{earlier_number(hazard)}"' in page
    earlier_page = client.get(f"/hazards/{earlier_number(hazard)}").text
    assert f'href="/hazards/{hazard.number}"' in earlier_page  # "came back as"


def test_the_card_speaks_chinese(client, login):
    hazard = recurring_card()
    db.session.commit()
    login("manager", locale="zh_Hans")
    page = client.get(f"/hazards/{hazard.number}").text
    assert "重复隐患" in page and "“四不放过”处理意见" in page and "原因查清" in page


def test_a_lead_files_the_review_from_the_card(client, login):
    hazard = recurring_card("rectifying")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    response = client.post(f"/hazards/{hazard.number}/review", data=TEXTS)
    assert response.status_code == 303
    assert workflow.current_review(hazard).data == TEXTS
    assert TEXTS["training"] in client.get(f"/hazards/{hazard.number}").text


def test_a_review_missing_a_part_comes_back_with_the_input_kept(client, login):
    hazard = recurring_card()
    db.session.commit()
    login("manager")
    response = client.post(f"/hazards/{hazard.number}/review", data={**TEXTS, "cause": ""})
    assert response.status_code == 400
    assert "Fill in all four parts of the review." in response.text
    assert TEXTS["measures"] in response.text
    assert workflow.current_review(hazard) is None


def test_an_inspector_cannot_post_a_review(client, login):
    hazard = recurring_card()
    db.session.commit()
    login("inspector")
    assert client.post(f"/hazards/{hazard.number}/review", data=TEXTS).status_code == 403


def test_the_verifier_is_refused_without_a_review(client, login):
    hazard = recurring_card("awaiting_verification")
    db.session.commit()
    login("manager")
    page = client.get(f"/hazards/{hazard.number}").text
    assert 'id="verify-review"' in page and "No review yet" in page
    response = client.post(f"/hazards/{hazard.number}/moves/verify", data={})
    assert response.status_code == 409 and "four-don&#39;ts review" in response.text
    assert hazard.status == "awaiting_verification"


def test_the_verifier_reads_the_review_beside_the_verify_form(client, login):
    hazard = recurring_card("awaiting_verification")
    workflow.review(hazard, actor=make_user("manager"), **TEXTS)
    db.session.commit()
    login("manager")
    page = client.get(f"/hazards/{hazard.number}").text
    verify_form = page[page.index('id="do-verify"'):page.index('id="do-reject"')]
    assert all(text in verify_form for text in TEXTS.values())
    assert client.post(f"/hazards/{hazard.number}/moves/verify", data={}).status_code == 303


def test_an_administrator_sets_the_window(client, login):
    login("admin")
    assert "90" in client.get("/admin/recurrence").text
    response = client.post("/admin/recurrence", data={"window_days": "30"})
    assert response.status_code == 303 and services.window_days() == 30


@pytest.mark.parametrize("value", ["0", "731", "abc", ""])
def test_a_window_out_of_range_is_refused(client, login, value):
    login("admin")
    assert client.post("/admin/recurrence", data={"window_days": value}).status_code == 400
    assert services.window_days() == services.WINDOW_DAYS_DEFAULT


def test_only_administrators_set_the_window(client, login):
    login("manager")
    assert client.get("/admin/recurrence").status_code == 403


def test_the_dashboard_lists_what_recurs_most_with_links(client, login, monkeypatch):
    import app.recurrence.queries as queries

    monkeypatch.setattr(queries, "utcnow", lambda: T0)
    hazard = recurring_card()
    db.session.commit()
    login("manager")
    page = client.get("/dashboard").text
    place_link = f'/hazards/recurring?location={hazard.location.code}'
    item_link = f'/hazards/recurring?item={hazard.item_result.item.item_key}'
    assert place_link in page and item_link in page
    for link in (place_link, item_link):
        assert hazard.number in client.get(link).text


def test_the_recurring_list_leaves_out_other_places(client, login):
    hazard = recurring_card()
    other = recurring_card()
    db.session.commit()
    login("viewer")
    page = client.get(f"/hazards/recurring?location={hazard.location.code}").text
    assert hazard.number in page and other.number not in page


def test_the_ledger_says_yes_with_the_earlier_numbers(app, english):
    hazard = recurring_card()
    period = Period(T0.date().replace(day=1), T0.date().replace(day=30))
    rows = {row[0]: row[RECURRING] for row in hazard_ledger(make_user("admin"), period)}
    assert rows[hazard.number] == f"Yes: {earlier_number(hazard)}"
    assert rows[earlier_number(hazard)] == ""
