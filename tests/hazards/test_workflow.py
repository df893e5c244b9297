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
