"""Audit anchors: the heads of the hazard cards' event chains and of the administrators' audit
log, signed with AUDIT_KEY (HMAC-SHA256) and appended as one line a day to a file outside the
database, each line carrying the MAC of the line before it.

Someone who can write to the database can rewrite a card's whole history and recompute every
hash: the chain then checks. They cannot also rewrite the anchors without the key, so
`flask audit verify --anchors` (app/audit/anchor_check.py) sees the change.

A line holds only the cards whose head moved since the line before (with the number of cards
and a SHA-256 over all heads anchored so far, so the lines must add up), and the audit records
written since the line before: each record's id and a short hash, so that a changed, added or
deleted record can be named, and a running SHA-256 over every record so far in id order.
"""

import fcntl
import hashlib
import hmac
import json
import os
import re
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.audit.models import AuditRecord
from app.common.time import utcnow
from app.extensions import db
from app.hazards.models import Hazard, HazardEvent
from app.settings.models import Setting
from config import DEMO_AUDIT_KEY

FORMAT_VERSION = 1
GENESIS = "0" * 64
ANCHOR_FILE_NAME = "audit-anchors.jsonl"
# An audit record's id is given when it is written, its transaction commits a moment later: one
# given a smaller id may commit after a larger one. Records younger than this wait for the next
# anchor, so that none can appear among the records an anchor already covers.
AUDIT_SETTLE = timedelta(minutes=10)
# Enough to name a changed record; the running hash over whole records is what proves it.
RECORD_TAG_CHARS = 16
SHORTEST_KEY = 32


class AnchorError(Exception):
    """The anchors cannot be written or read: a missing key, a damaged file. Says what to do."""


def anchor_key() -> bytes:
    """AUDIT_KEY; the demo key only where the demo's secrets are allowed (development, tests)."""
    config = current_app.config
    key = config.get("AUDIT_KEY")
    if not key and config["ALLOWS_DEMO_SECRET"]:
        key = DEMO_AUDIT_KEY
    if not key:
        raise AnchorError(
            "Set AUDIT_KEY in the environment: the secret that signs the audit anchors, kept "
            "outside the database and its backups (e.g. python3 -c 'import secrets; "
            "print(secrets.token_hex(32))'). Without it, anchors are neither written nor checked.")
    if key == DEMO_AUDIT_KEY and not config["ALLOWS_DEMO_SECRET"]:
        raise AnchorError("AUDIT_KEY is the demo's key: set a secret of your own.")
    if len(key) < SHORTEST_KEY and not config["ALLOWS_DEMO_SECRET"]:
        raise AnchorError(f"AUDIT_KEY must have at least {SHORTEST_KEY} characters.")
    return key.encode()


def anchor_path() -> Path:
    """AUDIT_ANCHOR_FILE, or audit-anchors.jsonl in the instance folder."""
    configured = current_app.config.get("AUDIT_ANCHOR_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / ANCHOR_FILE_NAME


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def mac_of(key: bytes, anchor: dict) -> str:
    """HMAC-SHA256 over the anchor's canonical JSON without its own MAC."""
    body = canonical({k: v for k, v in anchor.items() if k != "mac"})
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def format_at(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


# --- what is anchored -------------------------------------------------------------------


def card_heads(as_of: datetime | None = None) -> dict[str, tuple[int, str]]:
    """Each card's last event (of those written by `as_of`, when given): number → (seq, hash)."""
    last = select(HazardEvent.hazard_id, func.max(HazardEvent.seq).label("seq"))
    if as_of is not None:
        last = last.where(HazardEvent.at <= as_of)
    last = last.group_by(HazardEvent.hazard_id).subquery()
    rows = db.session.execute(
        select(Hazard.number, HazardEvent.seq, HazardEvent.hash)
        .join(last, last.c.hazard_id == Hazard.id)
        .join(HazardEvent, (HazardEvent.hazard_id == Hazard.id) & (HazardEvent.seq == last.c.seq))
    )
    return {number: (seq, hash_) for number, seq, hash_ in rows}


def heads_digest(heads: dict[str, tuple[int, str]]) -> str:
    """SHA-256 over every anchored head, in card-number order."""
    digest = hashlib.sha256()
    for number in sorted(heads):
        seq, hash_ = heads[number]
        digest.update(f"{number} {seq} {hash_}\n".encode())
    return digest.hexdigest()


def record_text(record: AuditRecord) -> str:
    """An audit record as the canonical text its hashes are taken over."""
    return canonical({
        "id": record.id,
        "actor": record.actor_id,
        "at": format_at(record.at),
        "action": record.action,
        "target_type": record.target_type,
        "target_id": record.target_id,
        "details": record.details,
    })


def record_tag(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:RECORD_TAG_CHARS]


def chain_record(running: str, text: str) -> str:
    """The audit log's running hash after one more record."""
    return hashlib.sha256((running + text).encode()).hexdigest()


def audit_records(after_id: int = 0, up_to_id: int | None = None):
    """Audit records by id, from after `after_id` to `up_to_id` (all when None), streamed."""
    query = select(AuditRecord).where(AuditRecord.id > after_id).order_by(AuditRecord.id)
    if up_to_id is not None:
        query = query.where(AuditRecord.id <= up_to_id)
    return db.session.scalars(query.execution_options(yield_per=2000))


# --- the file -----------------------------------------------------------------------------


@dataclass
class AnchorFile:
    """The anchors of a file: `anchors` those whose MAC and place in the sequence hold, and
    `faults`, one sentence per line that does not."""

    path: Path
    anchors: list[dict] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    lines: int = 0


def read_anchors(path: Path, key: bytes) -> AnchorFile:
    """Every line of the anchor file checked: JSON, its MAC, its number and the MAC before it."""
    found = AnchorFile(path)
    expected_n, prev_mac = 1, GENESIS
    bad_macs = 0
    with path.open(encoding="utf-8") as lines:
        for i, line in enumerate(lines, start=1):
            found.lines = i
            try:
                anchor = json.loads(line)
                n, prev, mac = anchor["n"], anchor["prev"], anchor["mac"]
            except (ValueError, KeyError, TypeError):
                found.faults.append(f"line {i}: not an anchor (cut short or edited)")
                continue
            if not hmac.compare_digest(str(mac), mac_of(key, anchor)):
                bad_macs += 1
                found.faults.append(f"line {i} (anchor {n}): its MAC does not match: the line "
                                    "was edited, or AUDIT_KEY is not the key that signed it")
                expected_n, prev_mac = (n + 1 if isinstance(n, int) else expected_n + 1), mac
                continue
            if n != expected_n or prev != prev_mac:
                missing = f"anchor {expected_n}" if n > expected_n else "an anchor"
                found.faults.append(
                    f"line {i} (anchor {n}): does not follow the line before it: {missing} "
                    "was dropped, or lines were reordered")
            expected_n, prev_mac = n + 1, mac
            found.anchors.append(anchor)
    if bad_macs and bad_macs == found.lines:
        found.faults = [f"no anchor's MAC matches ({bad_macs} lines): AUDIT_KEY is not the key "
                        f"that signed {path}, or every line was edited"]
    return found


@dataclass
class Anchored:
    """What a run of anchors covers, replayed line by line."""

    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    audit_last_id: int = 0
    audit_count: int = 0
    audit_hash: str = GENESIS


def replay(anchors: list[dict]) -> Anchored:
    state = Anchored()
    for anchor in anchors:
        for number, seq, hash_ in anchor["cards"]["changed"]:
            state.heads[number] = (seq, hash_)
        audit = anchor["audit"]
        state.audit_last_id, state.audit_count = audit["last_id"], audit["count"]
        state.audit_hash = audit["hash"]
    return state


# --- writing an anchor ----------------------------------------------------------------------


@dataclass
class Written:
    anchor: dict
    line: str
    path: Path
    # Anchored cards whose earlier anchored event is no longer what it was, or that are gone.
    warnings: list[str] = field(default_factory=list)


def write_anchor(now: datetime | None = None, *, as_of: datetime | None = None) -> Written:
    """Append the next anchor: the heads of the cards whose chain moved since the last anchor and
    the audit records written since, as of `as_of` (the demo's past days) or now."""
    key, path = anchor_key(), anchor_path()
    now = now or utcnow()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as file:
        # One anchor at a time, even when cron and a person run it together.
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        found = read_anchors(path, key)
        if found.faults:
            raise AnchorError(
                f"The anchor file {path} does not verify ({found.faults[0]}); no anchor was "
                "added. Run `flask audit verify --anchors` and find out what happened to it.")
        last = found.anchors[-1] if found.anchors else None
        before = replay(found.anchors)
        heads = card_heads(as_of)
        changed = {number: head for number, head in heads.items()
                   if before.heads.get(number) != head}
        after = dict(before.heads) | changed
        anchor = {
            "v": FORMAT_VERSION,
            "n": (last["n"] + 1) if last else 1,
            "at": format_at(as_of or now),
            "prev": last["mac"] if last else GENESIS,
            "cards": {
                "changed": sorted([number, seq, hash_]
                                  for number, (seq, hash_) in changed.items()),
                "total": len(after),
                "digest": heads_digest(after),
            },
            "events": sum(seq for seq, _hash in after.values()),
            "audit": _audit_since(before, cutoff=as_of or now - AUDIT_SETTLE),
        }
        anchor["mac"] = mac_of(key, anchor)
        line = canonical(anchor)
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())
    warnings = _moved_anchored_cards(before.heads, heads, changed)
    return Written(anchor, line, path, warnings)


def _audit_since(before: Anchored, cutoff: datetime) -> dict:
    up_to = db.session.scalar(select(func.max(AuditRecord.id)).where(AuditRecord.at <= cutoff))
    up_to = max(up_to or 0, before.audit_last_id)
    running, count, tags = before.audit_hash, before.audit_count, []
    for record in audit_records(before.audit_last_id, up_to):
        text = record_text(record)
        running = chain_record(running, text)
        count += 1
        tags.append([record.id, record_tag(text)])
    return {"last_id": up_to, "count": count, "hash": running, "records": tags}


def _moved_anchored_cards(anchored, heads, changed) -> list[str]:
    """Cards anchored before that are gone, or whose anchored event no longer has its hash."""
    warnings = [f"{number}: anchored, but no longer in the database"
                for number in sorted(anchored.keys() - heads.keys())]
    again = sorted((number, anchored[number][0]) for number in changed if number in anchored)
    now_at = {}
    for start in range(0, len(again), 500):
        batch = again[start:start + 500]
        wanted = {number for number, _seq in batch}
        rows = db.session.execute(
            select(Hazard.number, HazardEvent.seq, HazardEvent.hash)
            .join(HazardEvent, HazardEvent.hazard_id == Hazard.id)
            .where(Hazard.number.in_(wanted),
                   HazardEvent.seq.in_({seq for _number, seq in batch})))
        now_at.update({(number, seq): hash_ for number, seq, hash_ in rows})
    for number, seq in again:
        if now_at.get((number, seq)) != anchored[number][1]:
            warnings.append(f"{number}: event {seq} is no longer the event anchored before")
    return warnings


# --- for the administrators' page ------------------------------------------------------------

# Anchors are written daily: older than this, the cron job has stopped.
ANCHOR_STALE_AFTER = timedelta(days=2)
# A row in the settings table (not a setting: nobody sets it) saying which host wrote the last
# anchor, where and when, so that /admin on a host without the file (several hosts, the cron
# job on one) knows too. Only for that page: the file is what `verify --anchors` reads.
WRITTEN_NOTE_KEY = "audit.last_anchor"
# A note dated further ahead than this is not believed (a clock far off, or a forged note
# hiding that anchoring stopped).
NOTE_CLOCK_SKEW = timedelta(hours=1)


@dataclass(frozen=True)
class LastAnchor:
    n: int
    written_at: datetime  # when the file was last appended to (naive UTC)
    is_stale: bool
    host: str
    path: str


def leave_note(written: Written, now: datetime | None = None) -> None:
    """The note of the anchor just written, added to the session (the caller commits)."""
    note = db.session.get(Setting, WRITTEN_NOTE_KEY) or Setting(key=WRITTEN_NOTE_KEY)
    note.value = {"n": written.anchor["n"], "written_at": format_at(now or utcnow()),
                  "host": socket.gethostname(), "path": str(written.path)}
    db.session.add(note)


def last_anchor(now: datetime | None = None) -> LastAnchor | None:
    """The last anchor's number, when, where and by which host it was written: from this host's
    anchor file when it has one, else from the note the host that writes them left (neither is
    verified: that is `flask audit verify --anchors`); None when there is neither."""
    now = now or utcnow()
    local = _in_local_file(now)
    return local if local is not None else _in_note(now)


def _in_local_file(now: datetime) -> LastAnchor | None:
    path = anchor_path()
    try:
        with path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - 512))
            tail = file.read().decode("utf-8", errors="replace")
            written_at = datetime.fromtimestamp(os.fstat(file.fileno()).st_mtime, UTC)
    except OSError:
        return None
    # Canonical JSON sorts the keys: each line ends …,"n":<number>,"prev":"…","v":1}.
    found = re.findall(r'"n":(\d+),"prev":"[0-9a-f]{64}","v":\d+}', tail)
    if not found:
        return None
    return _last(int(found[-1]), written_at.replace(tzinfo=None), socket.gethostname(),
                 str(path), now)


def _in_note(now: datetime) -> LastAnchor | None:
    note = db.session.get(Setting, WRITTEN_NOTE_KEY)
    try:
        value = note.value
        written_at = datetime.fromisoformat(value["written_at"])
        if written_at > now + NOTE_CLOCK_SKEW:
            return None
        return _last(int(value["n"]), written_at, str(value["host"]), str(value["path"]), now)
    except (AttributeError, KeyError, TypeError, ValueError):  # no note, or not one we wrote
        return None


def _last(n: int, written_at: datetime, host: str, path: str, now: datetime) -> LastAnchor:
    return LastAnchor(n, written_at, now - written_at > ANCHOR_STALE_AFTER, host, path)
