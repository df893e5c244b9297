"""Reading hazard forms: the card's and the report's fields, dates, money and the photos that
come with a move."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from app.auth.models import User
from app.common.errors import DomainError
from app.common.forms import PLAN_TEXT_MAX, TEXT_FILTERS, text_length
from app.common.time import FIRST_YEAR, LAST_YEAR
from app.extensions import db
from app.photos.pipeline import PhotoRejected, ProcessedPhoto, Watermark
from app.photos.refusals import photo_refusal
from app.photos.tokens import keep_photos, kept_photos
from app.photos.uploads import posted_pairs, read_upload

MAX_PHOTOS = 6


def parse_date(value: str | None, field_name: str) -> date | None:
    """A yyyy-mm-dd date from a form; empty is None; anything else a DomainError."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("Enter the date as year-month-day, such as 2026-12-31."),
                          field_name) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(_("Choose a day between %(first)d and %(last)d.",
                            first=FIRST_YEAR, last=LAST_YEAR), field_name)
    return day


def responsible_from(value) -> User | None:
    """The chosen responsible person, by id (form text or a number); blank means the department
    as a whole."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    whole = text.isascii() and text.isdigit() and len(text) < 10  # "²" is a digit, not an int
    user = db.session.get(User, int(text)) if whole else None
    if user is None:
        raise DomainError(_("Choose a responsible person from the list."), "responsible_id")
    return user


def parse_funds(value: str | None) -> float | None:
    """Yuan, such as 1200 or 1,200.50; empty is None."""
    value = (value or "").strip().replace(",", "").replace("，", "").removeprefix("¥")
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise DomainError(_("Enter the funds in yuan as a number, such as 1200."),
                          "funds_yuan") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise DomainError(_("Enter the funds in yuan as a number, such as 1200."), "funds_yuan")
    return float(round(amount, 2))


@dataclass
class MovePhotos:
    """The photos posted with a move: new uploads through the pipeline, and those kept from a
    refused attempt (`kept` tokens)."""

    photos: list[ProcessedPhoto] = field(default_factory=list)
    error: str | None = None

    def keep(self, key: str) -> list[str]:
        """Store the photos and give tokens for them, so that a refused form keeps them."""
        return keep_photos(self.photos, key)


def parse_photos(form, files, watermark: Watermark, key: str, *, field: str = "photos",
                 kept: str = "kept") -> MovePhotos:
    """Uploads in `field` through the pipeline, plus those named by `kept` tokens."""
    result = MovePhotos(kept_photos(form.getlist(kept), key))
    for upload, original in posted_pairs(files, field):
        if len(result.photos) >= MAX_PHOTOS:
            result.error = _("At most %(n)d photos at a time.", n=MAX_PHOTOS)
            break
        try:
            result.photos.append(read_upload(upload, watermark, original))
        except PhotoRejected as refused:
            result.error = photo_refusal(refused.reason)
    return result


def move_form_key(user_id: int, hazard_id: int, action: str) -> str:
    return f"{user_id}/hazard/{hazard_id}/{action}"


# The card's forms. Their templates show one refusal beside its field (`refusal(form)`); dates,
# money and the responsible person are read by the functions above, which name their field.
class MoveForm(FlaskForm):
    """What a workflow move may carry; which of it a move needs is the workflow's rule."""

    note = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)
    reason = StringField(validators=[text_length()])
    responsible_id = StringField()
    deadline_on = StringField()
    next = HiddenField()


class PlanForm(FlaskForm):
    measures = TextAreaField(validators=[text_length(PLAN_TEXT_MAX)], filters=TEXT_FILTERS)
    funds_yuan = StringField()
    contingency_plan = TextAreaField(validators=[text_length(PLAN_TEXT_MAX)],
                                     filters=TEXT_FILTERS)
    interim_controls = TextAreaField(validators=[text_length(PLAN_TEXT_MAX)],
                                     filters=TEXT_FILTERS)


class ExtensionForm(FlaskForm):
    deadline_on = StringField()
    reason = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)


class DecisionForm(FlaskForm):
    decision = StringField()
    note = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)


class ReassignForm(FlaskForm):
    department_id = StringField()
    responsible_id = StringField()
    reason = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)


class AmendForm(FlaskForm):
    level = StringField()
    description = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)
    next = HiddenField()


class ReportForm(FlaskForm):
    """A hazard reported straight from a phone (its photos are read apart)."""

    level = StringField()
    description = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)
    category = StringField(validators=[text_length(60)],
                           filters=[lambda value: value.strip() if value else value])
    fixed_on_site = StringField()
    fix_note = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)
    form_id = HiddenField()
