"""`flask notify`: what it says, and the dry run."""

from sqlalchemy import func, select

from app.extensions import db
from app.notices.models import Notice
from tests.factories import make_hazard, make_user


def test_notify_sends_and_says_how_many(app, smtp_sink):
    make_user("manager", email="m@h.test")
    make_hazard(level="major")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, failed 0" in result.output and smtp_sink.recipients() == ["m@h.test"]


def test_notify_dry_run_lists_and_records_nothing(app, smtp_sink, webhook_sink):
    make_user("manager", email="m@h.test")
    hazard = make_hazard(level="major")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notify", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"major:{hazard.id} by email to m@h.test" in result.output
    assert f"major:{hazard.id} by webhook" in result.output
    assert smtp_sink.messages == [] and webhook_sink.posts == []
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_notify_says_when_email_is_off(app):
    result = app.test_cli_runner().invoke(args=["notify"])
    assert "Email: off (SMTP_HOST is unset)" in result.output


def test_notify_exits_non_zero_when_a_send_failed(app, webhook_sink):
    webhook_sink.answer = {"errcode": 310000, "errmsg": "sign not match"}
    make_hazard(level="major")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notify"])
    assert result.exit_code == 1 and "310000" in result.output


def test_notify_refuses_an_unknown_robot_format(app):
    app.config.update(NOTIFY_WEBHOOK_URL="http://robot.test/send", NOTIFY_WEBHOOK_FORMAT="slack")
    result = app.test_cli_runner().invoke(args=["notify"])
    assert result.exit_code != 0 and "wecom or dingtalk" in result.output


def test_dry_run_shows_each_ladder_step_with_card_and_recipients(app, smtp_sink):
    from datetime import timedelta

    from app.common.time import local_today
    from app.hazards.models import Hazard

    make_user("manager", email="m@h.test", username="anna")
    hazard = make_hazard(status="rectifying")
    hazard.deadline_on = local_today() - timedelta(days=7)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notify", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"would mark supervised (督办): {hazard.number}" in result.output
    assert f"due overdue step 3 (leadership) {hazard.number} to " in result.output
    assert "would send overdue step 3 (leadership)" in result.output
    assert "m@h.test" in result.output and "anna" in result.output
    db.session.expire_all()
    assert db.session.get(Hazard, hazard.id).supervised_at is None
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
