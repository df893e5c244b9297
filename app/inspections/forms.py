"""Reading a filled checklist out of a posted form (its fields follow the version's items)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.inspections.services import Answer
from app.photos.pipeline import PhotoRejected, ProcessedPhoto, Watermark, process


def photo_refusal(reason: str) -> str:
    """A sentence for each reason the pipeline refuses a photo."""
    return {
        "empty": _("The photo file is empty. Take it again."),
        "too_large": _("The photo is too large. Take it again at a lower resolution."),
        "not_an_image": _("This file is not a photo. Choose a JPEG, PNG or WebP picture."),
        "unsupported_format": _("This picture format is not accepted. Use JPEG, PNG or WebP."),
        "truncated": _("The photo arrived incomplete. Take or choose it again."),
        "too_many_pixels": _("The picture has too many pixels to be a camera photo."),
    }.get(reason, _("The photo could not be read."))


def _kept_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kept-photo")


def keep_photo(photo: ProcessedPhoto) -> str:
    """A signed token for a processed photo already stored, so that a refused form keeps it."""
    return _kept_serializer().dumps({
        "sha": photo.sha256, "thumb": photo.thumb_sha256, "w": photo.width, "h": photo.height,
        "taken": photo.taken_at.isoformat() if photo.taken_at else None,
    })


def kept_photo(token: str) -> ProcessedPhoto | None:
    """The photo a keep_photo token names (its bytes are on disk already), or None if forged."""
    try:
        data = _kept_serializer().loads(token)
    except BadSignature:
        return None
    return ProcessedPhoto(image=b"", thumbnail=b"", width=data["w"], height=data["h"],
                          taken_at=datetime.fromisoformat(data["taken"]) if data["taken"] else None,
                          sha256=data["sha"], thumb_sha256=data["thumb"])


@dataclass
class ParsedChecklist:
    answers: dict[int, Answer]
    errors: dict[int, str]
    kept: dict[int, list[str]]  # signed tokens of the photos each item holds


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


def parse_checklist(version, form, files, watermark: Watermark, *, all_pass=False
                    ) -> ParsedChecklist:
    """Answers per item id; photos go through the pipeline here, before any database work."""
    from app.photos import storage

    answers, errors, kept = {}, {}, {}
    photo_dir = current_app.config["PHOTO_DIR"]
    for item in version.items:
        key = f"i{item.id}"
        answer = Answer(outcome=form.get(f"{key}-outcome") or None,
                        text=form.get(f"{key}-text", "")[:2000],
                        note=form.get(f"{key}-note", "")[:2000])
        raw = form.get(f"{key}-number", "").strip().replace(",", ".")
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
        for token in form.getlist(f"{key}-kept"):
            photo = kept_photo(token)
            if photo is not None:
                answer.photos.append(photo)
        for upload in files.getlist(f"{key}-photos"):
            if not upload or not upload.filename:
                continue
            try:
                photo = process(upload.read(), watermark)
            except PhotoRejected as refused:
                errors[item.id] = photo_refusal(refused.reason)
                continue
            # Stored now, so that a refused form can keep the photo by its token.
            storage.store(photo_dir, photo.image, photo.sha256)
            storage.store(photo_dir, photo.thumbnail, photo.thumb_sha256)
            answer.photos.append(photo)
        kept[item.id] = [keep_photo(p) for p in answer.photos]
        answers[item.id] = answer
    return ParsedChecklist(answers, errors, kept)

