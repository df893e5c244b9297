"""Turning a processed photo into a stored file and its database row."""

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from app.common.errors import DomainError
from app.common.time import local_to_utc
from app.inspections.models import Photo
from app.photos import storage
from app.photos.pipeline import ProcessedPhoto


def save_photo(processed: ProcessedPhoto, uploader, *, earliest: datetime | None = None) -> Photo:
    """Store the photo's bytes (idempotent, by content) and return its unsaved row.

    A photo kept from a refused form has no bytes at hand and must be on disk already.
    `earliest` (UTC): a photo whose camera time is before it is flagged as possibly not taken
    on site."""
    photo_dir = current_app.config["PHOTO_DIR"]
    if processed.image:
        storage.store(photo_dir, processed.image, processed.sha256)
        storage.store(photo_dir, processed.thumbnail, processed.thumb_sha256)
    elif not storage.exists(photo_dir, processed.sha256):
        raise DomainError(_("A photo was lost before it was saved. Take it again."))
    # EXIF times are the camera's clock, taken to be set to the hospital's time.
    taken_at = local_to_utc(processed.taken_at) if processed.taken_at else None
    return Photo(sha256=processed.sha256, thumb_sha256=processed.thumb_sha256,
                 width=processed.width, height=processed.height,
                 size_bytes=processed.size_bytes, taken_at=taken_at,
                 is_possibly_off_site=bool(taken_at and earliest and taken_at < earliest),
                 uploaded_by=uploader)
