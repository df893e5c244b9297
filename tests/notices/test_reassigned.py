"""Reassignment (改派) tells the new responsible person (or department) and the old one."""

import pytest

from app.hazards import workflow
from app.notices.services import send_due_notices
from tests.factories import make_department, make_hazard, make_user
from tests.notices.conftest import emailed


@pytest.fixture
def moved(app):
    hazard = make_hazard(status="rectifying")
    old_lead = next(u for u in hazard.department.users if u.role == "dept_lead")
    hazard.responsible_id = old_lead.id
    department = make_department()
    new_lead = make_user("dept_lead", department=department)
    return hazard, old_lead, department, new_lead


def test_the_new_and_the_old_are_told(smtp_sink, moved):
    hazard, old_lead, department, lead = moved
    old_lead.email, lead.email = "old@h.test", "new@h.test"
    workflow.reassign(hazard, actor=make_user("manager"), department=department,
                      responsible=lead, reason="归口错误")
    send_due_notices()
    send_due_notices()
    assert emailed("reassigned_to") == ["new@h.test"]
    assert emailed("reassigned_from") == ["old@h.test"]
    assert "归口错误" in smtp_sink.to("new@h.test")[0].get_content()


def test_without_a_person_the_new_departments_leads_are_told(smtp_sink, moved):
    hazard, old_lead, department, lead = moved
    lead.email = "newlead@h.test"
    workflow.reassign(hazard, actor=make_user("manager"), department=department,
                      responsible=None, reason="x")
    send_due_notices()
    assert emailed("reassigned_to") == ["newlead@h.test"]
