"""Reassignment (改派): a manager hands an open card to another department or person, with a
reason; a chained event (the notices it sends: tests/notices/test_reassigned.py)."""

import pytest

from app.common.errors import DomainError
from app.hazards import workflow
from tests.factories import make_department, make_hazard, make_user


@pytest.fixture
def moved(app):
    hazard = make_hazard(status="rectifying")
    old_lead = next(u for u in hazard.department.users if u.role == "dept_lead")
    hazard.responsible_id = old_lead.id
    department = make_department()
    new_lead = make_user("dept_lead", department=department)
    return hazard, old_lead, department, new_lead


@pytest.mark.parametrize("status", ["reported", "assigned", "rectifying",
                                    "awaiting_verification"])
def test_a_manager_reassigns_in_any_open_state(app, status):
    hazard = make_hazard(status=status)
    department = make_department()
    lead = make_user("dept_lead", department=department)
    workflow.reassign(hazard, actor=make_user("manager"), department=department,
                      responsible=lead, reason="归口错误")
    assert (hazard.department_id, hazard.responsible_id) == (department.id, lead.id)
    assert hazard.status == status


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_a_closed_or_cancelled_card_cannot_be_reassigned(app, status):
    hazard = make_hazard(status=status)
    with pytest.raises(DomainError):
        workflow.reassign(hazard, actor=make_user("manager"), department=make_department(),
                          responsible=None, reason="x")


@pytest.mark.parametrize("role", ["dept_lead", "inspector", "viewer"])
def test_only_managers_reassign(moved, role):
    hazard, _old, department, lead = moved
    actor = make_user(role, department=hazard.department) if role != "viewer" else make_user(role)
    with pytest.raises(DomainError) as refused:
        workflow.reassign(hazard, actor=actor, department=department, responsible=lead,
                          reason="x")
    assert refused.value.forbidden


def test_a_reason_is_required(moved):
    hazard, _old, department, lead = moved
    with pytest.raises(DomainError) as refused:
        workflow.reassign(hazard, actor=make_user("manager"), department=department,
                          responsible=lead, reason="  ")
    assert refused.value.field == "reason"


def test_the_person_must_lead_the_new_department_or_manage(moved):
    hazard, old_lead, department, _lead = moved
    with pytest.raises(DomainError) as refused:  # the old department's lead
        workflow.reassign(hazard, actor=make_user("manager"), department=department,
                          responsible=old_lead, reason="x")
    assert refused.value.field == "responsible_id"
    manager = make_user("manager")
    workflow.reassign(hazard, actor=make_user("manager"), department=department,
                      responsible=manager, reason="x")
    assert hazard.responsible_id == manager.id


def test_the_event_records_old_and_new_and_is_chained(moved):
    hazard, old_lead, department, lead = moved
    old_department = hazard.department_id
    event = workflow.reassign(hazard, actor=make_user("manager"), department=department,
                              responsible=lead, reason="归口错误")
    assert event.action == "reassign" and event.note == "归口错误"
    assert event.data == {"department_id": [old_department, department.id],
                          "responsible_id": [old_lead.id, lead.id]}
    assert event.prev_hash == hazard.events[-2].hash
    assert event.hash == workflow.event_hash(hazard.number, event)


def test_nothing_changed_is_refused(moved):
    hazard, old_lead, *_ = moved
    with pytest.raises(DomainError):
        workflow.reassign(hazard, actor=make_user("manager"), department=hazard.department,
                          responsible=old_lead, reason="x")


def test_the_card_page_reassigns_and_shows_old_and_new(client, login, moved):
    hazard, old_lead, department, lead = moved
    login("manager")
    page = client.get(f"/hazards/{hazard.number}")
    assert b'id="do-reassign"' in page.data
    response = client.post(f"/hazards/{hazard.number}/reassign", data={
        "department_id": str(department.id), "responsible_id": str(lead.id),
        "reason": "归口错误"})
    assert response.status_code == 303
    assert (hazard.department_id, hazard.responsible_id) == (department.id, lead.id)
    text = client.get(f"/hazards/{hazard.number}").get_data(as_text=True)
    history = text[text.index('id="history"'):]
    assert "归口错误" in history and old_lead.full_name in history
    assert department.name_en in history


@pytest.mark.parametrize(("form", "field"), [
    ({"department_id": "x", "reason": "r"}, "department_id"),
    ({"department_id": "99999999999", "reason": "r"}, "department_id"),
    ({"department_id": "²", "reason": "r"}, "department_id"),  # a digit to isdigit(), not int()
    ({"responsible_id": "abc", "reason": "r"}, "responsible_id"),
    ({"responsible_id": "³", "reason": "r"}, "responsible_id"),
    ({"reason": ""}, "reason"),
])
def test_the_reassign_form_refuses_bad_input_with_400(client, login, moved, form, field):
    hazard, _old, department, lead = moved
    login("manager")
    data = {"department_id": str(department.id), "responsible_id": str(lead.id), **form}
    response = client.post(f"/hazards/{hazard.number}/reassign", data=data)
    assert response.status_code == 400
    assert f'reassign-{field}-err'.encode() in response.data


def test_a_lead_gets_no_reassign_form_and_a_403(client, login, moved):
    hazard, _old, department, _lead = moved
    login("dept_lead", department=hazard.department)
    assert b'id="do-reassign"' not in client.get(f"/hazards/{hazard.number}").data
    response = client.post(f"/hazards/{hazard.number}/reassign", data={
        "department_id": str(department.id), "reason": "x"})
    assert response.status_code == 403
