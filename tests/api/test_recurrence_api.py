"""Recurring hazards and the four-don'ts review through the API."""

from app.extensions import db
from app.hazards import workflow
from tests.factories import make_user
from tests.recurrence.cards import TEXTS, recurring_card


def test_a_card_carries_recurring_and_the_earlier_numbers(client, api_user):
    hazard = recurring_card()
    earlier = hazard.events[0].data["recurs"]
    db.session.commit()
    _viewer, headers = api_user("viewer")
    card = client.get(f"/api/v1/hazards/{hazard.number}", headers=headers).json
    assert (card["recurring"], card["recurs_of"]) == (True, earlier)
    assert (card["needs_review"], card["review"]) == (True, None)
    rows = client.get("/api/v1/hazards", headers=headers).json["items"]
    assert {r["number"]: r["recurs_of"] for r in rows}[hazard.number] == earlier


def test_a_lead_files_the_review(client, api_user):
    hazard = recurring_card("rectifying")
    db.session.commit()
    lead, headers = api_user("dept_lead", department=hazard.department)
    response = client.post(f"/api/v1/hazards/{hazard.number}/review", headers=headers,
                           json=TEXTS)
    assert response.status_code == 200
    review = response.json["review"]
    assert {k: review[k] for k in TEXTS} == TEXTS and review["by"]["id"] == lead.id
    assert workflow.current_review(hazard).data == TEXTS


def test_verify_without_a_review_is_refused_with_its_own_code(client, api_user):
    hazard = recurring_card("awaiting_verification")
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/verify", headers=headers,
                           json={})
    assert (response.status_code, response.json["code"]) == (409, "hazard.review_required")
    assert hazard.status == "awaiting_verification"


def test_a_review_missing_a_part_is_a_field_error(client, api_user):
    hazard = recurring_card()
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/review", headers=headers,
                           json={**TEXTS, "measures": " "})
    assert (response.status_code, list(response.json["errors"])) == (422, ["measures"])
    response = client.post(f"/api/v1/hazards/{hazard.number}/review", headers=headers,
                           json={"cause": "x"})
    assert response.status_code == 422


def test_an_inspector_may_not_file_a_review(client, api_user):
    hazard = recurring_card()
    db.session.commit()
    _inspector, headers = api_user("inspector")
    response = client.post(f"/api/v1/hazards/{hazard.number}/review", headers=headers,
                           json=TEXTS)
    assert response.status_code == 403
    assert workflow.current_review(hazard) is None


def test_a_closed_card_refuses_a_review_as_a_conflict(client, api_user):
    hazard = recurring_card("awaiting_verification")
    workflow.review(hazard, actor=make_user("manager"), **TEXTS)
    workflow.apply(hazard, "verify", actor=make_user("manager"))
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/review", headers=headers,
                           json=TEXTS)
    assert (response.status_code, response.json["code"]) == (409, "hazard.review_not_allowed")
