"""An SMTP sink for the mailed anchors (the notices' sink, on a free loopback port)."""

import pytest
from aiosmtpd.controller import Controller

from tests.notices.conftest import SmtpSink, free_port


@pytest.fixture
def smtp_sink(app):
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      MAIL_FROM="SafeRound <saferound@hospital.test>")
    yield sink
    controller.stop()
