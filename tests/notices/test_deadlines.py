"""Deadline notices: due within two days of the hospital's today, and overdue."""

from datetime import date, datetime, timedelta

import pytest

from app.common.time import local_today, utcnow
from app.hazards import workflow
from app.notices.queries import due_notices
from app.notices.services import send_due_notices
from tests.factories import make_hazard, make_user
from tests.notices.conftest import emailed


def kinds_for(hazard, now):
    return {due.kind for due in due_notices(now) if due.hazard.id == hazard.id}


@pytest.mark.parametrize(("days_ahead", "is_due_soon"), [(0, True), (1, True), (2, True),
                                                         (3, False)])
def test_due_soon_is_today_to_two_days_ahead(app, days_ahead, is_due_soon):
    hazard = make_hazard(status="rectifying")
    now = utcnow() + timedelta(days=10)
    hazard.deadline_on = local_today(now) + timedelta(days=days_ahead)
    assert ("due_soon" in kinds_for(hazard, now)) is is_due_soon


def test_due_soon_counts_days_in_the_hospital_time_zone(app):
    hazard = make_hazard(status="assigned")
    hazard.deadline_on = date(2026, 12, 4)
    # 16:30 UTC on 1 December is already 00:30 on 2 December in Shanghai: 4 December is two
    # days ahead there, though three ahead of the UTC date.
    assert "due_soon" in kinds_for(hazard, datetime(2026, 12, 1, 16, 30))
    # An hour earlier it is still 1 December in Shanghai: three days ahead.
    assert "due_soon" not in kinds_for(hazard, datetime(2026, 12, 1, 15, 30))


def test_overdue_starts_the_day_after_the_deadline_in_the_hospital_time_zone(app):
    hazard = make_hazard(status="rectifying")
    hazard.deadline_on = date(2026, 12, 1)
    assert "overdue" not in kinds_for(hazard, datetime(2026, 12, 1, 15, 59))  # 23:59 local
    assert "overdue" in kinds_for(hazard, datetime(2026, 12, 1, 16, 0))  # 00:00 on the 2nd


def test_due_soon_only_while_the_department_does_the_work(app):
    hazard = make_hazard(status="awaiting_verification")
    now = utcnow() + timedelta(days=10)
    hazard.deadline_on = local_today(now) + timedelta(days=1)
    assert "due_soon" not in kinds_for(hazard, now)


def test_an_approved_extension_allows_a_new_due_soon_notice(smtp_sink):
    hazard = make_hazard(status="rectifying")
    lead = make_user("dept_lead", department=hazard.department, email="lead@h.test")
    now = utcnow()
    hazard.deadline_on = local_today(now) + timedelta(days=1)
    send_due_notices(now)
    extension = workflow.request_extension(hazard, actor=lead, reason="等配件",
                                           deadline_on=local_today(now) + timedelta(days=2))
    workflow.decide_extension(extension, actor=make_user("manager"), approve=True)
    send_due_notices(now + timedelta(minutes=5))
    assert emailed("due_soon") == ["lead@h.test", "lead@h.test"]
