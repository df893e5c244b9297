"""What the robots and the mail server receive: WeCom and DingTalk payloads, signing, email."""

import base64
import hashlib
import hmac
from datetime import timedelta

from app.common.time import local_today, utcnow
from app.notices.channels import WebhookChannel
from app.notices.messages import Message, compose
from app.notices.queries import due_notices
from app.notices.services import send_due_notices
from tests.factories import make_hazard, make_user


def a_message(**changes) -> Message:
    fields = {"title": "Major hazard reported: YH-2026-00042", "intro": "Now.",
              "facts": ("Location: Oxygen station (O2-B1-01)",), "app_name": "SafeRound",
              "link": "http://saferound.test/hazards/YH-2026-00042",
              "link_label": "Open the hazard card", "footer": "Automatic.", **changes}
    return Message(**fields)


def test_wecom_robot_gets_a_markdown_content_message(webhook_sink):
    hazard = make_hazard(level="major")
    send_due_notices()
    [post] = webhook_sink.posts
    assert post["path"] == "/cgi-bin/webhook/send" and post["query"] == {"key": "test-key"}
    assert post["json"]["msgtype"] == "markdown"
    content = post["json"]["markdown"]["content"]
    assert hazard.number in content and f"/hazards/{hazard.number})" in content


def test_dingtalk_robot_gets_a_markdown_title_and_text(app, webhook_sink):
    app.config["NOTIFY_WEBHOOK_FORMAT"] = "dingtalk"
    hazard = make_hazard(level="major")
    send_due_notices()
    [post] = webhook_sink.posts
    assert post["json"]["msgtype"] == "markdown"
    assert set(post["json"]["markdown"]) == {"title", "text"}
    assert hazard.number in post["json"]["markdown"]["title"]
    assert f"/hazards/{hazard.number})" in post["json"]["markdown"]["text"]


def test_dingtalk_signing_adds_timestamp_and_sign(app, webhook_sink):
    app.config.update(NOTIFY_WEBHOOK_FORMAT="dingtalk", NOTIFY_WEBHOOK_SECRET="SECabc123")
    make_hazard(level="major")
    send_due_notices()
    query = webhook_sink.posts[0]["query"]
    expected = hmac.new(b"SECabc123", f"{query['timestamp']}\nSECabc123".encode(),
                        hashlib.sha256).digest()
    assert query["key"] == "test-key"
    assert base64.b64decode(query["sign"]) == expected
    assert abs(int(query["timestamp"]) - utcnow().timestamp() * 1000) < 3_600_000


def test_wecom_robot_is_never_signed():
    channel = WebhookChannel("http://robot.test/send?key=k", "wecom", secret="SECabc123")
    assert channel.signed_url() == "http://robot.test/send?key=k"


def test_text_people_wrote_cannot_become_links_in_the_chat():
    channel = WebhookChannel("http://robot.test/send?key=k", "wecom")
    message = a_message(facts=("Description: see [here](http://evil.test) <font>",))
    content = channel.payload(message)["markdown"]["content"]
    assert "](http://evil.test)" not in content and "<font>" not in content


def test_chat_message_is_written_in_the_robots_language(app, webhook_sink):
    app.config["NOTIFY_WEBHOOK_LOCALE"] = "en"
    make_hazard(level="major")
    send_due_notices()
    assert "Major hazard reported" in webhook_sink.posts[0]["json"]["markdown"]["content"]


def test_email_has_the_facts_and_a_link_to_the_live_card(app, smtp_sink):
    app.config["PUBLIC_BASE_URL"] = "https://saferound.hospital.test/"
    make_user("manager", email="m@h.test", locale="en")
    hazard = make_hazard(level="major")
    send_due_notices()
    [message] = smtp_sink.to("m@h.test")
    body = message.get_content()
    assert f"https://saferound.hospital.test/hazards/{hazard.number}" in body
    assert hazard.location.code in body and hazard.department.name_en in body
    assert message["From"] == "SafeRound <saferound@hospital.test>"
    assert message["Auto-Submitted"] == "auto-generated"


def test_overdue_message_says_by_how_many_days(app):
    hazard = make_hazard(status="rectifying")
    now = utcnow() + timedelta(days=20)
    hazard.deadline_on = local_today(now) - timedelta(days=3)
    # Day 3: the ladder's second step (to the managers) is due; day 1's is within the lookback.
    [due] = [due for due in due_notices(now) if due.kind == "overdue" and due.step == 2]
    assert any("Overdue by 3 days" in fact for fact in compose(due, "en").facts)
