"""What the API reads and writes: marshmallow schemas, one per shape, documented in OpenAPI."""

from datetime import UTC, date

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.common.forms import MAX_ID, api_text_length
from app.common.time import local_today
from app.common.vocab import (
    CANCEL_REASONS,
    HAZARD_LEVELS,
    HAZARD_STATUSES,
    INSPECTION_KINDS,
    ITEM_KINDS,
    OUTCOMES,
)
from app.hazards.escalation import escalation_of
from app.hazards.quarterly import FIGURES

ID_RANGE = validate.Range(min=1, max=MAX_ID)
# A reading a person types; beyond this it is a slip of the thumb, not a measurement.
NUMBER_LIMIT = 1e12


class DeviceTime(fields.DateTime):
    """An ISO 8601 time from a phone's clock, read as naive UTC (naive input is UTC)."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValidationError("Not a valid datetime.") from None


class UTCTime(fields.DateTime):
    """A stored naive UTC time, written with its zone: 2026-11-24T06:00:00Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat(timespec="seconds") + "Z"


class Named(Schema):
    id = fields.Integer()
    name = fields.String()


class Me(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    role = fields.String()
    department = fields.Nested(Named, allow_none=True)
    csrf_token = fields.String(metadata={"description": "Send as X-CSRFToken on session writes."})


class LocationType(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class PlaceRef(Schema):
    code = fields.String()
    name = fields.String()


class Location(PlaceRef):
    name_zh = fields.String()
    name_en = fields.String()
    building = fields.String()
    floor = fields.String()
    risk_level = fields.String()
    is_active = fields.Boolean()
    is_major_source = fields.Boolean()
    location_type = fields.Nested(LocationType)
    department = fields.Nested(Named)


class OwnLocation(Schema):
    code = fields.String()
    name = fields.String()
    qr_token = fields.String()
    checklist_url = fields.Function(lambda loc: url_for("inspections.checklist", code=loc.code))
    scan_url = fields.Function(lambda loc: url_for("locations.scan", token=loc.qr_token))


class OwnLocations(Schema):
    items = fields.List(fields.Nested(OwnLocation))


class LocationList(Schema):
    items = fields.List(fields.Nested(Location))


class LocationQuery(Schema):
    q = fields.String(validate=validate.Length(max=100))
    department = fields.Integer(validate=ID_RANGE)
    type = fields.Integer(validate=ID_RANGE)


class Item(Schema):
    id = fields.Integer()
    position = fields.Integer()
    kind = fields.String(metadata={"enum": list(ITEM_KINDS)})
    prompt = fields.String()
    prompt_zh = fields.String()
    prompt_en = fields.String()
    guidance = fields.String()
    is_required = fields.Boolean()
    photo_required_on_fail = fields.Boolean()
    photo_required = fields.Boolean()
    default_level = fields.String(metadata={"enum": list(HAZARD_LEVELS)})
    min_value = fields.Float(allow_none=True)
    max_value = fields.Float(allow_none=True)
    unit = fields.String()


class Version(Schema):
    id = fields.Integer()
    number = fields.Integer()
    note = fields.String()
    created_at = UTCTime()
    items = fields.List(fields.Nested(Item))


class TemplateBrief(Schema):
    id = fields.Integer()
    name = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    location_type = fields.Nested(LocationType)
    quick_pass_kinds = fields.Function(lambda t: [k for k in INSPECTION_KINDS
                                                  if t.allows_quick_pass(k)])


class Template(TemplateBrief):
    current_version = fields.Nested(Version, allow_none=True)


class TemplateList(Schema):
    items = fields.List(fields.Nested(TemplateBrief))


class Checklist(Schema):
    """The checklist a location is inspected with: its template and current version."""

    location = fields.Nested(Location)
    template = fields.Nested(TemplateBrief)
    version = fields.Nested(Version)


class AnswerIn(Schema):
    item_id = fields.Integer(required=True, validate=ID_RANGE)
    outcome = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(list(OUTCOMES)))
    number = fields.Float(load_default=None, allow_none=True,
                          validate=validate.Range(-NUMBER_LIMIT, NUMBER_LIMIT))
    text = fields.String(load_default="", validate=api_text_length())
    note = fields.String(load_default="", validate=api_text_length())
    photos = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=20),
                         metadata={"description": "The uuids of photos uploaded first to "
                                                  "POST /api/v1/photos."})


class InspectionIn(Schema):
    uuid = fields.UUID(required=True, metadata={
        "description": "Made by the client; sending the same uuid again returns the same "
                       "inspection and creates nothing."})
    location_token = fields.String(required=True, validate=validate.Length(min=1, max=64),
                                   metadata={"description": "The token of the place's QR label."})
    version_id = fields.Integer(load_default=None, allow_none=True,
                                validate=ID_RANGE)
    kind = fields.String(load_default=None, allow_none=True,
                         validate=validate.OneOf(list(INSPECTION_KINDS)))
    note = fields.String(load_default="", validate=api_text_length())
    started_at = DeviceTime(load_default=None, allow_none=True)
    submitted_at = DeviceTime(load_default=None, allow_none=True)
    answers = fields.List(fields.Nested(AnswerIn), load_default=list,
                          validate=validate.Length(max=500))

    @validates_schema
    def _each_item_once(self, data, **_kwargs):
        ids = [a["item_id"] for a in data.get("answers", [])]
        if len(ids) != len(set(ids)):
            raise ValidationError("Answer each item once.", "answers")
        photos = [p for a in data.get("answers", []) for p in a["photos"]]
        if len(photos) != len(set(photos)):
            raise ValidationError("Name each photo once.", "answers")


class PhotoOut(Schema):
    uuid = fields.String(attribute="client_uuid")
    sha256 = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    taken_at = UTCTime(allow_none=True)
    is_possibly_off_site = fields.Boolean()
    url = fields.Function(lambda p: url_for("photos.image", sha256=p.sha256))
    thumbnail_url = fields.Function(lambda p: url_for("photos.thumbnail", sha256=p.thumb_sha256))
    original_sha256 = fields.String(allow_none=True, metadata={
        "description": "A marked photo's untouched original; null for a photo not marked."})
    original_url = fields.Function(
        lambda p: url_for("photos.image", sha256=p.original_sha256) if p.original_sha256
        else None, allow_none=True)


class PhotoUpload(Schema):
    uuid = fields.UUID(required=True, metadata={
        "description": "Made by the client; sending it again returns the same photo."})
    location_token = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "The place's QR token (for the watermark); or give location_code."})
    location_code = fields.String(validate=validate.Length(min=1, max=20))
    taken_at = DeviceTime(load_default=None, allow_none=True, metadata={
        "description": "When the phone took it; used when the file carries no EXIF time."})
    file = Upload(required=True, metadata={"description": "JPEG, PNG or WebP, at most 25 MB."})
    original = Upload(load_default=None, metadata={"description": (
        "Only for a photo marked on the phone (arrows, circles, text drawn on it): the "
        "untouched photo it was drawn on, sent in the same request as `file` (the marked "
        "copy). Both are processed and stored; the marked copy is the photo people see first, "
        "the original is served under the same permissions at `original_url`, and both hashes "
        "go into the hazard card's history.")})


class HazardRef(Schema):
    number = fields.String()
    url = fields.Function(lambda h: url_for("hazards.show", number=h.number))


class ResultOut(Schema):
    item_id = fields.Integer()
    prompt = fields.Function(lambda r: r.item.prompt)
    outcome = fields.String(allow_none=True)
    number = fields.Float(attribute="number_value", allow_none=True)
    text = fields.String(attribute="text_value", allow_none=True)
    note = fields.String()
    photos = fields.List(fields.Nested(PhotoOut))


class InspectionSummary(Schema):
    id = fields.Integer()
    uuid = fields.String()
    url = fields.Function(lambda i: url_for("inspections.show", inspection_id=i.id))
    location = fields.Nested(PlaceRef)
    inspector = fields.Nested("Person")
    kind = fields.String()
    started_at = UTCTime(allow_none=True)
    submitted_at = UTCTime(allow_none=True)
    received_at = UTCTime()


class InspectionOut(InspectionSummary):
    version_id = fields.Integer()
    note = fields.String()
    results = fields.List(fields.Nested(ResultOut))
    hazards = fields.List(fields.Nested(HazardRef))


class Created(Schema):
    """What a created (or repeated) inspection answers."""

    id = fields.Integer()
    uuid = fields.String()
    url = fields.String()
    hazards = fields.List(fields.Nested(HazardRef))


class InspectionRow(InspectionSummary):
    failures = fields.Integer()


class Paged(Schema):
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class InspectionList(Paged):
    items = fields.List(fields.Nested(InspectionRow))


class InspectionQuery(Schema):
    location = fields.Integer(validate=ID_RANGE)
    department = fields.Integer(validate=ID_RANGE)
    kind = fields.String(validate=validate.OneOf(list(INSPECTION_KINDS)))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    result = fields.String(validate=validate.OneOf(["failed", "passed"]))
    page = fields.Integer(validate=validate.Range(min=1, max=100_000))


class Person(Schema):
    id = fields.Integer()
    full_name = fields.String()


class Event(Schema):
    seq = fields.Integer()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    actor = fields.Nested(Person, allow_none=True, metadata={
        "description": "null for an event SafeRound made by itself (action supervise)."})
    at = UTCTime()
    note = fields.String()
    data = fields.Dict(metadata={"description": (
        "What the event recorded, as hashed into the chain; a reassign event holds "
        "department_id and responsible_id as [old, new], its note the reason.")})
    photos = fields.List(fields.Nested(PhotoOut))


def _recurs_of(hazard) -> list[str]:
    from app.recurrence.queries import recurs_of

    return [earlier.number for earlier in recurs_of(hazard)] if hazard.recurring else []


class Review(Schema):
    """四不放过: the four-don'ts review as last filed."""

    cause = fields.Function(lambda e: e.data.get("cause"))
    responsibility = fields.Function(lambda e: e.data.get("responsibility"))
    measures = fields.Function(lambda e: e.data.get("measures"))
    training = fields.Function(lambda e: e.data.get("training"))
    by = fields.Nested(Person, attribute="actor")
    at = UTCTime()
class EscalationOut(Schema):
    """Where a card stands on the escalation ladder (督办)."""

    step = fields.Integer(metadata={"description": "0 (not overdue) to 3 (hospital leadership)."})
    reached_on = fields.Date(allow_none=True, metadata={
        "description": "The day the step was reached, counted from the present deadline."})
    supervised = fields.Function(lambda e: e.supervised_at is not None)
    supervised_at = UTCTime(allow_none=True, metadata={
        "description": "Since when the open card is supervised (督办); null when it is not."})


class Hazard(Schema):
    number = fields.String()
    url = fields.Function(lambda h: url_for("hazards.show", number=h.number))
    description = fields.String()
    level = fields.String(metadata={"enum": list(HAZARD_LEVELS)})
    status = fields.String(metadata={"enum": list(HAZARD_STATUSES)})
    location = fields.Nested(PlaceRef)
    department = fields.Nested(Named)
    responsible = fields.Nested(Person, allow_none=True)
    found_at = UTCTime()
    deadline_on = fields.Date(allow_none=True)
    closed_at = UTCTime(allow_none=True)
    is_overdue = fields.Function(lambda h: h.is_overdue(local_today()))
    recurring = fields.Boolean(metadata={"description": "重复隐患: the same checklist item "
                                                        "failed here before, within the "
                                                        "recurrence window."})
    recurs_of = fields.Function(_recurs_of, metadata={
        "description": "Numbers of the earlier cards this one recurs, oldest first."})
    escalation = fields.Function(lambda h: EscalationOut().dump(escalation_of(h)))


class HazardRow(Hazard):
    extension_pending = fields.Boolean()


def _needs_review(hazard) -> bool:
    from app.hazards.workflow import needs_review

    return needs_review(hazard)


def _review(hazard) -> dict | None:
    from app.hazards.workflow import current_review

    event = current_review(hazard)
    return None if event is None else Review().dump(event)


class HazardDetail(Hazard):
    measures = fields.String(allow_none=True)
    funds_yuan = fields.Decimal(as_string=True, allow_none=True)
    contingency_plan = fields.String(allow_none=True)
    interim_controls = fields.String(allow_none=True)
    rectified_at = UTCTime(allow_none=True)
    verified_at = UTCTime(allow_none=True)
    events = fields.List(fields.Nested(Event))
    allowed_moves = fields.List(fields.String())
    needs_review = fields.Function(_needs_review, metadata={
        "description": "Whether verification waits for a four-don'ts review (recurring or "
                       "major cards)."})
    review = fields.Function(_review, allow_none=True, metadata={
        "description": "The four-don'ts review last filed (cause, responsibility, measures, "
                       "training, by, at), or null."})


class HazardList(Paged):
    items = fields.List(fields.Nested(HazardRow))


class HazardQuery(Schema):
    status = fields.String(validate=validate.OneOf([*HAZARD_STATUSES, "open"]))
    level = fields.String(validate=validate.OneOf(list(HAZARD_LEVELS)))
    department = fields.Integer(validate=ID_RANGE)
    location = fields.Integer(validate=ID_RANGE)
    type = fields.Integer(validate=ID_RANGE)
    overdue = fields.String(validate=validate.OneOf(["1"]))
    month = fields.String(validate=validate.Regexp(
        r"^20\d{2}-(0[1-9]|1[0-2])$", error="Give a month from 2000-01 to 2099-12.")
    )
    q = fields.String(validate=validate.Length(max=100))
    page = fields.Integer(validate=validate.Range(min=1, max=100_000))
    # The cards behind one figure of the quarterly assessment.
    quarter = fields.String(validate=validate.Regexp(r"^20\d{2}-?Q[1-4]$"))
    figure = fields.String(validate=validate.OneOf(list(FIGURES)))


class MoveIn(Schema):
    note = fields.String(load_default="", validate=api_text_length())
    responsible_id = fields.Integer(load_default=None, allow_none=True,
                                    validate=ID_RANGE)
    deadline_on = fields.Date(load_default=None, allow_none=True,
                              validate=validate.Range(date(2000, 1, 1), date(2100, 12, 31)))
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(list(CANCEL_REASONS)))
    photos = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=20))


class ReassignIn(Schema):
    department_id = fields.Integer(required=True, validate=ID_RANGE)
    responsible_id = fields.Integer(load_default=None, allow_none=True, validate=ID_RANGE,
                                    metadata={"description": "null: the department as a whole."})
    reason = fields.String(required=True, validate=api_text_length())


class Wall(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Raw())
    overdue = fields.List(fields.Dict())
    missed_today = fields.List(fields.Dict())
    departments = fields.List(fields.Dict())
    today = fields.String()


class ReviewIn(Schema):
    """四不放过: all four parts, each at most 2,000 characters."""

    cause = fields.String(required=True, validate=api_text_length())
    responsibility = fields.String(required=True, validate=api_text_length())
    measures = fields.String(required=True, validate=api_text_length())
    training = fields.String(required=True, validate=api_text_length())
