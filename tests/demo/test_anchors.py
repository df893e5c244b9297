"""The demo's anchors: the heads as of the end of each of the last seven days, written once,
and they verify."""

import json
from datetime import timedelta

from app.common.time import local_day_start, local_today, utcnow
from app.demo import anchors
from app.extensions import db
from tests.factories import make_hazard


def test_demo_anchors_each_past_midnight_once_and_they_verify(app):
    now = utcnow()
    hazard = make_hazard(status="rectifying", found_at=now - timedelta(days=3))
    db.session.commit()
    anchors.make(now, log=lambda _: None)
    path = app.instance_path + "/audit-anchors.jsonl"
    with open(path, encoding="utf-8") as f:
        first = f.read()
    written = [json.loads(line) for line in first.splitlines()]
    midnights = [local_day_start(local_today(now) - timedelta(days=d)) for d in range(6, -1, -1)]
    assert [a["at"] for a in written] == [m.isoformat(timespec="microseconds") for m in midnights]
    # Reported three days ago, assigned and started today: as of each midnight, its report.
    assert [a["cards"]["changed"] for a in written if a["cards"]["changed"]] == [
        [[hazard.number, 1, hazard.events[0].hash]]]

    anchors.make(now, log=lambda _: None)
    with open(path, encoding="utf-8") as f:
        assert f.read() == first
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--anchors"])
    assert result.exit_code == 0, result.output
    assert "Not anchored yet (written after the last anchor, not protected until the next " \
           "one): 2 events on 1 cards" in result.output
