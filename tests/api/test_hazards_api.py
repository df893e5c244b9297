"""Hazard cards through the API: the list, one card, and moves by the same state machine."""

from app.extensions import db
from tests.api.conftest import upload
from tests.factories import make_hazard, make_user


def test_the_list_shows_a_lead_only_its_departments_hazards(client, api_user):
    own = make_hazard()
    make_hazard()
    db.session.commit()
    _lead, headers = api_user("dept_lead", department=own.department)
    response = client.get("/api/v1/hazards", headers=headers)
    assert [h["number"] for h in response.json["items"]] == [own.number]


def test_the_list_filters_by_status(client, api_user):
    make_hazard("reported")
    assigned = make_hazard("assigned")
    db.session.commit()
    _viewer, headers = api_user("viewer")
    response = client.get("/api/v1/hazards?status=assigned", headers=headers)
    assert [h["number"] for h in response.json["items"]] == [assigned.number]


def test_a_card_has_its_timeline_and_the_callers_moves(client, api_user):
    hazard = make_hazard("assigned")
    db.session.commit()
    _manager, headers = api_user("manager")
    card = client.get(f"/api/v1/hazards/{hazard.number}", headers=headers).json
    assert [e["action"] for e in card["events"]] == ["report", "assign"]
    assert card["allowed_moves"] == ["start", "cancel"]


def test_a_manager_assigns_a_card(client, api_user):
    hazard = make_hazard()
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/assign", headers=headers,
                           json={"deadline_on": "2099-12-31"})
    assert response.status_code == 200
    assert (response.json["status"], response.json["deadline_on"]) == ("assigned", "2099-12-31")


def test_an_inspector_may_not_assign(client, api_user):
    hazard = make_hazard()
    db.session.commit()
    _inspector, headers = api_user()
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/assign", headers=headers,
                           json={})
    assert response.status_code == 403
    assert hazard.status == "reported"


def test_a_move_the_status_does_not_allow_is_a_conflict(client, api_user):
    hazard = make_hazard("closed")
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/verify", headers=headers,
                           json={})
    assert response.status_code == 409
    assert response.json["message"]


def test_a_reject_without_a_reason_is_refused_beside_the_note(client, api_user):
    hazard = make_hazard("awaiting_verification")
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/reject", headers=headers,
                           json={"note": ""})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["note"]


def test_an_unknown_move_is_not_found(client, api_user):
    hazard = make_hazard()
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/teleport", headers=headers,
                           json={})
    assert response.status_code == 404 and response.is_json


def test_submitting_a_rectification_takes_uploaded_after_photos(client, api_user):
    hazard = make_hazard("rectifying")
    lead = make_user("dept_lead", department=hazard.department)
    db.session.commit()
    from tests.api.conftest import bearer

    headers = bearer(lead)
    photo = upload(client, headers, hazard.location).json["uuid"]
    response = client.post(f"/api/v1/hazards/{hazard.number}/moves/submit", headers=headers,
                           json={"note": "换了新的", "photos": [photo]})
    assert response.status_code == 200
    submit = response.json["events"][-1]
    assert submit["action"] == "submit" and [p["uuid"] for p in submit["photos"]] == [photo]


def test_wall_figures_for_the_dashboards_readers(client, api_user):
    make_hazard()
    db.session.commit()
    _viewer, headers = api_user("viewer")
    response = client.get("/api/v1/wall", headers=headers)
    assert response.json["counts"]["open"] == 1


def test_a_manager_reassigns_a_card_and_the_event_holds_old_and_new(client, api_user):
    from tests.factories import make_department

    hazard = make_hazard("rectifying")
    old_department = hazard.department_id
    department = make_department()
    lead = make_user("dept_lead", department=department)
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/reassign", headers=headers,
                           json={"department_id": department.id, "responsible_id": lead.id,
                                 "reason": "归口错误"})
    assert response.status_code == 200, response.json
    assert response.json["department"]["id"] == department.id
    event = response.json["events"][-1]
    assert (event["action"], event["note"]) == ("reassign", "归口错误")
    assert event["data"]["department_id"] == [old_department, department.id]


def test_reassigning_without_a_reason_names_the_field(client, api_user):
    from tests.factories import make_department

    hazard = make_hazard("rectifying")
    department = make_department()
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/reassign", headers=headers,
                           json={"department_id": department.id, "reason": " "})
    assert response.status_code == 422 and "reason" in response.json["errors"]


def test_an_unknown_department_is_refused_by_field(client, api_user):
    hazard = make_hazard("rectifying")
    db.session.commit()
    _manager, headers = api_user("manager")
    response = client.post(f"/api/v1/hazards/{hazard.number}/reassign", headers=headers,
                           json={"department_id": 99999, "reason": "x"})
    assert response.status_code == 422 and "department_id" in response.json["errors"]


def test_a_lead_may_not_reassign(client, api_user):
    hazard = make_hazard("rectifying")
    db.session.commit()
    _lead, headers = api_user("dept_lead", department=hazard.department)
    response = client.post(f"/api/v1/hazards/{hazard.number}/reassign", headers=headers,
                           json={"department_id": hazard.department_id, "reason": "x"})
    assert response.status_code == 403


def test_a_card_carries_its_escalation_state(client, api_user):
    from datetime import timedelta

    from app.common.time import local_today, utcnow
    from app.notices.services import send_due_notices

    hazard = make_hazard("rectifying")
    hazard.deadline_on = local_today() - timedelta(days=8)
    db.session.commit()
    send_due_notices()
    _viewer, headers = api_user("viewer")
    card = client.get(f"/api/v1/hazards/{hazard.number}", headers=headers).json
    assert card["escalation"]["step"] == 3 and card["escalation"]["supervised"] is True
    assert card["escalation"]["reached_on"] == (hazard.deadline_on + timedelta(days=7)).isoformat()
    assert card["escalation"]["supervised_at"].startswith(utcnow().date().isoformat()[:7])
    supervise = card["events"][-1]
    assert supervise["action"] == "supervise" and supervise["actor"] is None
    listed = client.get("/api/v1/hazards", headers=headers).json["items"][0]
    assert listed["escalation"]["supervised"] is True
