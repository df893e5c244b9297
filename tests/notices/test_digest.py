"""The daily digest: one email a day to a manager who chose it, instead of one per card."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.common.time import local_today
from app.extensions import db
from app.notices.models import Notice
from app.notices.services import send_due_notices
from tests.clock import shanghai_to_utc
from tests.factories import make_hazard, make_location, make_user
from tests.notices.conftest import emailed


def local(day, hour):
    return shanghai_to_utc(datetime(day.year, day.month, day.day, hour))


def two_cards():
    """One card overdue by a day, one due tomorrow (relative to the returned day)."""
    location = make_location()
    make_user("dept_lead", department=location.department, email="lead@h.test")
    late, soon = (make_hazard(status="rectifying", location=location) for _ in range(2))
    today = local_today() + timedelta(days=5)
    late.deadline_on, soon.deadline_on = today - timedelta(days=1), today + timedelta(days=1)
    return late, soon, today


def test_a_digest_lists_overdue_and_due_soon_cards_once_a_day(smtp_sink):
    make_user("manager", email="d@h.test", daily_digest=True)
    late, soon, today = two_cards()
    send_due_notices(local(today, 8))
    send_due_notices(local(today, 15))
    [message] = smtp_sink.to("d@h.test")
    body = message.get_content()
    assert late.number in body and soon.number in body
    [notice] = db.session.scalars(select(Notice).where(Notice.kind == "digest")).all()
    assert notice.hazard_id is None and notice.key.endswith(today.isoformat())


def test_the_next_day_brings_the_next_digest(smtp_sink):
    make_user("manager", email="d@h.test", daily_digest=True)
    _late, _soon, today = two_cards()
    send_due_notices(local(today, 8))
    send_due_notices(local(today + timedelta(days=1), 8))
    assert len(smtp_sink.to("d@h.test")) == 2


def test_a_digest_waits_for_the_digest_hour(smtp_sink):
    make_user("manager", email="d@h.test", daily_digest=True)
    _late, _soon, today = two_cards()
    send_due_notices(local(today, 6))
    assert smtp_sink.to("d@h.test") == []


def test_a_digest_taker_gets_no_per_card_overdue_or_due_soon_messages(smtp_sink):
    make_user("manager", email="d@h.test", daily_digest=True)
    make_user("manager", email="m@h.test")
    late, _soon, today = two_cards()
    late.deadline_on = today - timedelta(days=3)  # the managers' step of the ladder
    send_due_notices(local(today, 8))
    assert "m@h.test" in emailed("overdue") and "d@h.test" not in emailed("overdue")
    assert emailed("digest") == ["d@h.test"]


def test_nothing_overdue_or_due_soon_sends_no_digest(smtp_sink):
    make_user("manager", email="d@h.test", daily_digest=True)
    send_due_notices(local(local_today() + timedelta(days=1), 9))
    assert smtp_sink.messages == []


def test_only_managers_get_a_digest(smtp_sink):
    make_user("viewer", email="v@h.test", daily_digest=True)
    _late, _soon, today = two_cards()
    send_due_notices(local(today, 8))
    assert smtp_sink.to("v@h.test") == []


def test_the_leadership_step_reaches_a_digest_taker_on_its_own(smtp_sink):
    make_user("manager", email="d@h.test", daily_digest=True)
    late, _soon, today = two_cards()
    late.deadline_on = today - timedelta(days=7)  # the ladder's top step: 督办
    send_due_notices(local(today, 8))
    assert "d@h.test" in emailed("overdue")
    assert emailed("digest") == ["d@h.test"]
