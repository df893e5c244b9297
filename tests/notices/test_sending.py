"""Each notice goes out once; failures are recorded and tried again; claims guard overlaps."""

from datetime import timedelta

from sqlalchemy import func, select

from app.common.time import utcnow
from app.extensions import db
from app.notices import services
from app.notices.models import Notice
from app.notices.queries import due_notices
from app.notices.services import send_due_notices
from tests.factories import make_hazard, make_user
from tests.notices.conftest import free_port


def notices():
    return list(db.session.scalars(select(Notice).order_by(Notice.id)))


def test_running_twice_sends_each_notice_once(smtp_sink, webhook_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="major")
    now = utcnow()
    send_due_notices(now)
    second = send_due_notices(now + timedelta(minutes=5))
    assert second.sent == 0
    assert len(smtp_sink.messages) == 1 and len(webhook_sink.posts) == 1
    assert [n.state for n in notices()] == ["sent", "sent"]


def test_a_sent_notice_records_when_and_to_whom(smtp_sink):
    make_user("manager", email="m@h.test")
    hazard = make_hazard(level="major")
    now = utcnow()
    send_due_notices(now)
    [notice] = notices()
    assert (notice.key, notice.kind, notice.channel, notice.recipient, notice.hazard_id) == (
        f"major:{hazard.id}", "major_reported", "email", "m@h.test", hazard.id)
    assert notice.attempts == 1 and notice.sent_at >= now


def test_a_failed_email_is_recorded_and_sent_by_a_later_run(app, smtp_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="major")
    port, app.config["SMTP_PORT"] = app.config["SMTP_PORT"], free_port()  # nobody listens
    now = utcnow()
    first = send_due_notices(now)
    [notice] = notices()
    assert first.failed == 1 and notice.state == "failed" and "Connection" in notice.error
    app.config["SMTP_PORT"] = port
    send_due_notices(now + timedelta(minutes=5))
    assert notice.state == "sent" and notice.attempts == 2
    assert smtp_sink.recipients() == ["m@h.test"]


def test_a_failed_notice_waits_before_its_next_try(app, smtp_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="major")
    port, app.config["SMTP_PORT"] = app.config["SMTP_PORT"], free_port()
    now = utcnow()
    send_due_notices(now)
    send_due_notices(now + timedelta(minutes=5))  # the next run: second try, fails again
    app.config["SMTP_PORT"] = port
    send_due_notices(now + timedelta(minutes=10))  # the third try waits 10 minutes
    assert notices()[0].attempts == 2 and smtp_sink.messages == []
    send_due_notices(now + timedelta(minutes=16))
    assert smtp_sink.recipients() == ["m@h.test"]


def test_a_refused_recipient_does_not_stop_the_others(smtp_sink, webhook_sink):
    for name in ("a", "b", "c"):
        make_user("manager", email=f"{name}@h.test")
    smtp_sink.refuse.add("b@h.test")
    make_hazard(level="major")
    summary = send_due_notices()
    assert smtp_sink.recipients() == ["a@h.test", "c@h.test"] and len(webhook_sink.posts) == 1
    assert summary.failed == 1 and "b@h.test" in summary.errors[0]


def test_a_failed_webhook_is_recorded_and_sent_by_a_later_run(webhook_sink):
    make_hazard(level="major")
    webhook_sink.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    now = utcnow()
    send_due_notices(now)
    [notice] = notices()
    assert notice.state == "failed" and "93000" in notice.error
    webhook_sink.answer = {"errcode": 0, "errmsg": "ok"}
    send_due_notices(now + timedelta(minutes=5))
    assert notice.state == "sent" and len(webhook_sink.posts) == 2


def test_a_notice_is_given_up_after_the_last_allowed_try(app, webhook_sink):
    hazard = make_hazard(level="major")
    now = utcnow()
    db.session.add(Notice(key=f"major:{hazard.id}", kind="major_reported", channel="webhook",
                          recipient="webhook", hazard_id=hazard.id, state="failed",
                          attempts=app.config["NOTIFY_MAX_ATTEMPTS"], error="HTTP 500",
                          created_at=now - timedelta(days=1)))
    send_due_notices(now)
    assert webhook_sink.posts == []


def test_a_fresh_claim_of_another_run_is_left_to_it(webhook_sink):
    hazard = make_hazard(level="major")
    now = utcnow()
    db.session.add(Notice(key=f"major:{hazard.id}", kind="major_reported", channel="webhook",
                          recipient="webhook", hazard_id=hazard.id, state="claimed",
                          created_at=now - timedelta(minutes=1)))
    send_due_notices(now)
    assert webhook_sink.posts == []


def test_a_claim_left_by_a_dead_run_is_sent_again_after_15_minutes(webhook_sink):
    hazard = make_hazard(level="major")
    now = utcnow()
    db.session.add(Notice(key=f"major:{hazard.id}", kind="major_reported", channel="webhook",
                          recipient="webhook", hazard_id=hazard.id, state="claimed",
                          created_at=now - timedelta(minutes=16)))
    send_due_notices(now)
    [notice] = notices()
    assert len(webhook_sink.posts) == 1
    assert notice.state == "sent" and notice.attempts == 2  # the dead run's try counts


def test_a_claim_that_meets_another_runs_row_backs_off(smtp_sink):
    make_user("manager", email="m@h.test")
    hazard = make_hazard(level="major")
    db.session.add(Notice(key=f"major:{hazard.id}", kind="major_reported", channel="email",
                          recipient="m@h.test", state="claimed", created_at=utcnow()))
    db.session.commit()
    # A run that planned before the other run's claim landed meets the unique constraint.
    [due] = due_notices(utcnow())
    item = services.Outgoing(due, "email", "m@h.test", "en")
    assert services._claim(item, None, utcnow()) is None
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 1


def test_subject_is_in_the_recipients_language(smtp_sink):
    make_user("manager", email="en@h.test", locale="en")
    make_user("manager", email="zh@h.test", locale="zh_Hans")
    make_user("manager", email="default@h.test")
    make_hazard(level="major")
    send_due_notices()
    assert smtp_sink.to("en@h.test")[0]["Subject"].startswith("[SafeRound] Major hazard reported")
    assert smtp_sink.to("zh@h.test")[0]["Subject"].startswith("[安全巡查]")
    assert smtp_sink.to("default@h.test")[0]["Subject"].startswith("[安全巡查]")


def test_email_is_off_without_an_smtp_host(webhook_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="major")
    summary = send_due_notices()
    assert summary.email is None
    assert [(n.channel, n.state) for n in notices()] == [("webhook", "sent")]


def test_the_robot_gets_at_most_its_per_run_limit_and_the_rest_next_run(app, webhook_sink):
    app.config["NOTIFY_WEBHOOK_MAX_PER_RUN"] = 2
    for _ in range(3):
        make_hazard(level="major")
    now = utcnow()
    first = send_due_notices(now)
    assert (first.sent, first.deferred) == (2, 1)
    send_due_notices(now + timedelta(minutes=5))
    assert len(webhook_sink.posts) == 3
