"""`flask audit verify --anchors`: prove that no anchored history changed.

Every anchor's MAC and its place in the sequence; then every event an anchor names must still
be in its card's chain with the anchored hash (so a history rewritten with every hash
recomputed is named), every anchored card must still exist, and the audit log must still hash
to what each anchor recorded, record by record. What was written after the last anchor is not
protected yet: it is counted, not judged.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from app.audit.anchors import (
    GENESIS,
    AnchorError,
    anchor_key,
    anchor_path,
    audit_records,
    chain_record,
    heads_digest,
    read_anchors,
    record_tag,
    record_text,
)
from app.extensions import db
from app.hazards.models import Hazard, HazardEvent


@dataclass
class AnchorReport:
    problems: list[str] = field(default_factory=list)
    anchors: int = 0
    last_at: str | None = None
    cards: int = 0
    events: int = 0
    records: int = 0
    unanchored_events: int = 0
    unanchored_cards: int = 0
    unanchored_records: int = 0


def check_anchors() -> AnchorReport:
    """Check the anchor file against itself and the database (AnchorError: no key, no file)."""
    key, path = anchor_key(), anchor_path()
    if not path.exists():
        raise AnchorError(f"No anchor file at {path}: nothing was anchored yet (run `flask audit "
                          "anchor`), or the file was moved or deleted — compare with the mailed "
                          "anchors.")
    found = read_anchors(path, key)
    report = AnchorReport(problems=list(found.faults), anchors=len(found.anchors))
    if not found.anchors:
        if not found.faults:
            report.problems.append(f"{path} holds no anchor")
        return report
    report.last_at = found.anchors[-1]["at"]
    if not found.faults:  # the lines must add up, each to the digest it signed
        report.problems += _digest_faults(found.anchors)
    _check_cards(found.anchors, report)
    _check_audit_log(found.anchors, report, complete=not found.faults)
    return report


def _when(anchor: dict) -> str:
    return f"anchor {anchor['n']} of {anchor['at'][:16].replace('T', ' ')} UTC"


def _digest_faults(anchors) -> list[str]:
    heads = {}
    for anchor in anchors:
        heads.update({number: (seq, hash_) for number, seq, hash_ in anchor["cards"]["changed"]})
        if heads_digest(heads) != anchor["cards"]["digest"] or (
                len(heads) != anchor["cards"]["total"]):
            return [f"{_when(anchor)}: the cards anchored up to it do not add up to its digest"]
    return []


def _check_cards(anchors, report: AnchorReport) -> None:
    points = defaultdict(dict)  # number → {seq: (hash, anchor)}
    for anchor in anchors:
        for number, seq, hash_ in anchor["cards"]["changed"]:
            points[number][seq] = (hash_, anchor)
    report.cards = len(points)
    rows = db.session.execute(
        select(Hazard.number, HazardEvent.seq, HazardEvent.hash)
        .join(HazardEvent, HazardEvent.hazard_id == Hazard.id)
        .order_by(HazardEvent.hazard_id, HazardEvent.seq)
        .execution_options(yield_per=5000))
    chain, current = {}, None
    for number, seq, hash_ in rows:
        if number != current:
            if current is not None:
                _check_card(current, chain, points.pop(current, {}), report)
            chain, current = {}, number
        chain[seq] = hash_
    if current is not None:
        _check_card(current, chain, points.pop(current, {}), report)
    for number, anchored in sorted(points.items()):
        seq, (_hash, anchor) = max(anchored.items())
        report.problems.append(f"{number}: anchored (event {seq}, {_when(anchor)}) but no longer "
                               "in the database")


def _check_card(number, chain: dict, anchored: dict, report: AnchorReport) -> None:
    last = max(anchored) if anchored else 0
    report.events += min(last, len(chain))
    unanchored = sum(1 for seq in chain if seq > last)
    report.unanchored_events += unanchored
    report.unanchored_cards += 1 if unanchored else 0
    for seq in sorted(anchored):
        hash_, anchor = anchored[seq]
        if seq not in chain:
            report.problems.append(f"{number}: event {seq}, anchored in {_when(anchor)}, is "
                                   "missing")
            return
        if chain[seq] != hash_:
            report.problems.append(f"{number}: event {seq} is not the event anchored in "
                                   f"{_when(anchor)}: its history was rewritten")
            return


def _check_audit_log(anchors, report: AnchorReport, *, complete: bool) -> None:
    """Record by record against the anchored short hashes, and the running hash at each anchor.
    A record the anchors do not name is reported only when every line could be read."""
    tags, checkpoints = {}, []
    for anchor in anchors:
        audit = anchor["audit"]
        tags.update({record_id: (tag, anchor) for record_id, tag in audit["records"]})
        checkpoints.append((audit["last_id"], audit["count"], audit["hash"], anchor))
    covered = max((last_id for last_id, *_rest in checkpoints), default=0)
    named, hashed = [], []
    running, count, pending = GENESIS, 0, iter(checkpoints)
    checkpoint = next(pending, None)
    for record in audit_records():
        while checkpoint is not None and record.id > checkpoint[0]:
            hashed += _checkpoint_fault(checkpoint, running, count)
            checkpoint = next(pending, None)
        if record.id > covered:
            report.unanchored_records += 1
            continue
        text = record_text(record)
        running, count = chain_record(running, text), count + 1
        tag, anchor = tags.pop(record.id, (None, None))
        if anchor is None and complete:
            named.append(f"audit record {record.id} ({record.action}) is not one the anchors "
                         "covered: it was added afterwards")
        elif anchor is not None and tag != record_tag(text):
            named.append(f"audit record {record.id} ({record.action}) was changed after "
                         f"{_when(anchor)}")
    while checkpoint is not None:
        hashed += _checkpoint_fault(checkpoint, running, count)
        checkpoint = next(pending, None)
    named += [f"audit record {record_id}, anchored in {_when(anchor)}, was deleted"
              for record_id, (_tag, anchor) in sorted(tags.items())]
    report.records = count
    # Named record by record, the running hashes add nothing; alone, they still prove a change.
    report.problems += named or hashed


def _checkpoint_fault(checkpoint, running: str, count: int) -> list[str]:
    last_id, anchored_count, anchored_hash, anchor = checkpoint
    if running != anchored_hash or count != anchored_count:
        return [f"the audit log up to record {last_id} does not hash to {_when(anchor)}"]
    return []
