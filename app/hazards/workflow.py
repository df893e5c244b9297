"""The hazard lifecycle: the one place that changes `Hazard.status`, each change a chained event."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.common.errors import DomainError
from app.common.permissions import can, sees_all_departments, sees_department
from app.common.time import local_today, utcnow
from app.common.vocab import HAZARD_STATUSES, OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards.deadlines import default_deadline
from app.hazards.models import Hazard, HazardEvent
from app.hazards.numbers import next_hazard_number
from app.hazards.queries import is_complete_commitments

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    permission: str
    label: str
    needs_note: bool = False


MOVES: dict[str, Move] = {
    "assign": Move(frozenset({"reported"}), "assigned", "hazards.manage", _l("Assign")),
    "start": Move(frozenset({"assigned"}), "rectifying", "hazards.rectify", _l("Start rectifying")),
    "submit": Move(frozenset({"rectifying"}), "awaiting_verification", "hazards.rectify",
                   _l("Submit for verification")),
    "verify": Move(frozenset({"awaiting_verification"}), "closed", "hazards.manage",
                   _l("Verify and close")),
    "reject": Move(frozenset({"awaiting_verification"}), "rectifying", "hazards.manage",
                   _l("Reject"), needs_note=True),
    "reopen": Move(frozenset({"closed"}), "rectifying", "hazards.manage", _l("Reopen"),
                   needs_note=True),
    "cancel": Move(frozenset(OPEN_HAZARD_STATUSES), "cancelled", "hazards.manage", _l("Cancel"),
                   needs_note=True),
}


def event_hash(hazard_number: str, event: HazardEvent) -> str:
    """SHA-256 over the event's content and its predecessor's hash."""
    body = {
        "hazard": hazard_number,
        "seq": event.seq,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "actor": event.actor_id,
        "at": event.at.isoformat(timespec="microseconds"),
        "note": event.note,
        "data": event.data,
        "prev": event.prev_hash,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _append_event(hazard, action, actor, *, from_status, note="", data=None, at=None):
    last = hazard.events[-1] if hazard.events else None
    event = HazardEvent(
        seq=(last.seq + 1) if last else 1,
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        actor_id=actor.id,
        at=at or utcnow(),
        note=note,
        data=data or {},
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_hash(hazard.number, event)
    hazard.events.append(event)
    return event


def report(actor, *, location, description, level, department=None, item_result=None,
           category="", found_at: datetime | None = None) -> Hazard:
    """Open a new hazard card in `reported` state with its first event."""
    if not can(actor, "inspections.perform"):
        raise DomainError(_("Your role may not report hazards."))
    if level not in ("general", "major"):
        raise DomainError(_("Choose general or major."), "level")
    if not description.strip():
        raise DomainError(_("Describe the hazard."), "description")
    found_at = found_at or utcnow()
    hazard = Hazard(
        number=next_hazard_number(local_today(found_at).year),
        location=location,
        item_result=item_result,
        description=description.strip(),
        category=category,
        level=level,
        status="reported",
        department=department or location.department,
        reported_by_id=actor.id,
        found_at=found_at,
    )
    db.session.add(hazard)
    _append_event(hazard, "report", actor, from_status=None, at=found_at)
    db.session.flush()
    return hazard


def allowed_moves(hazard: Hazard, actor) -> list[str]:
    """The moves `actor` could make on `hazard` now (guards aside)."""
    return [name for name, move in MOVES.items()
            if hazard.status in move.sources and _may(actor, hazard, move)]


def _may(actor, hazard, move) -> bool:
    return can(actor, move.permission) and sees_department(actor, hazard.department_id)


def _rectifier_ids(hazard: Hazard) -> set[int]:
    """Who started or submitted the rectification since it was last assigned or reopened."""
    ids = set()
    for event in reversed(hazard.events):
        if event.action in ("assign", "reopen"):
            break
        if event.action in ("start", "submit"):
            ids.add(event.actor_id)
    return ids


def _check_assignment(hazard: Hazard, responsible, deadline_on) -> None:
    if responsible is not None and not (
        responsible.active
        and can(responsible, "hazards.rectify")
        and (sees_all_departments(responsible) or responsible.department_id == hazard.department_id)
    ):
        raise DomainError(_("The responsible person must be an active safety lead of the "
                            "hazard's department, or a manager."), "responsible_id")
    if deadline_on is not None and deadline_on < local_today():
        raise DomainError(_("The deadline cannot be in the past."), "deadline_on")


def apply(hazard: Hazard, action: str, *, actor, note: str = "", at: datetime | None = None,
          responsible=None, deadline_on=None) -> HazardEvent:
    """Make `action` on `hazard` as `actor`, or raise DomainError saying why not."""
    move = MOVES.get(action)
    if move is None:
        raise DomainError(_("Unknown action."))
    if hazard.status not in move.sources:
        raise DomainError(_("A hazard that is %(status)s cannot be given “%(action)s”.",
                            status=HAZARD_STATUSES[hazard.status], action=move.label))
    if not _may(actor, hazard, move):
        raise DomainError(_("Your role or department may not “%(action)s” this hazard.",
                            action=move.label))
    note = (note or "").strip()
    if move.needs_note and not note:
        raise DomainError(_("Give a reason."), "note")
    if action == "start" and hazard.level == "major" and not is_complete_commitments(hazard):
        raise DomainError(_("A major hazard needs its five commitments (measures, responsible "
                            "person, funds, deadline, contingency plan) before rectifying."))
    if action == "verify" and actor.id in _rectifier_ids(hazard):
        raise DomainError(_("Someone other than the person who rectified it must verify."))
    if action == "assign":
        _check_assignment(hazard, responsible, deadline_on)
    at = at or utcnow()
    data = {}
    if action == "assign":
        if responsible is not None:
            hazard.responsible_id = responsible.id
        hazard.deadline_on = deadline_on or hazard.deadline_on or default_deadline(
            hazard.level, hazard.found_at)
        data = {"responsible_id": hazard.responsible_id,
                "deadline_on": hazard.deadline_on.isoformat()}
    from_status = hazard.status
    hazard.status = move.target
    hazard.closed_at = at if move.target == "closed" else None
    event = _append_event(hazard, action, actor, from_status=from_status, note=note, data=data,
                          at=at)
    db.session.flush()
    return event


def amend(hazard: Hazard, *, actor, level: str, description: str) -> HazardEvent | None:
    """The finder corrects level or description while the card is still only reported."""
    if hazard.status != "reported" or hazard.reported_by_id != actor.id:
        raise DomainError(_("Only the person who reported it can correct a card, and only "
                            "before it is assigned."))
    if level not in ("general", "major"):
        raise DomainError(_("Choose general or major."), "level")
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Describe the hazard."), "description")
    changes = {}
    if level != hazard.level:
        changes["level"] = [hazard.level, level]
    if description != hazard.description:
        changes["description"] = [hazard.description, description]
    if not changes:
        return None
    hazard.level, hazard.description = level, description
    event = _append_event(hazard, "amend", actor, from_status=hazard.status, data=changes)
    db.session.flush()
    return event
