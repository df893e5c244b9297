"""Templates, versions and items."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.common.i18n import localized
from app.common.sql import one_of
from app.common.time import utcnow
from app.common.vocab import HAZARD_LEVELS, ITEM_KINDS
from app.extensions import db
from app.locations.models import LocationType


class ChecklistTemplate(db.Model):
    """检查表: the checklist of one location type; its content lives in versions."""

    __tablename__ = "checklist_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_type_id: Mapped[int] = mapped_column(ForeignKey("location_types.id"), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160))
    # Inspection kinds whose checklist offers "all remaining pass" (comma-separated codes):
    # on for patrols by default, off for leadership inspections.
    quick_pass_kinds: Mapped[str] = mapped_column(String(80), default="patrol",
                                                  server_default="patrol")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location_type: Mapped[LocationType] = relationship()
    versions: Mapped[list["ChecklistVersion"]] = relationship(
        back_populates="template", order_by="ChecklistVersion.number"
    )

    @property
    def name(self) -> str:
        return localized(self, "name")

    def allows_quick_pass(self, kind: str) -> bool:
        return kind in self.quick_pass_kinds.split(",")

    @property
    def current_version(self) -> "ChecklistVersion | None":
        return self.versions[-1] if self.versions else None


class ChecklistVersion(db.Model):
    """One version of a template. Frozen once an inspection used it."""

    __tablename__ = "checklist_versions"
    __table_args__ = (
        UniqueConstraint("template_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"))
    number: Mapped[int]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a checklist on this version is first served to an inspector: a phone may keep
    # it offline and submit later, so from then on the version is frozen.
    first_served_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="version", order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )


class ChecklistItem(db.Model):
    """检查项: one line of a checklist version."""

    __tablename__ = "checklist_items"
    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        CheckConstraint(one_of("kind", ITEM_KINDS), name="kind"),
        CheckConstraint(one_of("default_level", HAZARD_LEVELS), name="default_level"),
        CheckConstraint(
            "kind = 'number' OR (min_value IS NULL AND max_value IS NULL)", name="range_on_numbers"
        ),
        CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value <= max_value", name="range_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_versions.id"))
    position: Mapped[int]
    # The same item in every version of its template (ids and positions change when a version
    # forks or items move): a new item gets a new key, a fork copies it. Recurring hazards
    # (重复隐患) are the same item failing again at the same place.
    item_key: Mapped[str] = mapped_column(String(32), index=True,
                                          default=lambda: uuid.uuid4().hex)
    kind: Mapped[str] = mapped_column(String(20), default="pass_fail")
    prompt_zh: Mapped[str] = mapped_column(String(200))
    prompt_en: Mapped[str] = mapped_column(String(300))
    guidance_zh: Mapped[str] = mapped_column(Text, default="")
    guidance_en: Mapped[str] = mapped_column(Text, default="")
    is_required: Mapped[bool] = mapped_column(default=True)
    photo_required_on_fail: Mapped[bool] = mapped_column(default=False)
    # A photo is evidence every time the item is answered (not skipped as not applicable),
    # whatever the inspection kind, e.g. the gauge behind a reading.
    photo_required: Mapped[bool] = mapped_column(default=False)
    default_level: Mapped[str] = mapped_column(String(10), default="general")
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20), default="")

    version: Mapped[ChecklistVersion] = relationship(back_populates="items")

    @property
    def prompt(self) -> str:
        return localized(self, "prompt")

    @property
    def guidance(self) -> str:
        return localized(self, "guidance")
