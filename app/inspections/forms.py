"""Reading a filled checklist out of a posted form (its fields follow the version's items)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from app.common.forms import TEXT_FILTERS, TEXT_MAX, TOO_LONG, any_id, text_length
from app.inspections.services import Answer
from app.photos.pipeline import PhotoRejected, Watermark
from app.photos.refusals import photo_refusal
from app.photos.tokens import keep_photos, kept_photos
from app.photos.uploads import posted_pairs, read_upload


def form_key(user_id: int, location_id: int, uuid: str) -> str:
    return f"{user_id}/{location_id}/{uuid}"


@dataclass
class ParsedChecklist:
    answers: dict[int, Answer]
    errors: dict[int, str]
    key: str

    def keep_photos(self) -> dict[int, list[str]]:
        """For a refused form: store its new photos and give each item its photos' tokens, so
        that the form shown again keeps them. (An accepted form's photos are stored by the
        submit service.)"""
        return {item_id: keep_photos(answer.photos, self.key)
                for item_id, answer in self.answers.items()}


def parse_device_time(value: str | None) -> datetime | None:
    """An ISO time from the phone (with offset) as naive UTC; None if missing or garbled."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(UTC).replace(tzinfo=None)


class ChecklistForm(FlaskForm):
    """The checklist's fixed fields. Each item's fields are named after the item, so
    parse_checklist reads them, with their photos, from the same posted form."""

    uuid = HiddenField()
    version_id = HiddenField(filters=[any_id])
    action = StringField()
    started_at = HiddenField()
    submitted_at = HiddenField()
    note = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)


def parse_checklist(version, form, files, watermark: Watermark, *, key: str
                    ) -> ParsedChecklist:
    """Answers per item id; photos go through the pipeline here, before any database work.
    `key` (from form_key) binds the photos kept for a refused form to this user and form."""
    answers, errors = {}, {}
    for item in version.items:
        field = f"i{item.id}"
        answer = Answer(outcome=form.get(f"{field}-outcome") or None,
                        text=form.get(f"{field}-text", ""), note=form.get(f"{field}-note", ""))
        longest = max(len(answer.text), len(answer.note))
        if longest > TEXT_MAX:
            errors[item.id] = TOO_LONG % {"max": TEXT_MAX, "length": longest}
        raw = form.get(f"{field}-number", "").strip().replace(",", ".")
        if raw:
            try:
                answer.number = float(raw)
            except ValueError:
                errors[item.id] = _("Enter the reading as a number, such as 0.45.")
            else:
                if answer.number != answer.number or abs(answer.number) > 1e12:  # NaN, inf
                    answer.number = None
                    errors[item.id] = _("Enter the reading as a number, such as 0.45.")
        answer.photos.extend(kept_photos(form.getlist(f"{field}-kept"), key))
        for upload, original in posted_pairs(files, f"{field}-photos"):
            try:
                photo = read_upload(upload, watermark, original)
            except PhotoRejected as refused:
                errors[item.id] = photo_refusal(refused.reason)
                continue
            answer.photos.append(photo)
        answers[item.id] = answer
    return ParsedChecklist(answers, errors, key)

