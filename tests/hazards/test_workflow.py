"""The hazard lifecycle's basic rules and its hash chain (issue 4 widens these)."""

import pytest

from app.common.errors import DomainError
from app.hazards import workflow
from app.hazards.models import Hazard
from tests.factories import make_department, make_hazard, make_location, make_user

# (status before, action, status after)
ALLOWED = [
    ("reported", "assign", "assigned"),
    ("assigned", "start", "rectifying"),
    ("rectifying", "submit", "awaiting_verification"),
    ("awaiting_verification", "verify", "closed"),
    ("awaiting_verification", "reject", "rectifying"),
    ("closed", "reopen", "rectifying"),
    ("reported", "cancel", "cancelled"),
    ("rectifying", "cancel", "cancelled"),
]
STATUSES = ["reported", "assigned", "rectifying", "awaiting_verification", "closed", "cancelled"]


@pytest.mark.parametrize(("before", "action", "after"), ALLOWED)
def test_allowed_move_by_manager(app, before, action, after):
    hazard = make_hazard(status=before)
    workflow.apply(hazard, action, actor=make_user("admin"), note="reason")
    assert hazard.status == after


FORBIDDEN = [(status, action) for action, move in sorted(workflow.MOVES.items())
             for status in STATUSES if status not in move.sources]


@pytest.mark.parametrize(("before", "action"), FORBIDDEN)
def test_moves_from_the_wrong_state_are_refused(app, before, action):
    hazard = make_hazard(status=before)
    with pytest.raises(DomainError):
        workflow.apply(hazard, action, actor=make_user("admin"), note="reason")
    assert hazard.status == before


def test_lead_of_another_department_may_not_act(app, english):
    hazard = make_hazard(status="assigned")
    outsider = make_user("dept_lead", department=make_department())
    with pytest.raises(DomainError, match="department"):
        workflow.apply(hazard, "start", actor=outsider)


def test_inspector_may_not_assign(app):
    hazard = make_hazard()
    with pytest.raises(DomainError):
        workflow.apply(hazard, "assign", actor=make_user("inspector"))


def test_major_hazard_needs_five_commitments_to_start(app, english):
    hazard = make_hazard(status="assigned", level="major")
    hazard.contingency_plan = ""
    with pytest.raises(DomainError, match="five commitments"):
        workflow.apply(hazard, "start", actor=make_user("manager"))


def test_rectifier_may_not_verify(app, english):
    hazard = make_hazard(status="rectifying")
    manager = make_user("manager")
    workflow.apply(hazard, "submit", actor=manager)
    with pytest.raises(DomainError, match="other than"):
        workflow.apply(hazard, "verify", actor=manager)


def test_cancel_needs_a_reason(app):
    with pytest.raises(DomainError) as refused:
        workflow.apply(make_hazard(), "cancel", actor=make_user("manager"), note=" ")
    assert refused.value.field == "note"


def test_events_are_chained_by_hash(app):
    hazard = make_hazard(status="closed")
    events = hazard.events
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == workflow.GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.hash == workflow.event_hash(hazard.number, after)


def test_card_numbers_count_up_per_year(app):
    location = make_location()
    reporter = make_user()
    numbers = [workflow.report(reporter, location=location, description="x", level="general").number
               for _ in range(2)]
    year = numbers[0].split("-")[1]
    assert numbers == [f"YH-{year}-00001", f"YH-{year}-00002"]


def test_assign_sets_the_default_deadline(app):
    hazard = make_hazard(status="assigned")
    assert (hazard.deadline_on - hazard.found_at.date()).days in (7, 8)


def test_overdue_is_the_same_in_python_and_sql(app):
    from datetime import timedelta

    from sqlalchemy import select

    from app.extensions import db

    late = make_hazard(status="rectifying")
    make_hazard(status="closed")
    today = late.deadline_on + timedelta(days=1)
    assert late.is_overdue(today)
    found = db.session.scalars(select(Hazard.number).where(Hazard.is_overdue(today))).all()
    assert found == [late.number]


def test_assign_event_records_the_responsible_person(app):
    hazard = make_hazard()
    lead = make_user("dept_lead", department=hazard.department)
    event = workflow.apply(hazard, "assign", actor=make_user("manager"), responsible=lead)
    assert hazard.responsible_id == lead.id
    assert event.data["responsible_id"] == lead.id
    assert event.hash == workflow.event_hash(hazard.number, event)


@pytest.mark.parametrize("who", ["viewer", "inspector", "other_lead", "disabled_lead"])
def test_assign_refuses_an_unsuitable_responsible_person(app, who):
    hazard = make_hazard()
    responsible = {
        "viewer": lambda: make_user("viewer"),
        "inspector": lambda: make_user("inspector", department=hazard.department),
        "other_lead": lambda: make_user("dept_lead", department=make_department()),
        "disabled_lead": lambda: make_user("dept_lead", department=hazard.department,
                                           active=False),
    }[who]()
    with pytest.raises(DomainError) as refused:
        workflow.apply(hazard, "assign", actor=make_user("manager"), responsible=responsible)
    assert refused.value.field == "responsible_id"
    assert hazard.status == "reported" and len(hazard.events) == 1


def test_assign_refuses_a_deadline_in_the_past(app):
    from datetime import date

    hazard = make_hazard()
    with pytest.raises(DomainError) as refused:
        workflow.apply(hazard, "assign", actor=make_user("manager"), deadline_on=date(2020, 1, 1))
    assert refused.value.field == "deadline_on"


def test_viewer_may_not_report(app):
    with pytest.raises(DomainError):
        workflow.report(make_user("viewer"), location=make_location(), description="x",
                        level="general")


def test_whoever_started_the_rectification_may_not_verify(app):
    hazard = make_hazard(status="assigned")
    manager, other = make_user("manager"), make_user("manager")
    workflow.apply(hazard, "start", actor=manager)
    workflow.apply(hazard, "submit", actor=other)
    with pytest.raises(DomainError):
        workflow.apply(hazard, "verify", actor=manager)


def test_card_number_year_is_the_hospitals_local_year(app):
    from datetime import datetime

    reporter = make_user()
    # 2026-12-31 17:30 UTC is already 1 January 2027 in Shanghai.
    hazard = workflow.report(reporter, location=make_location(), description="x",
                             level="general", found_at=datetime(2026, 12, 31, 17, 30))
    assert hazard.number.startswith("YH-2027-")
