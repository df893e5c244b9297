"""Checking the hazard events' hash chain: every event must hash to what it stores, and
carry its predecessor's hash, in an unbroken run of sequence numbers; and the photos hanging
on each event must be exactly those its hashed data names."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.hazards.models import Hazard, HazardEvent
from app.hazards.workflow import GENESIS_HASH, event_hash


@dataclass(frozen=True)
class BrokenLink:
    number: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.number} event {self.seq}: {self.reason}"


def first_broken_link() -> tuple[BrokenLink | None, int]:
    """The first broken link of the whole ledger (None if intact), and how many events were read."""
    # Streamed (a server-side cursor on PostgreSQL), and closed when the first fault ends it.
    with db.session.execute(
        select(Hazard.number, HazardEvent)
        .join(HazardEvent, HazardEvent.hazard_id == Hazard.id)
        .order_by(HazardEvent.hazard_id, HazardEvent.seq)
        .options(selectinload(HazardEvent.photos))
        .execution_options(yield_per=2000)
    ) as rows:
        current, expected_seq, prev_hash, count = None, 1, GENESIS_HASH, 0
        for number, event in rows:
            count += 1
            if number != current:
                current, expected_seq, prev_hash = number, 1, GENESIS_HASH
            reason = _fault(number, event, expected_seq, prev_hash)
            if reason:
                return BrokenLink(number, event.seq, reason), count
            expected_seq, prev_hash = expected_seq + 1, event.hash
    return None, count


def _fault(number: str, event: HazardEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        return f"expected event {expected_seq} (one missing)"
    if event.prev_hash != prev_hash:
        return "does not carry the previous event's hash"
    if event.hash != event_hash(number, event):
        return "was changed after it was written"
    if sorted(p.sha256 for p in event.photos) != sorted(event.data.get("photos", [])):
        return "its photos are not the ones it recorded"
    recorded = event.data.get("originals", {})
    if any(recorded.get(p.sha256) != p.original_sha256 for p in event.photos):
        return "its photos' originals are not the ones it recorded"
    return None
