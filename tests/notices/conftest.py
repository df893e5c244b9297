"""Local sinks for notices: an SMTP server (aiosmtpd) and a group-chat robot (http.server)."""

import email
import email.policy
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """Keeps every message it accepts; refuses the addresses in `refuse`."""

    def __init__(self):
        self.messages = []  # (recipient, parsed message)
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.extend((rcpt, message) for rcpt in envelope.rcpt_tos)
        return "250 OK"

    def recipients(self) -> list[str]:
        return sorted(rcpt for rcpt, _message in self.messages)

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.messages if rcpt == address]


@pytest.fixture
def smtp_sink(app):
    """SMTP on a free loopback port, set as the app's SMTP_HOST/SMTP_PORT."""
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      MAIL_FROM="SafeRound <saferound@hospital.test>")
    yield sink
    controller.stop()


class _RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = urllib.parse.urlsplit(self.path)
        self.server.posts.append({"path": parts.path,
                                  "query": dict(urllib.parse.parse_qsl(parts.query)),
                                  "json": json.loads(body)})
        answer = json.dumps(self.server.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_sink(app, monkeypatch):
    """A robot on a free loopback port recording POSTed JSON (`.posts`), answering `.answer`
    ({"errcode": 0, "errmsg": "ok"} unless a test changes it); set as a WeCom webhook."""
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RobotHandler)
    server.posts, server.answer = [], {"errcode": 0, "errmsg": "ok"}
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    app.config.update(
        NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send"
                           "?key=test-key",
        NOTIFY_WEBHOOK_FORMAT="wecom")
    yield server
    server.shutdown()
    server.server_close()


def emailed(kind: str) -> list[str]:
    """The addresses a notice of `kind` was emailed to, as recorded."""
    from sqlalchemy import select

    from app.extensions import db
    from app.notices.models import Notice

    return sorted(db.session.scalars(select(Notice.recipient).where(
        Notice.kind == kind, Notice.channel == "email", Notice.state == "sent")))
