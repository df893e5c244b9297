"""The escalation settings an administrator sets, and a manager's daily digest choice."""

import pytest

from app.hazards import escalation
from tests.factories import make_user


def test_an_administrator_sets_the_days_and_the_leadership(client, login):
    login("admin")
    dean = make_user("viewer", full_name="陈院长")
    response = client.post("/admin/escalation", data={
        "day1": "2", "day2": "4", "day3": "10", "leaders": [str(dean.id)], "hour": "8"})
    assert response.status_code == 303
    assert escalation.escalation_days() == (2, 4, 10)
    assert escalation.leader_ids() == [dean.id] and escalation.digest_hour() == 8
    assert "陈院长" in client.get("/admin/escalation").get_data(as_text=True)


def test_the_days_must_grow(client, login):
    login("admin")
    response = client.post("/admin/escalation", data={"day1": "3", "day2": "3", "day3": "7",
                                                      "hour": "7"})
    assert response.status_code == 400
    assert escalation.escalation_days() == escalation.ESCALATION_DAYS_DEFAULT


def test_unknown_leaders_are_refused(client, login):
    login("admin")
    response = client.post("/admin/escalation", data={
        "day1": "1", "day2": "3", "day3": "7", "leaders": ["999999"], "hour": "7"})
    assert response.status_code == 400 and escalation.leader_ids() == []


def test_a_manager_chooses_the_digest_on_the_account_page(client, login):
    manager = login("manager")
    assert b'id="digest"' in client.get("/account").data
    response = client.post("/account/digest", data={"daily_digest": "1"})
    assert response.status_code == 303 and manager.daily_digest


def test_an_inspector_cannot_take_the_digest(client, login):
    inspector = login("inspector")
    assert b'id="digest"' not in client.get("/account").data
    client.post("/account/digest", data={"daily_digest": "1"})
    assert not inspector.daily_digest


@pytest.mark.parametrize("form", [
    {"day1": "²", "day2": "3", "day3": "7", "hour": "7"},  # a digit to isdigit(), not to int()
    {"day1": "1", "day2": "3", "day3": "7", "hour": "⁷"},
])
def test_superscript_digits_are_refused_not_a_server_error(client, login, form):
    login("admin")
    response = client.post("/admin/escalation", data=form)
    assert response.status_code == 400
    assert escalation.escalation_days() == escalation.ESCALATION_DAYS_DEFAULT


def test_a_superscript_leader_is_left_out_not_a_server_error(client, login):
    login("admin")
    response = client.post("/admin/escalation", data={
        "day1": "1", "day2": "3", "day3": "7", "leaders": ["³"], "hour": "7"})
    assert response.status_code in (303, 400) and escalation.leader_ids() == []
