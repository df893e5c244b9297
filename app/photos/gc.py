"""Photo clean-up (`flask photos gc`): staged photos never claimed, and files no row names.

Never taken: a file a photo row names (as its photo or its thumbnail), and a file younger than
the grace period, which covers an upload whose row is not committed yet and a photo kept for a
refused form (its token lasts KEPT_PHOTO_MAX_AGE)."""

from array import array
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from app.common.time import utcnow
from app.extensions import db
from app.photos.models import Photo
from app.photos.store import photo_store
from app.photos.tokens import KEPT_PHOTO_MAX_AGE

# The grace period is never shorter than this, whatever the setting says.
MIN_GRACE = timedelta(seconds=2 * KEPT_PHOTO_MAX_AGE)


@dataclass
class Collected:
    """What a clean-up removed, or would remove in a dry run."""

    staged_rows: int = 0  # staged photos never claimed, rows deleted
    files: int = 0  # files no row names (those of the staged photos included)
    bytes: int = 0
    young_files: int = 0  # kept: no row names them, but they are within the grace period


class _Names:
    """The keys rows name, by their first 64 bits in sorted arrays: 16 MB for a million photos
    (a set of the digests takes 200). Two keys sharing 64 bits would only keep a file."""

    def __init__(self):
        self.buckets = [array("Q") for _ in range(256)]

    def add(self, key: str) -> None:
        prefix = int(key[:16], 16)
        self.buckets[prefix >> 56].append(prefix)

    def freeze(self) -> None:
        self.buckets = [array("Q", sorted(bucket)) for bucket in self.buckets]

    def __contains__(self, key: str) -> bool:
        prefix = int(key[:16], 16)
        bucket = self.buckets[prefix >> 56]
        i = bisect_left(bucket, prefix)
        return i < len(bucket) and bucket[i] == prefix


def _unclaimed(cutoff: datetime):
    """Staged uploads (by the phone's outbox) that no inspection or hazard move took."""
    return (Photo.client_uuid.is_not(None), Photo.item_result_id.is_(None),
            Photo.hazard_event_id.is_(None), Photo.uploaded_at < cutoff)


def _named(key: str) -> bool:
    return db.session.scalar(select(Photo.id).where(
        or_(Photo.sha256 == key, Photo.thumb_sha256 == key,
            Photo.original_sha256 == key)).limit(1)) is not None


def collect_photo_garbage(*, days: int, apply: bool = False,
                          now: datetime | None = None) -> Collected:
    """Remove staged photos unclaimed for `days` days (rows, then their files once no row names
    them) and files no row names that are older than `days` days; a dry run unless `apply`.
    Commits when it deletes rows."""
    now = now or utcnow()
    cutoff = now - max(timedelta(days=days), MIN_GRACE)
    store = photo_store()
    found = Collected()
    stale = set(db.session.scalars(select(Photo.id).where(*_unclaimed(cutoff))))
    if apply and stale:
        # The conditions again, in the statement: a photo claimed meanwhile is not deleted.
        found.staged_rows = db.session.execute(
            delete(Photo).where(Photo.id.in_(stale), *_unclaimed(cutoff))).rowcount
        db.session.commit()
        stale = set()
    else:
        found.staged_rows = len(stale)
    named = _Names()
    for photo_id, sha256, thumb, original in db.session.execute(
            select(Photo.id, Photo.sha256, Photo.thumb_sha256, Photo.original_sha256)
            .execution_options(yield_per=5000)):
        if photo_id not in stale:
            named.add(sha256)
            named.add(thumb)
            if original:
                named.add(original)
    named.freeze()
    for key in store.keys():  # noqa: SIM118  (a PhotoStore, not a dict)
        if key in named:
            continue
        stored_at = store.stored_at(key)
        if stored_at is None:
            continue  # removed meanwhile
        if stored_at >= cutoff:
            found.young_files += 1
            continue
        size = store.size(key)
        if size is None:  # removed meanwhile
            continue
        # Looked at again just before deleting: a row made since the list was read (the same
        # photo uploaded again, which also renews the file's date) keeps the file.
        if apply and (_named(key) or (store.stored_at(key) or now) >= cutoff
                      or not store.delete(key)):
            continue
        found.files += 1
        found.bytes += size
    return found
