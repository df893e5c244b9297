"""Reading a filled checklist out of a posted form (its fields follow the version's items)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import HiddenField, StringField, TextAreaField

from app.common.forms import TEXT_FILTERS, TEXT_MAX, TOO_LONG, any_id, text_length
from app.inspections.services import Answer
from app.photos import storage
from app.photos.pipeline import PhotoRejected, ProcessedPhoto, Watermark, process
from app.photos.services import request_budget


def photo_refusal(reason: str) -> str:
    """A sentence for each reason the pipeline refuses a photo."""
    return {
        "empty": _("The photo file is empty. Take it again."),
        "too_large": _("The photo is too large. Take it again at a lower resolution."),
        "not_an_image": _("This file is not a photo. Choose a JPEG, PNG or WebP picture."),
        "unsupported_format": _("This picture format is not accepted. Use JPEG, PNG or WebP."),
        "truncated": _("The photo arrived incomplete. Take or choose it again."),
        "too_many_pixels": _("The picture has too many pixels to be a camera photo."),
        "heif": _("HEIC photos (the iPhone's own format) are not accepted. Use JPEG, PNG or "
                  "WebP: on the iPhone, Settings › Camera › Formats › Most Compatible."),
        "too_costly": _("This picture would take too much memory to read. Send a JPEG photo, "
                        "or the picture at a smaller size."),
        "animated": _("Moving pictures are not accepted. Send a still photo (JPEG, PNG or "
                      "WebP)."),
        "over_request_budget": _("Too many large photos were sent at once, so this one was not "
                                 "read. Add it again and send the form."),
    }.get(reason, _("The photo could not be read."))


# A kept photo serves only the form it was taken for, for a patrol's length of time.
KEPT_PHOTO_MAX_AGE = 12 * 3600


def _kept_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kept-photo")


def keep_photo(photo: ProcessedPhoto, form_key: str) -> str:
    """A signed token for a processed photo already stored, so that a refused form keeps it.

    `form_key` ties it to one user, location and form (see `form_key()`)."""
    return _kept_serializer().dumps({
        "form": form_key, "sha": photo.sha256, "thumb": photo.thumb_sha256, "w": photo.width,
        "h": photo.height, "size": photo.size_bytes,
        "taken": photo.taken_at.isoformat() if photo.taken_at else None,
    })


def kept_photo(token: str, form_key: str) -> ProcessedPhoto | None:
    """The photo a keep_photo token names (its bytes are on disk already); None if forged,
    too old, or made for another user, location or form."""
    try:
        data = _kept_serializer().loads(token, max_age=KEPT_PHOTO_MAX_AGE)
    except BadSignature:  # includes SignatureExpired
        return None
    if data.get("form") != form_key:
        return None
    return ProcessedPhoto(image=b"", thumbnail=b"", width=data["w"], height=data["h"],
                          taken_at=datetime.fromisoformat(data["taken"]) if data["taken"] else None,
                          sha256=data["sha"], thumb_sha256=data["thumb"],
                          stored_size=data["size"])


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
        photo_dir = current_app.config["PHOTO_DIR"]
        kept = {}
        for item_id, answer in self.answers.items():
            for photo in answer.photos:
                if photo.image:
                    storage.store(photo_dir, photo.image, photo.sha256)
                    storage.store(photo_dir, photo.thumbnail, photo.thumb_sha256)
            kept[item_id] = [keep_photo(p, self.key) for p in answer.photos]
        return kept


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


def parse_checklist(version, form, files, watermark: Watermark, *, key: str, all_pass=False
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
        if all_pass and item.kind == "pass_fail" and answer.outcome is None:
            answer.outcome = "pass"
        for token in form.getlist(f"{field}-kept"):
            photo = kept_photo(token, key)
            if photo is not None:
                answer.photos.append(photo)
        for upload in files.getlist(f"{field}-photos"):
            if not upload or not upload.filename:
                continue
            try:
                photo = process(upload.read(), watermark, budget=request_budget())
            except PhotoRejected as refused:
                errors[item.id] = photo_refusal(refused.reason)
                continue
            answer.photos.append(photo)
        answers[item.id] = answer
    return ParsedChecklist(answers, errors, key)

