"""The hazard lifecycle: the one place that changes a hazard, each change a chained event.

Status moves (MOVES, through `apply`) and the changes that keep the status (amending the
report, filling the five commitments, asking for and deciding a deadline extension) all
append a `HazardEvent` carrying the hash of the one before it.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.common.errors import DomainError
from app.common.permissions import can, sees_all_departments, sees_department
from app.common.time import local_today, utcnow
from app.common.vocab import CANCEL_REASONS, HAZARD_STATUSES, OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards.deadlines import default_deadline, rectified_on_time
from app.hazards.models import DeadlineExtension, Hazard, HazardEvent
from app.hazards.numbers import next_hazard_number
from app.photos.models import Photo
from app.recurrence.models import HazardRecurrence
from app.recurrence.services import earlier_cards

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
    # 现场整改: a general hazard its finder fixed there and then, closed with an after-photo.
    "fix_on_site": Move(frozenset({"reported"}), "closed", "inspections.perform",
                        _l("Rectified on the spot")),
}
# Moves that bring photos of the place put right (their events' photos are "after" photos);
# those in NEEDS_PHOTO must bring at least one (the evidence a verifier looks at).
AFTER_PHOTO_MOVES = frozenset({"submit", "verify", "fix_on_site"})
NEEDS_PHOTO = frozenset({"submit", "fix_on_site"})
# While the work is still to be done, its plan (the five commitments) can be filled in.
PLANNING_STATUSES = frozenset({"reported", "assigned", "rectifying"})


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


def originals_of(photos) -> dict:
    """For an event's data: the untouched original of each marked photo, by the marked copy's
    hash, so that the chain covers both ({} when none was marked)."""
    originals = {p.sha256: p.original_sha256 for p in photos if p.original_sha256}
    return {"originals": originals} if originals else {}


def _append_event(hazard, action, actor, *, from_status, note="", data=None, at=None, photos=()):
    last = hazard.events[-1] if hazard.events else None
    data = dict(data or {})
    if photos:  # the chain then also proves which photos came with the event
        data["photos"] = [photo.sha256 for photo in photos]
        data.update(originals_of(photos))
    event = HazardEvent(
        seq=(last.seq + 1) if last else 1,
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        actor_id=actor.id if actor is not None else None,  # None: SafeRound itself
        at=at or utcnow(),
        note=note,
        data=data,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_hash(hazard.number, event)
    event.photos.extend(photos)
    hazard.events.append(event)
    return event


def report(actor, *, location, description, level, department=None, item_result=None,
           category="", found_at: datetime | None = None, photos=()) -> Hazard:
    """Open a new hazard card in `reported` state with its first event (and any photos of a
    hazard reported directly, without a checklist)."""
    if not can(actor, "inspections.perform"):
        raise DomainError(_("Your role may not report hazards."))
    if level not in ("general", "major"):
        raise DomainError(_("Choose general or major."), "level")
    if not description.strip():
        raise DomainError(_("Describe the hazard."), "description")
    found_at = found_at or utcnow()
    # 重复隐患: looked for before the new card joins the session, so it cannot find itself.
    earlier = earlier_cards(location, item_result, found_at) if item_result is not None else []
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
        recurring=bool(earlier),
    )
    db.session.add(hazard)
    data = {"level": level}
    if earlier:  # the chain names the cards it recurs; the link table makes them queryable
        data["recurs"] = [card.number for card in earlier]
        db.session.add_all(HazardRecurrence(hazard=hazard, earlier=card) for card in earlier)
    if item_result is not None and item_result.photos:
        # The checklist item's photos stay on its result; the chain names them (and the
        # originals of those marked) all the same.
        data["item_photos"] = [photo.sha256 for photo in item_result.photos]
        data.update(originals_of(item_result.photos))
    _append_event(hazard, "report", actor, from_status=None, at=found_at,
                  data=data, photos=photos)
    db.session.flush()
    return hazard


def is_complete_commitments(hazard: Hazard) -> bool:
    """五落实: measures, responsible person, funds, deadline and contingency plan all filled."""
    return all((
        (hazard.measures or "").strip(),
        hazard.responsible_id or hazard.responsible,
        hazard.funds_yuan is not None,
        hazard.deadline_on,
        (hazard.contingency_plan or "").strip(),
    ))


def lacks_commitments_to_start(hazard: Hazard) -> bool:
    """A major hazard starts rectifying only once its five commitments are filled."""
    return hazard.level == "major" and not is_complete_commitments(hazard)


def takes_after_photos(action: str) -> bool:
    """Whether the move's form carries photos of the place put right."""
    return action in AFTER_PHOTO_MOVES


def needs_after_photos(action: str) -> bool:
    """Whether the move is refused without at least one after-photo."""
    return action in NEEDS_PHOTO


def may_amend(hazard: Hazard, actor) -> bool:
    """Whether `actor` may correct the card's level and description: its finder, while it is
    still only reported."""
    return hazard.status == "reported" and hazard.reported_by_id == actor.id


def allowed_moves(hazard: Hazard, actor) -> list[str]:
    """The moves `actor` could make on `hazard` now (guards aside)."""
    return [name for name, move in MOVES.items()
            if hazard.status in move.sources and _may(actor, hazard, name)]


def _may(actor, hazard, action) -> bool:
    if action == "fix_on_site":
        return (can(actor, "inspections.perform") and hazard.reported_by_id == actor.id
                and hazard.level == "general" and not _was_ever_major(hazard)
                and not hazard.recurring)
    return can(actor, MOVES[action].permission) and sees_department(actor, hazard.department_id)


def may_plan(hazard: Hazard, actor) -> bool:
    """Whether `actor` may fill in the hazard's five commitments now."""
    return (hazard.status in PLANNING_STATUSES and can(actor, "hazards.rectify")
            and sees_department(actor, hazard.department_id))


def may_request_extension(hazard: Hazard, actor) -> bool:
    return (hazard.status in ("assigned", "rectifying") and hazard.deadline_on is not None
            and can(actor, "hazards.rectify") and sees_department(actor, hazard.department_id))


def may_decide_extension(hazard: Hazard, actor) -> bool:
    return (hazard.status in OPEN_HAZARD_STATUSES and can(actor, "hazards.manage")
            and sees_department(actor, hazard.department_id))


def _was_ever_major(hazard: Hazard) -> bool:
    """Reported as major, or later lowered from major: a manager must see it closed."""
    # The report records {"level": "major"}; an amendment {"level": [old, new]}.
    return any(event.data.get("level") == "major" or "major" in (event.data.get("level") or ())
               for event in hazard.events)


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
    if responsible is None and hazard.level == "major":
        raise DomainError(_("A major hazard needs a named responsible person."), "responsible_id")
    if responsible is not None and not (
        responsible.active
        and can(responsible, "hazards.rectify")
        and (sees_all_departments(responsible) or responsible.department_id == hazard.department_id)
    ):
        raise DomainError(_("The responsible person must be an active safety lead of the "
                            "hazard's department, or a manager."), "responsible_id")
    if deadline_on is not None and deadline_on < local_today():
        raise DomainError(_("The deadline cannot be in the past."), "deadline_on")


def check_move(hazard: Hazard, action: str, actor) -> Move:
    """The move, if `actor` may make it on `hazard` in its present state; else DomainError.

    Asked before anything is uploaded or written, and again by `apply`."""
    move = MOVES.get(action)
    if move is None:
        raise DomainError(_("Unknown action."))
    if hazard.status not in move.sources:
        raise DomainError(_("A hazard that is %(status)s cannot be given “%(action)s”.",
                            status=HAZARD_STATUSES[hazard.status], action=move.label))
    if not _may(actor, hazard, action):
        if action == "fix_on_site" and hazard.recurring:
            raise DomainError(_("A recurring hazard cannot be closed as rectified on the spot: "
                                "it needs a four-don'ts review and a manager's verification."),
                              forbidden=True)
        if action == "fix_on_site":
            raise DomainError(_("Only the person who found a general hazard can close it as "
                                "rectified on the spot; a hazard once reported as major "
                                "goes through verification."), forbidden=True)
        raise DomainError(_("Your role or department may not “%(action)s” this hazard.",
                            action=move.label), forbidden=True)
    if action == "verify" and actor.id in _rectifier_ids(hazard):
        raise DomainError(_("Someone other than the person who rectified it must verify."),
                          forbidden=True)
    if action == "verify" and needs_review(hazard) and current_review(hazard) is None:
        raise ReviewRequired(_("A recurring or major hazard is closed only after its four-don'ts "
                            "review (cause, responsibility, measures, training) is filed."))
    return move


def apply(hazard: Hazard, action: str, *, actor, note: str = "", at: datetime | None = None,
          responsible=None, deadline_on=None, photos: list[Photo] = (),
          reason: str | None = None) -> HazardEvent:
    """Make `action` on `hazard` as `actor`, or raise DomainError saying why not.

    `photos` are unsaved Photo rows (after-photos for submit, verify and fix_on_site);
    `reason` is a CANCEL_REASONS key for cancel."""
    move = check_move(hazard, action, actor)
    note = (note or "").strip()
    if move.needs_note and not note:
        raise DomainError(_("Give a reason."), "note")
    if action == "cancel" and reason not in CANCEL_REASONS:
        raise DomainError(_("Choose why the card is cancelled."), "reason")
    if needs_after_photos(action) and not photos:
        raise DomainError(_("Add at least one photo of the rectified place."), "photos")
    if action == "start" and lacks_commitments_to_start(hazard):
        raise DomainError(_("A major hazard needs its five commitments (measures, responsible "
                            "person, funds, deadline, contingency plan) before rectifying."))
    if action == "assign":
        _check_assignment(hazard, responsible, deadline_on)
    at = at or utcnow()
    data = _apply_effects(hazard, action, actor, at, responsible, deadline_on, reason)
    if move.target not in OPEN_HAZARD_STATUSES:
        withdrawn = _refuse_pending_extension(hazard, actor, at)
        if withdrawn is not None:
            data["extension_refused"] = withdrawn.id
        if hazard.supervised_at is not None:  # supervision (督办) ends with the card
            data["supervised_since"] = hazard.supervised_at.isoformat(timespec="seconds")
            hazard.supervised_at = None
    from_status = hazard.status
    hazard.status = move.target
    closes = move.target == "closed"
    hazard.closed_at = at if closes else None
    hazard.closed_on_time = rectified_on_time(hazard.rectified_at, hazard.deadline_on) \
        if closes else None
    event = _append_event(hazard, action, actor, from_status=from_status, note=note, data=data,
                          at=at, photos=photos)
    db.session.flush()
    return event


def _apply_effects(hazard, action, actor, at, responsible, deadline_on, reason) -> dict:
    """Set the fields a move changes besides the status; return what the event records."""
    if action == "assign":
        if responsible is not None:
            hazard.responsible_id = responsible.id
        # The rectification notice sets the time allowed from the day it is given.
        hazard.deadline_on = deadline_on or hazard.deadline_on or default_deadline(
            hazard.level, at)
        return {"responsible_id": hazard.responsible_id,
                "deadline_on": hazard.deadline_on.isoformat()}
    if action == "submit":
        hazard.rectified_at = at
    elif action == "fix_on_site":
        hazard.rectified_at, hazard.rectified_on_site = at, True
    elif action == "verify":
        hazard.verified_by_id, hazard.verified_at = actor.id, at
    elif action == "reject":
        hazard.rectified_at = None
    elif action == "reopen":
        hazard.rectified_at = hazard.verified_by_id = hazard.verified_at = None
        hazard.rectified_on_site = False
        # The old deadline has passed or soon will: reopened work gets the default time again.
        hazard.deadline_on = default_deadline(hazard.level, at)
        return {"deadline_on": hazard.deadline_on.isoformat()}
    elif action == "cancel":
        hazard.cancel_reason = reason
        return {"reason": reason}
    return {}


def amend(hazard: Hazard, *, actor, level: str, description: str) -> HazardEvent | None:
    """The finder corrects level or description while the card is still only reported."""
    if not may_amend(hazard, actor):
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


def _check_planner(hazard: Hazard, actor) -> None:
    if not may_plan(hazard, actor):
        raise DomainError(_("Only a manager or the department's safety lead can change the "
                            "rectification plan, and only before it is submitted."),
                          forbidden=hazard.status in PLANNING_STATUSES)


def plan(hazard: Hazard, *, actor, measures: str, funds_yuan, contingency_plan: str,
         interim_controls: str, at: datetime | None = None) -> HazardEvent | None:
    """Fill in the rectification plan: measures, funds, contingency plan (with the responsible
    person and the deadline, the five commitments), and the interim controls."""
    _check_planner(hazard, actor)
    if funds_yuan is not None and funds_yuan < 0:
        raise DomainError(_("Funds cannot be negative."), "funds_yuan")
    new = {"measures": (measures or "").strip() or None,
           "funds_yuan": funds_yuan,
           "contingency_plan": (contingency_plan or "").strip() or None,
           "interim_controls": (interim_controls or "").strip() or None}
    if hazard.level == "major" and hazard.status == "rectifying" and not all(
            new[field] is not None for field in ("measures", "funds_yuan", "contingency_plan")):
        raise DomainError(_("Rectifying has started: the five commitments must stay filled "
                            "(measures, funds, contingency plan)."))
    changes = {}
    for field, value in new.items():
        old = getattr(hazard, field)
        if field == "funds_yuan":
            old = None if old is None else float(old)
            value = None if value is None else float(value)
        if old != value:
            changes[field] = [old, value]
            setattr(hazard, field, value)
    if not changes:
        return None
    event = _append_event(hazard, "plan", actor, from_status=hazard.status, data=changes, at=at)
    db.session.flush()
    return event


def _refuse_pending_extension(hazard: Hazard, actor, at) -> DeadlineExtension | None:
    """A card that closes or is cancelled takes its undecided extension request with it."""
    extension = pending_extension(hazard) if hazard.id is not None else None
    if extension is not None:
        extension.status = "refused"
        extension.decided_by_id, extension.decided_at = actor.id, at
        extension.decision_note = _("The card was closed or cancelled before a decision.")
    return extension


def pending_extension(hazard: Hazard) -> DeadlineExtension | None:
    return db.session.scalar(db.select(DeadlineExtension).where(
        DeadlineExtension.hazard_id == hazard.id, DeadlineExtension.status == "pending"))


def request_extension(hazard: Hazard, *, actor, deadline_on, reason: str,
                      at: datetime | None = None) -> DeadlineExtension:
    """延期申请: ask a manager to move the deadline to a later day, with a reason."""
    if not may_request_extension(hazard, actor):
        raise DomainError(_("Only a manager or the department's safety lead can ask for more "
                            "time, while the hazard is assigned or being rectified."),
                          forbidden=hazard.status in ("assigned", "rectifying"))
    reason = (reason or "").strip()
    if deadline_on is None or deadline_on <= hazard.deadline_on:
        raise DomainError(_("Ask for a day after the current deadline (%(day)s).",
                            day=hazard.deadline_on.isoformat()), "deadline_on")
    if deadline_on < local_today(at):
        raise DomainError(_("The deadline cannot be in the past."), "deadline_on")
    if not reason:
        raise DomainError(_("Say why more time is needed."), "reason")
    if pending_extension(hazard) is not None:
        raise DomainError(_("An extension request is already waiting for a decision."))
    at = at or utcnow()
    extension = DeadlineExtension(hazard=hazard, old_deadline_on=hazard.deadline_on,
                                  requested_deadline_on=deadline_on, reason=reason,
                                  requested_by_id=actor.id, requested_at=at)
    db.session.add(extension)
    _append_event(hazard, "extension_requested", actor, from_status=hazard.status, note=reason,
                  at=at, data={"from": hazard.deadline_on.isoformat(),
                               "to": deadline_on.isoformat()})
    db.session.flush()
    return extension


def decide_extension(extension: DeadlineExtension, *, actor, approve: bool, note: str = "",
                     at: datetime | None = None) -> HazardEvent:
    """A manager approves (the deadline moves) or refuses (it stays) an extension request."""
    hazard = extension.hazard
    if hazard.status in OPEN_HAZARD_STATUSES and not may_decide_extension(hazard, actor):
        raise DomainError(_("Only a safety manager can decide an extension request."),
                          forbidden=True)
    if extension.status != "pending":
        raise DomainError(_("This request has already been decided."))
    if extension.requested_by_id == actor.id:
        raise DomainError(_("Someone other than the person who asked must decide."))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("Give a reason."), "note")
    if hazard.status not in OPEN_HAZARD_STATUSES:
        raise DomainError(_("The hazard is no longer open."))
    at = at or utcnow()
    if approve and extension.requested_deadline_on < local_today(at):
        raise DomainError(_("The requested day (%(day)s) has already passed; refuse the request "
                            "and ask for a new one.",
                            day=extension.requested_deadline_on.isoformat()))
    extension.status = "approved" if approve else "refused"
    extension.decided_by_id, extension.decided_at, extension.decision_note = actor.id, at, note
    data = {"from": hazard.deadline_on.isoformat() if hazard.deadline_on else None,
            "to": extension.requested_deadline_on.isoformat()}
    if approve:
        hazard.deadline_on = extension.requested_deadline_on
    event = _append_event(hazard, "extension_approved" if approve else "extension_refused",
                          actor, from_status=hazard.status, note=note, at=at, data=data)
    db.session.flush()
    return event


REVIEW_FIELDS = ("cause", "responsibility", "measures", "training")


class ReviewRequired(DomainError):
    """Verification refused: the card needs its four-don'ts review first."""


def needs_review(hazard: Hazard) -> bool:
    """四不放过: a recurring or major hazard is verified only after its review is filed."""
    return hazard.recurring or hazard.level == "major"


def current_review(hazard: Hazard) -> HazardEvent | None:
    """The latest four-don'ts review event (a revision is a new event), or None."""
    return next((e for e in reversed(hazard.events) if e.action == "review"), None)


def may_review(hazard: Hazard, actor) -> bool:
    """A manager or the department's safety lead files the review while the card is open."""
    return (hazard.status in OPEN_HAZARD_STATUSES and can(actor, "hazards.rectify")
            and sees_department(actor, hazard.department_id))


def review(hazard: Hazard, *, actor, cause: str, responsibility: str, measures: str,
           training: str, at: datetime | None = None) -> HazardEvent | None:
    """四不放过: file or revise the review — cause found, who is responsible and what was done
    about them, measures taken, training given; all four. None when nothing changed."""
    if not may_review(hazard, actor):
        raise DomainError(_("Only a manager or the department's safety lead can file the "
                            "four-don'ts review, and only while the card is open."),
                          forbidden=hazard.status in OPEN_HAZARD_STATUSES)
    texts = dict(zip(REVIEW_FIELDS, (cause, responsibility, measures, training), strict=True))
    texts = {field: (value or "").strip() for field, value in texts.items()}
    for field, value in texts.items():
        if not value:
            raise DomainError(_("Fill in all four parts of the review."), field)
    last = current_review(hazard)
    if last is not None and all(last.data.get(f) == v for f, v in texts.items()):
        return None
    event = _append_event(hazard, "review", actor, from_status=hazard.status, data=texts, at=at)
    db.session.flush()
    return event


def may_reassign(hazard: Hazard, actor) -> bool:
    """Whether `actor` may change the card's responsible department and person now."""
    return (hazard.status in OPEN_HAZARD_STATUSES and can(actor, "hazards.manage")
            and sees_department(actor, hazard.department_id))


def reassign(hazard: Hazard, *, actor, department, responsible, reason: str,
             at: datetime | None = None) -> HazardEvent:
    """A manager hands an open card to another department or person (改派), with a reason."""
    if hazard.status not in OPEN_HAZARD_STATUSES:
        raise DomainError(_("Only an open card can be reassigned."))
    if not may_reassign(hazard, actor) or not sees_department(actor, department.id):
        raise DomainError(_("Only a safety manager can reassign a card."), forbidden=True)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), "reason")
    if not department.is_active:
        raise DomainError(_("Choose an active department."), "department_id")
    if responsible is None and hazard.level == "major":
        raise DomainError(_("A major hazard needs a named responsible person."), "responsible_id")
    if responsible is not None and not (
        responsible.active and can(responsible, "hazards.rectify")
        and (sees_all_departments(responsible) or responsible.department_id == department.id)
    ):
        raise DomainError(_("The responsible person must be an active safety lead of the "
                            "new department, or a manager."), "responsible_id")
    new_responsible_id = responsible.id if responsible is not None else None
    if department.id == hazard.department_id and new_responsible_id == hazard.responsible_id:
        raise DomainError(_("Choose another department or person: this is who has it now."),
                          "responsible_id")
    data = {"department_id": [hazard.department_id, department.id],
            "responsible_id": [hazard.responsible_id, new_responsible_id]}
    hazard.department_id, hazard.responsible_id = department.id, new_responsible_id
    hazard.department, hazard.responsible = department, responsible
    event = _append_event(hazard, "reassign", actor, from_status=hazard.status, note=reason,
                          data=data, at=at)
    db.session.flush()
    return event


def supervise(hazard: Hazard, *, at: datetime, days_overdue: int) -> HazardEvent | None:
    """Mark an overdue card supervised (督办) when the escalation ladder reaches hospital
    leadership: an event SafeRound makes by itself (no person as actor). Once per open card."""
    if hazard.supervised_at is not None or hazard.status not in OPEN_HAZARD_STATUSES:
        return None
    hazard.supervised_at = at
    event = _append_event(hazard, "supervise", None, from_status=hazard.status, at=at,
                          data={"deadline_on": hazard.deadline_on.isoformat(),
                                "days_overdue": days_overdue})
    db.session.flush()
    return event
