"""Photos kept for a refused form: stored at once and named by a signed token in the form shown
again, so that the person need not take them again."""

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.photos.pipeline import ProcessedPhoto
from app.photos.store import photo_store

# A kept photo serves only the form it was taken for, for a patrol's length of time.
KEPT_PHOTO_MAX_AGE = 12 * 3600


def _kept_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kept-photo")


def keep_photo(photo: ProcessedPhoto, form_key: str) -> str:
    """A signed token for a processed photo already stored, so that a refused form keeps it.

    `form_key` ties it to one user, place and form (a form's own `form_key()`)."""
    return _kept_serializer().dumps({
        "form": form_key, "sha": photo.sha256, "thumb": photo.thumb_sha256, "w": photo.width,
        "h": photo.height, "size": photo.size_bytes,
        "taken": photo.taken_at.isoformat() if photo.taken_at else None,
        "orig": photo.original.sha256 if photo.original is not None else None,
    })


def kept_photo(token: str, form_key: str) -> ProcessedPhoto | None:
    """The photo a keep_photo token names (its bytes are stored already); None if forged,
    too old, or made for another user, place or form."""
    try:
        data = _kept_serializer().loads(token, max_age=KEPT_PHOTO_MAX_AGE)
    except BadSignature:  # includes SignatureExpired
        return None
    if data.get("form") != form_key:
        return None
    taken_at = datetime.fromisoformat(data["taken"]) if data["taken"] else None
    original = None
    if data.get("orig"):  # stored already too; only its hash is needed again
        original = ProcessedPhoto(image=b"", thumbnail=b"", width=data["w"], height=data["h"],
                                  taken_at=taken_at, sha256=data["orig"], thumb_sha256="")
    return ProcessedPhoto(image=b"", thumbnail=b"", width=data["w"], height=data["h"],
                          taken_at=taken_at, sha256=data["sha"], thumb_sha256=data["thumb"],
                          stored_size=data["size"], original=original)


def kept_photos(tokens: list[str], form_key: str) -> list[ProcessedPhoto]:
    """The photos named by the tokens a form sent back; forged or stale ones are left out."""
    return [photo for photo in (kept_photo(token, form_key) for token in tokens)
            if photo is not None]


def keep_photos(photos: list[ProcessedPhoto], form_key: str) -> list[str]:
    """For a refused form: store its new photos and give a token for each of its photos, so
    that the form shown again keeps them. (An accepted form's photos are stored with it.)"""
    store = photo_store()
    for photo in photos:
        store.save_processed(photo)
    return [keep_photo(photo, form_key) for photo in photos]
