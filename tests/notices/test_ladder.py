"""The escalation ladder (督办) on a test clock: day 1, 3 and 7 overdue, each step once per
deadline, the supervised mark, and a new ladder after an approved extension."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.common.time import local_today
from app.extensions import db
from app.hazards import escalation, workflow
from app.hazards.models import HazardEvent
from app.notices.models import Notice
from app.notices.queries import due_notices
from app.notices.services import send_due_notices
from app.settings import store
from tests.clock import shanghai_to_utc
from tests.factories import make_hazard, make_location, make_photo, make_user


def at_nine(day) -> datetime:
    """09:00 on the hospital's clock on `day`, as the naive UTC the services take."""
    return shanghai_to_utc(datetime(day.year, day.month, day.day, 9))


@pytest.fixture
def ladder(smtp_sink):
    """A rectifying card with a lead, a responsible person, a manager and a named leader, all
    with email addresses; its deadline is tomorrow."""
    location = make_location()
    lead = make_user("dept_lead", department=location.department, email="lead@h.test")
    manager = make_user("manager", email="m@h.test")
    leader = make_user("viewer", email="dean@h.test", full_name="陈院长")
    store.write(escalation.LEADERS_KEY, [leader.id], None)
    hazard = make_hazard(status="reported", location=location)
    workflow.apply(hazard, "assign", actor=manager, responsible=lead)
    workflow.apply(hazard, "start", actor=lead)
    hazard.deadline_on = local_today() + timedelta(days=1)
    db.session.commit()
    return hazard, lead, manager, leader


def sent(step_key_part=""):
    return sorted((n.key, n.recipient) for n in db.session.scalars(
        select(Notice).where(Notice.kind == "overdue", Notice.state == "sent"))
        if step_key_part in n.key)


def day(hazard, n):
    return at_nine(hazard.deadline_on + timedelta(days=n))


def test_day_one_tells_the_responsible_person_and_the_leads_once(ladder, smtp_sink):
    hazard, *_ = ladder
    send_due_notices(day(hazard, 1))
    send_due_notices(day(hazard, 1) + timedelta(hours=3))
    key = f"overdue:{hazard.id}:{hazard.deadline_on.isoformat()}"
    assert sent() == [(key, "lead@h.test")]  # the lead is also the responsible person
    overdue = [m for m in smtp_sink.to("lead@h.test") if "逾期" in m["Subject"]]
    assert len(overdue) == 1 and hazard.number in overdue[0]["Subject"]


def test_day_three_adds_the_safety_managers(ladder, smtp_sink):
    hazard, *_ = ladder
    send_due_notices(day(hazard, 1))
    send_due_notices(day(hazard, 3))
    send_due_notices(day(hazard, 3) + timedelta(hours=1))
    key = f"overdue:{hazard.id}:{hazard.deadline_on.isoformat()}"
    assert sent() == sorted([(key, "lead@h.test"), (key + ":2", "lead@h.test"),
                             (key + ":2", "m@h.test")])


def test_day_seven_reaches_leadership_and_marks_the_card_supervised(ladder, smtp_sink):
    hazard, *_ = ladder
    for n in (1, 3, 7, 7):
        send_due_notices(day(hazard, n))
    key = f"overdue:{hazard.id}:{hazard.deadline_on.isoformat()}:3"
    assert sorted(r for k, r in sent() if k == key) == ["dean@h.test", "lead@h.test",
                                                         "m@h.test"]
    assert len(smtp_sink.to("dean@h.test")) == 1
    assert hazard.supervised_at == day(hazard, 7)
    assert hazard.is_supervised


def test_the_supervised_mark_is_a_chained_event_by_saferound_itself(ladder):
    hazard, *_ = ladder
    send_due_notices(day(hazard, 7))
    send_due_notices(day(hazard, 8))
    [event] = db.session.scalars(select(HazardEvent).where(
        HazardEvent.hazard_id == hazard.id, HazardEvent.action == "supervise")).all()
    assert event.actor_id is None and event.data["days_overdue"] == 7
    assert event.hash == workflow.event_hash(hazard.number, event)


def test_day_six_is_not_yet_supervised(ladder):
    hazard, *_ = ladder
    send_due_notices(day(hazard, 6))
    assert hazard.supervised_at is None


def test_an_approved_extension_starts_a_new_ladder_and_keeps_the_mark(ladder, smtp_sink):
    hazard, lead, manager, _leader = ladder
    first_deadline = hazard.deadline_on
    for n in (1, 3, 7):
        send_due_notices(day(hazard, n))
    at = day(hazard, 7) + timedelta(hours=1)
    new_deadline = local_today(at) + timedelta(days=5)
    extension = workflow.request_extension(hazard, actor=lead, deadline_on=new_deadline,
                                           reason="等配件", at=at)
    workflow.decide_extension(extension, actor=make_user("manager"), approve=True, at=at)
    db.session.commit()
    assert escalation.escalation_of(hazard, local_today(at)).step == 0
    assert hazard.is_supervised  # kept until the card closes
    send_due_notices(at_nine(new_deadline + timedelta(days=1)))
    new_key = f"overdue:{hazard.id}:{new_deadline.isoformat()}"
    assert (new_key, "lead@h.test") in sent()
    assert first_deadline != new_deadline


def test_closing_the_card_ends_supervision_and_records_since_when(ladder):
    hazard, lead, manager, _leader = ladder
    send_due_notices(day(hazard, 7))
    since = hazard.supervised_at
    at = day(hazard, 7) + timedelta(hours=2)
    workflow.apply(hazard, "submit", actor=lead, photos=[make_photo(lead)], at=at)
    event = workflow.apply(hazard, "verify", actor=manager, at=at)
    assert hazard.supervised_at is None and not hazard.is_supervised
    assert event.data["supervised_since"] == since.isoformat(timespec="seconds")


def test_a_step_reached_before_the_lookback_is_not_sent(ladder):
    hazard, *_ = ladder
    # Day 5, never run before: day 1 fell before the 72 hours looked back, day 3 inside them.
    steps = {due.step for due in due_notices(day(hazard, 5)) if due.kind == "overdue"}
    assert steps == {2}


def test_the_days_are_a_setting(ladder):
    hazard, *_ = ladder
    store.write(escalation.DAYS_KEY, [2, 4, 5], None)
    assert {d.step for d in due_notices(day(hazard, 1)) if d.kind == "overdue"} == set()
    assert {d.step for d in due_notices(day(hazard, 5)) if d.kind == "overdue"} == {1, 2, 3}


def test_a_department_with_nobody_escalates_to_the_managers_on_day_one(smtp_sink):
    make_user("manager", email="m@h.test")
    hazard = make_hazard(status="assigned", location=make_location())
    for user in hazard.department.users:
        user.active = False
    hazard.deadline_on = local_today() + timedelta(days=1)
    send_due_notices(day(hazard, 1))
    assert smtp_sink.recipients() == ["m@h.test"]


def test_escalation_state_names_the_step_and_its_day(ladder):
    hazard, *_ = ladder
    state = escalation.escalation_of(hazard, hazard.deadline_on + timedelta(days=4))
    assert state.step == 2
    assert state.reached_on == hazard.deadline_on + timedelta(days=3)
