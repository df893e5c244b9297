"""Inspections and item results (their photos are app.photos.models.Photo)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.checklists.models import ChecklistItem, ChecklistVersion
from app.common.sql import one_of
from app.common.time import utcnow
from app.common.vocab import INSPECTION_KINDS, OUTCOMES
from app.extensions import db
from app.locations.models import Location
from app.photos.models import Photo


class Inspection(db.Model):
    """检查记录: one filled checklist; the client's UUID makes a resubmission the same record."""

    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint(one_of("kind", INSPECTION_KINDS), name="kind"),
        Index("ix_inspections_location_submitted", "location_id", "received_at"),
        Index("ix_inspections_received_at", "received_at"),
        # Coverage reads each kind from its own start (the quarter's rounds, today's patrols).
        Index("ix_inspections_kind_received_at", "kind", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # Device clock (what the phone said) and server clock (when it arrived).
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location] = relationship()
    version: Mapped[ChecklistVersion] = relationship()
    inspector: Mapped[User] = relationship()
    results: Mapped[list["ItemResult"]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan"
    )


class ItemResult(db.Model):
    """The answer to one checklist item in one inspection."""

    __tablename__ = "item_results"
    __table_args__ = (
        UniqueConstraint("inspection_id", "item_id"),
        CheckConstraint(f"outcome IS NULL OR {one_of('outcome', OUTCOMES)}", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    outcome: Mapped[str | None] = mapped_column(String(4))
    number_value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")

    inspection: Mapped[Inspection] = relationship(back_populates="results")
    item: Mapped[ChecklistItem] = relationship()
    photos: Mapped[list[Photo]] = relationship(
        back_populates="item_result", foreign_keys="Photo.item_result_id"
    )
