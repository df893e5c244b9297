"""Inspection schedules: how often each location is owed an inspection of one kind."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Department
from app.common.permissions import ROLES
from app.common.sql import one_of
from app.common.time import utcnow
from app.common.vocab import FREQUENCIES, INSPECTION_KINDS
from app.extensions import db
from app.locations.models import Location


class InspectionSchedule(db.Model):
    """巡查计划: how often a location is owed an inspection of one kind, and by whom."""

    __tablename__ = "inspection_schedules"
    __table_args__ = (
        UniqueConstraint("location_id", "kind"),
        CheckConstraint(one_of("kind", INSPECTION_KINDS), name="kind"),
        CheckConstraint(one_of("frequency", FREQUENCIES), name="frequency"),
        CheckConstraint(f"owner_role IS NULL OR {one_of('owner_role', ROLES)}", name="owner_role"),
        CheckConstraint(
            "owner_department_id IS NOT NULL OR owner_role IS NOT NULL", name="has_owner"
        ),
        # The few schedules made inside a coverage window are read one by one.
        Index("ix_inspection_schedules_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    kind: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(20))
    owner_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    owner_role: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Periods that ended before this are not owed.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location: Mapped[Location] = relationship(back_populates="schedules")
    owner_department: Mapped[Department | None] = relationship()
