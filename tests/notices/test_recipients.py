"""Each kind of notice reaches the people responsible, by email (through a local SMTP sink)."""

from datetime import timedelta

from app.common.time import local_today, utcnow
from app.hazards import workflow
from app.notices.services import send_due_notices
from tests.factories import make_hazard, make_location, make_user
from tests.notices.conftest import emailed


def test_major_hazard_goes_at_once_to_every_active_manager(smtp_sink):
    managers = [make_user("manager", email=f"m{i}@h.test") for i in (1, 2)]
    make_user("manager", email="gone@h.test", active=False)
    hazard = make_hazard(level="major")
    make_user("dept_lead", department=hazard.department, email="lead@h.test")
    send_due_notices()
    assert smtp_sink.recipients() == sorted(m.email for m in managers)
    assert hazard.number in smtp_sink.to("m1@h.test")[0]["Subject"]


def test_each_major_hazard_is_its_own_message(smtp_sink):
    make_user("manager", email="m@h.test")
    first, second = make_hazard(level="major"), make_hazard(level="major")
    send_due_notices()
    subjects = sorted(message["Subject"] for message in smtp_sink.to("m@h.test"))
    assert len(subjects) == 2
    assert first.number in subjects[0] and second.number in subjects[1]


def test_general_hazard_reported_tells_no_manager(smtp_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="general")
    send_due_notices()
    assert smtp_sink.messages == []


def test_amending_a_hazard_to_major_tells_the_managers(smtp_sink):
    make_user("manager", email="m@h.test")
    reporter = make_user("inspector")
    hazard = make_hazard(level="general", reporter=reporter)
    workflow.amend(hazard, actor=reporter, level="major", description=hazard.description)
    send_due_notices()
    assert len(smtp_sink.to("m@h.test")) == 1


def test_major_hazard_cancelled_before_the_run_is_not_told(smtp_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="major", status="cancelled")
    send_due_notices()
    assert smtp_sink.messages == []


def test_assignment_goes_to_the_responsible_person_only(smtp_sink):
    location = make_location()
    responsible = make_user("dept_lead", department=location.department, email="r@h.test")
    make_user("dept_lead", department=location.department, email="other@h.test")
    hazard = make_hazard(location=location)
    workflow.apply(hazard, "assign", actor=make_user("manager"), responsible=responsible)
    send_due_notices()
    assert smtp_sink.recipients() == ["r@h.test"]


def test_assignment_without_a_responsible_person_goes_to_the_department_leads(smtp_sink):
    location = make_location()
    for name in ("a", "b"):
        make_user("dept_lead", department=location.department, email=f"{name}@h.test")
    make_user("dept_lead", department=location.department, email="left@h.test", active=False)
    make_user("dept_lead", email="elsewhere@h.test")
    make_hazard(status="assigned", location=location)
    send_due_notices()
    assert smtp_sink.recipients() == ["a@h.test", "b@h.test"]


def test_rejection_goes_to_the_department_with_the_reason(smtp_sink):
    location = make_location()
    make_user("dept_lead", department=location.department, email="lead@h.test")
    hazard = make_hazard(status="awaiting_verification", location=location)
    workflow.apply(hazard, "reject", actor=make_user("manager"), note="阀门仍在漏气")
    send_due_notices()
    assert emailed("rejected") == ["lead@h.test"]
    assert any("阀门仍在漏气" in message.get_content() for message in smtp_sink.to("lead@h.test"))


def test_reopening_tells_the_department_with_the_reason(smtp_sink):
    location = make_location()
    make_user("dept_lead", department=location.department, email="lead@h.test")
    hazard = make_hazard(status="closed", location=location)
    workflow.apply(hazard, "reopen", actor=make_user("manager"), note="复查仍有油渍")
    send_due_notices()
    assert emailed("reopened") == ["lead@h.test"]
    reopened = [m for m in smtp_sink.to("lead@h.test") if "复查仍有油渍" in m.get_content()]
    assert len(reopened) == 1 and hazard.number in reopened[0]["Subject"]


def test_first_day_overdue_goes_to_the_department_not_yet_the_managers(smtp_sink):
    location = make_location()
    make_user("dept_lead", department=location.department, email="lead@h.test")
    make_user("manager", email="m@h.test")
    hazard = make_hazard(status="rectifying", location=location)
    now = utcnow() + timedelta(hours=80)  # the assignment is past the lookback by then
    hazard.deadline_on = local_today(now) - timedelta(days=1)
    send_due_notices(now)
    # The escalation ladder's first step; the managers hear on day 3 (tests/notices/test_ladder.py).
    assert smtp_sink.recipients() == ["lead@h.test"]
    assert hazard.number in smtp_sink.to("lead@h.test")[0]["Subject"]


def test_events_older_than_the_lookback_are_not_sent(smtp_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="major", found_at=utcnow() - timedelta(hours=73))
    send_due_notices()
    assert smtp_sink.messages == []


def test_hazards_overdue_since_before_the_lookback_are_not_sent(smtp_sink):
    make_user("manager", email="m@h.test")
    hazard = make_hazard(status="rectifying")
    now = utcnow() + timedelta(days=20)
    # Every step of the ladder (days 1, 3 and 7) was reached before the 72 hours looked back.
    hazard.deadline_on = local_today(now) - timedelta(days=11)
    send_due_notices(now)
    assert smtp_sink.messages == []


def test_recipient_without_an_email_address_is_skipped_and_named(smtp_sink):
    make_user("manager", email="m@h.test")
    silent = make_user("manager", email=None)
    make_hazard(level="major")
    summary = send_due_notices()
    assert smtp_sink.recipients() == ["m@h.test"]
    assert silent.username in summary.without_email


def test_a_department_without_leads_is_named_as_unaddressed(smtp_sink):
    hazard = make_hazard(status="reported")
    for lead in hazard.department.users:  # the factory's lead
        lead.active = False
    workflow.apply(hazard, "assign", actor=make_user("manager"))
    summary = send_due_notices()
    assert any(key.startswith("assigned:") for key in summary.unaddressed)
