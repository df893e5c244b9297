"""Submitting an inspection: answers, photos and the hazards its failures raise, all at once."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from app.checklists.services import mark_served
from app.common.errors import DomainError
from app.common.permissions import can, sees_department
from app.common.time import utcnow
from app.common.vocab import INSPECTION_KINDS
from app.extensions import db
from app.hazards import workflow
from app.inspections.models import Inspection, ItemResult
from app.photos.models import Photo
from app.photos.pipeline import ProcessedPhoto
from app.photos.services import save_photo

# The kind a role usually does, preselected when it starts an inspection.
DEFAULT_KIND = {"inspector": "patrol", "dept_lead": "self_check", "manager": "leadership",
                "admin": "leadership"}


def default_kind(user) -> str:
    return DEFAULT_KIND.get(user.role, "patrol")


def may_inspect(user, location) -> bool:
    """Inspectors, managers and admins inspect everywhere; a lead, its own department's places."""
    return can(user, "inspections.perform") and sees_department(user, location.department_id)


def scan_opens_checklist(user, location) -> bool:
    """Whether a label scanned with the phone's camera opens the checklist rather than the
    place's page: for those who walk rounds (guards everywhere, a lead at its own places)."""
    return can(user, "inspections.round") and may_inspect(user, location)


@dataclass
class Answer:
    """What the inspector gave for one item (photos already through the pipeline)."""

    outcome: str | None = None  # pass / fail / na, for pass-fail and photo items
    number: float | None = None
    text: str = ""
    note: str = ""
    # Photos through the pipeline with the form, or rows already stored by the API's upload.
    photos: list[ProcessedPhoto | Photo] = field(default_factory=list)


class AnswerErrors(DomainError):
    """Some items were not answered as the checklist requires; `by_item` says which and why."""

    def __init__(self, by_item: dict[int, str]):
        super().__init__(_("Some items need your attention; see the messages beside them."))
        self.by_item = by_item


def version_for(location, version_id: int | None = None) -> ChecklistVersion:
    """The version a checklist is filled on: the one asked for, if it is this location type's,
    else the current one."""
    template = db.session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.location_type_id == location.location_type_id))
    if template is None or template.current_version is None:
        raise DomainError(_("No checklist is set up for this type of place yet. Tell the "
                            "administrator."))
    if version_id is None:
        return template.current_version
    for version in template.versions:
        if version.id == version_id:
            return version
    raise DomainError(_("This checklist does not belong to this place. Reload the page."))


def serve_checklist(location, now: datetime) -> ChecklistVersion:
    """The version an inspector is given for `location` now, frozen from this moment: the
    phone may fill it in offline, so editing it later must fork a new version. Flushes, the
    caller commits."""
    version = version_for(location)
    mark_served(version, now)
    return version


def outcome_of(item: ChecklistItem, answer: Answer) -> str | None:
    """The stored outcome: a number out of its range is a failure, the reading kept."""
    if item.kind == "number":
        if answer.number is None:
            return None
        low, high = item.min_value, item.max_value
        too_low = low is not None and answer.number < low
        too_high = high is not None and answer.number > high
        return "fail" if too_low or too_high else "pass"
    if item.kind == "text":
        return None
    return answer.outcome


def check_answers(version: ChecklistVersion, answers: dict[int, Answer]) -> None:
    """Raise AnswerErrors unless every required item is answered and every failure that needs
    a photo has one."""
    problems = {}
    for item in version.items:
        problem = _answer_problem(item, answers.get(item.id, Answer()))
        if problem is not None:
            problems[item.id] = problem
    if problems:
        raise AnswerErrors(problems)


def _answer_problem(item: ChecklistItem, answer: Answer) -> str | None:
    """What is wrong with one item's answer, in the order a person fixes it: an unknown
    choice, then a missing answer, then a missing photo."""
    if item.kind in ("pass_fail", "photo") and answer.outcome not in (None, "pass", "fail",
                                                                       "na"):
        return _("Choose pass, fail or not applicable.")
    outcome = outcome_of(item, answer)
    if item.is_required:
        missing = _missing_answer(item, answer, outcome)
        if missing is not None:
            return missing
    return _missing_photo(item, answer, outcome)


def is_given(item: ChecklistItem, answer: Answer) -> bool:
    """Whether the item has an answer of its kind (a choice, a reading or a text)."""
    if item.kind == "number":
        return answer.number is not None
    if item.kind == "text":
        return bool(answer.text.strip())
    return answer.outcome is not None


def _missing_answer(item: ChecklistItem, answer: Answer, outcome: str | None) -> str | None:
    """A required item left unanswered, by kind."""
    if item.kind == "number" and answer.number is None:
        return _("Enter the reading.")
    if item.kind == "text" and not answer.text.strip():
        return _("This item needs an answer.")
    if item.kind in ("pass_fail", "photo") and outcome is None:
        return _("Choose pass, fail or not applicable.")
    return None


def _missing_photo(item: ChecklistItem, answer: Answer, outcome: str | None) -> str | None:
    """A photo item that passed without its photo (when required), a failure whose item
    needs a photo of it, or an item that always needs one and was not skipped."""
    if answer.photos:
        return None
    if item.photo_required and is_given(item, answer) and answer.outcome != "na":
        return _("This item needs a photo.")
    if item.kind == "photo" and outcome == "pass" and item.is_required:
        return _("Take the photo this item asks for.")
    if outcome == "fail" and item.photo_required_on_fail:
        return _("A failed item here needs a photo.")
    return None


# The items "all remaining pass" answers: those with pass / fail / not applicable toggles.
FILLED_BY_ALL_PASS = ("pass_fail", "photo")


@dataclass
class AllClearSummary:
    """What "all remaining pass" did and what it left: shown with Submit, never stored."""

    passed: int  # unanswered items now marked pass
    needed: list[tuple[ChecklistItem, str]]  # what the server would refuse, and why
    empty: list[ChecklistItem]  # optional readings left empty


def fill_all_pass(version: ChecklistVersion, answers: dict[int, Answer]) -> AllClearSummary:
    """Mark the unanswered pass/fail items of `answers` pass and say what is still missing
    (required readings, required photos). Stores nothing: the person confirms with Submit."""
    passed, needed, empty = 0, [], []
    for item in version.items:
        answer = answers.setdefault(item.id, Answer())
        if item.kind in FILLED_BY_ALL_PASS and answer.outcome is None:
            answer.outcome = "pass"
            passed += 1
        problem = _answer_problem(item, answer)
        if problem is not None:
            needed.append((item, problem))
        elif item.kind == "number" and answer.number is None:
            empty.append(item)
    return AllClearSummary(passed, needed, empty)


def existing_inspection(uuid: str) -> Inspection | None:
    return db.session.scalar(select(Inspection).where(Inspection.uuid == uuid))


def submit_inspection(actor, *, location, version: ChecklistVersion, kind: str, uuid: str,
                      answers: dict[int, Answer], note: str = "",
                      started_at: datetime | None = None,
                      submitted_at: datetime | None = None,
                      now: datetime | None = None) -> tuple[Inspection, bool]:
    """Store the inspection, its results, photos and hazards; flushes, the caller commits.

    Returns (inspection, created). A UUID seen before returns that inspection and creates
    nothing, so a double tap or a retry is harmless.
    """
    previous = repeated_submission(uuid, actor, location)
    if previous is not None:
        return previous, False
    if not may_inspect(actor, location):
        raise DomainError(_("Your role may not inspect this place."), forbidden=True)
    if kind not in INSPECTION_KINDS:
        raise DomainError(_("Choose one of the inspection kinds."), "kind")
    if version.template.location_type_id != location.location_type_id:
        raise DomainError(_("This checklist does not belong to this place. Reload the page."))
    check_answers(version, answers)

    now = now or utcnow()
    inspection = Inspection(uuid=uuid, location=location, version=version, inspector=actor,
                            kind=kind, note=note.strip(), started_at=started_at,
                            submitted_at=submitted_at, received_at=now)
    earliest = (started_at or now) - timedelta(
        minutes=current_app.config["PHOTO_OFF_SITE_MINUTES"])
    for item in version.items:
        answer = answers.get(item.id, Answer())
        inspection.results.append(ItemResult(
            item=item, outcome=outcome_of(item, answer), number_value=answer.number,
            text_value=answer.text.strip() or None, note=answer.note.strip()))
    try:
        with db.session.begin_nested():
            db.session.add(inspection)
            for result in inspection.results:
                for photo in answers.get(result.item.id, Answer()).photos:
                    result.photos.append(_attach(photo, actor, earliest))
            db.session.flush()
    except IntegrityError:
        # Another request with the same UUID won the race: that one is the inspection.
        winner = existing_inspection(uuid)
        if winner is None:
            raise
        return _same_submission(winner, actor, location), False
    for result in inspection.results:
        if result.outcome == "fail":
            _raise_hazard(actor, location, result, now)
    db.session.flush()
    return inspection, True


def _attach(photo: ProcessedPhoto | Photo, actor, earliest: datetime) -> Photo:
    """The photo's row: stored now from the form, or uploaded earlier on its own."""
    if isinstance(photo, Photo):
        photo.is_possibly_off_site = bool(photo.taken_at and photo.taken_at < earliest)
        return photo
    return save_photo(photo, actor, earliest=earliest)


def repeated_submission(uuid: str, actor, location) -> Inspection | None:
    """The inspection a UUID already made, if any: a double tap or a retry gets it back and
    the first one stands. Sent by someone else or for another place, the UUID is refused
    (DomainError, a conflict). None for a UUID not seen before."""
    previous = existing_inspection(uuid)
    return None if previous is None else _same_submission(previous, actor, location)


def _same_submission(previous: Inspection, actor, location) -> Inspection:
    """A repeat of a UUID is the same inspection only from the same person at the same
    place."""
    if previous.inspector_id != actor.id or previous.location_id != location.id:
        raise DomainError(_("This form was already submitted by someone else or for another "
                            "place. Open the checklist again to start a new one."))
    return previous


def _raise_hazard(actor, location, result: ItemResult, now: datetime):
    item = result.item
    if result.note:
        description = result.note
    elif item.kind == "number":
        description = f"{item.prompt_zh}：{result.number_value:g} {item.unit}".strip()
    else:
        description = item.prompt_zh
    return workflow.report(actor, location=location, description=description,
                           level=item.default_level, item_result=result, found_at=now)
