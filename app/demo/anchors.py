"""The demo's audit anchors: one for the end of each of the last days, as `flask audit anchor`
would have written them from cron, so that `flask audit verify --anchors` passes on a fresh
demo."""

from datetime import timedelta

from app.audit.anchors import anchor_path, leave_note, write_anchor
from app.common.time import local_day_start, local_today
from app.extensions import db

ANCHORED_DAYS = 7


def make(now, log) -> None:
    """Anchor the end of each of the last ANCHORED_DAYS days, unless the file has anchors."""
    path = anchor_path()
    if path.exists() and path.stat().st_size:
        log(f"Audit anchors exist already in {path}: left as they are.")
        return
    db.session.flush()
    today = local_today(now)
    for days_ago in range(ANCHORED_DAYS - 1, -1, -1):
        midnight = local_day_start(today - timedelta(days=days_ago))
        leave_note(write_anchor(midnight, as_of=midnight), midnight)
    log(f"Audit anchors for the last {ANCHORED_DAYS} days written to {path}.")
