"""Turning a processed photo into a stored file and its database row."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.common.errors import DomainError
from app.common.time import believable_device_time, local_to_utc, utcnow
from app.extensions import db
from app.photos.models import Photo
from app.photos.pipeline import ProcessedPhoto
from app.photos.store import photo_store


def save_photo(processed: ProcessedPhoto, uploader, *, earliest: datetime | None = None) -> Photo:
    """Store the photo's bytes (idempotent, by content) and return its unsaved row.

    A photo kept from a refused form has no bytes at hand and must be stored already.
    `earliest` (UTC): a photo whose camera time is before it is flagged as possibly not taken
    on site."""
    store = photo_store()
    if processed.image:
        store.save_processed(processed)
    elif not store.exists(processed.sha256):
        raise DomainError(_("A photo was lost before it was saved. Take it again."))
    original = processed.original
    if original is not None and not original.image and not store.exists(original.sha256):
        raise DomainError(_("A photo was lost before it was saved. Take it again."))
    # EXIF times are the camera's clock, taken to be set to the hospital's time.
    taken_at = local_to_utc(processed.taken_at) if processed.taken_at else None
    return Photo(sha256=processed.sha256, thumb_sha256=processed.thumb_sha256,
                 width=processed.width, height=processed.height,
                 size_bytes=processed.size_bytes, taken_at=taken_at,
                 is_possibly_off_site=bool(taken_at and earliest and taken_at < earliest),
                 original_sha256=original.sha256 if original is not None else None,
                 uploaded_by=uploader)


def repeated_upload(client_uuid: str, uploader) -> Photo | None:
    """The photo an upload's UUID already made, if any: a retry gets it back. Used by someone
    else, the UUID is refused (DomainError)."""
    previous = db.session.scalar(select(Photo).where(Photo.client_uuid == client_uuid))
    return None if previous is None else _same_upload(previous, uploader)


def stage_photo(processed: ProcessedPhoto, uploader, *, client_uuid: str,
                device_taken_at: datetime | None = None, now: datetime | None = None
                ) -> tuple[Photo, bool]:
    """Store an uploaded photo on its own, before the inspection or hazard move that will use it
    (the phone's outbox sends photos one by one). Returns (photo, created): the same
    `client_uuid` again is the same photo, stored once. The phone's capture time stands in
    for a missing EXIF time when it is believable."""
    previous = repeated_upload(client_uuid, uploader)
    if previous is not None:
        return previous, False
    photo = save_photo(processed, uploader)
    photo.client_uuid = client_uuid
    if photo.taken_at is None and device_taken_at is not None:
        photo.taken_at = believable_device_time(device_taken_at, now or utcnow(), default=None)
    try:
        with db.session.begin_nested():
            db.session.add(photo)
            db.session.flush()
    except IntegrityError:
        winner = repeated_upload(client_uuid, uploader)  # the same upload, at the same moment
        if winner is None:
            raise
        return winner, False
    return photo, True


def _same_upload(previous: Photo, uploader) -> Photo:
    if previous.uploaded_by_id != uploader.id:
        raise DomainError(_("This photo id was already used by someone else. Take the photo "
                            "again."))
    return previous


def claim_staged_photos(uploader, client_uuids, field: str) -> list[Photo]:
    """The uploaded photos named by `client_uuids`, to attach to a record; each must be the
    uploader's and not yet part of any record."""
    client_uuids = [str(u) for u in client_uuids]
    if not client_uuids:
        return []
    found = {p.client_uuid: p for p in db.session.scalars(
        select(Photo).where(Photo.client_uuid.in_(client_uuids)))}
    photos = []
    for client_uuid in client_uuids:
        photo = found.get(client_uuid)
        if photo is None or photo.uploaded_by_id != uploader.id:
            raise DomainError(_("A photo has not arrived at the server. Send it first, then "
                                "send the form again."), field)
        if photo.item_result_id is not None or photo.hazard_event_id is not None:
            raise DomainError(_("A photo already belongs to another record. Take it again."),
                              field)
        photos.append(photo)
    return photos


def discard_unnamed(written: dict[str, int]) -> int:
    """Remove the stored files among `written` ({key: st_mtime_ns when written}) that no
    committed photo row names and that nobody has stored again since (a request that failed
    wrote them); returns how many went. The session must hold nothing uncommitted."""
    if not written:
        return 0
    keys = list(written)
    named = set()
    for sha256, thumb_sha256, original_sha256 in db.session.execute(
            select(Photo.sha256, Photo.thumb_sha256, Photo.original_sha256).where(
                or_(Photo.sha256.in_(keys), Photo.thumb_sha256.in_(keys),
                    Photo.original_sha256.in_(keys)))):
        named.update((sha256, thumb_sha256, original_sha256))
    store = photo_store()
    return sum(1 for key in set(keys) - named
               if store.delete(key, if_written_at=written[key]))
