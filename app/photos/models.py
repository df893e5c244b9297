"""Photos: a processed, watermarked picture and the record it belongs to."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.time import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.inspections.models import ItemResult


class Photo(db.Model):
    """A processed, watermarked photo; the file is stored by its SHA-256."""

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("width > 0 AND height > 0", name="dimensions"),
        CheckConstraint("original_sha256 IS NULL OR length(original_sha256) = 64",
                        name="original_sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    thumb_sha256: Mapped[str] = mapped_column(String(64))
    # A photo marked on the phone (arrows, circles, text) is this row; the untouched photo it
    # was drawn on is stored beside it under this hash, served under the same permissions.
    original_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    # Capture time from EXIF; a photo taken well before the inspection began is flagged.
    taken_at: Mapped[datetime | None]
    is_possibly_off_site: Mapped[bool] = mapped_column(default=False)
    # The client's id for an upload, so that a retried upload is the same photo.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    item_result_id: Mapped[int | None] = mapped_column(ForeignKey("item_results.id"), index=True)
    hazard_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("hazard_events.id"), index=True
    )

    uploaded_by: Mapped[User] = relationship()
    item_result: Mapped["ItemResult | None"] = relationship(
        back_populates="photos", foreign_keys=[item_result_id]
    )
