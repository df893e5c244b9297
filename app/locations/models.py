"""Location types and locations."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Department
from app.common.i18n import localized
from app.common.sql import one_of
from app.common.time import utcnow
from app.common.vocab import RISK_LEVELS
from app.extensions import db

if TYPE_CHECKING:
    from app.schedules.models import InspectionSchedule


def new_qr_token() -> str:
    """A random URL-safe token of 192 bits: unguessable, and never the database id."""
    return secrets.token_urlsafe(24)


class LocationType(db.Model):
    """检查点类型: oxygen store, boiler room, pharmacy …; each has one checklist template."""

    __tablename__ = "location_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))

    @property
    def name(self) -> str:
        return localized(self, "name")


class Location(db.Model):
    """检查点 / 风险点: a place with a QR label; a major hazard source carries a 一险一卡 card."""

    __tablename__ = "locations"
    __table_args__ = (
        CheckConstraint(one_of("risk_level", RISK_LEVELS), name="risk_level"),
        CheckConstraint("length(qr_token) >= 22", name="qr_token_length"),
        CheckConstraint(
            "NOT is_major_source OR source_responsible IS NOT NULL", name="source_has_responsible"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    building: Mapped[str] = mapped_column(String(60), default="")
    floor: Mapped[str] = mapped_column(String(10), default="")
    location_type_id: Mapped[int] = mapped_column(ForeignKey("location_types.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    risk_level: Mapped[str] = mapped_column(String(10))
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_qr_token)
    is_active: Mapped[bool] = mapped_column(default=True)
    # 一险一卡: the risk-source card of a major hazard source (重大危险源).
    is_major_source: Mapped[bool] = mapped_column(default=False)
    source_hazards: Mapped[str | None] = mapped_column(Text)
    source_controls: Mapped[str | None] = mapped_column(Text)
    source_responsible: Mapped[str | None] = mapped_column(String(80))
    source_emergency: Mapped[str | None] = mapped_column(Text)
    source_monitoring: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    location_type: Mapped[LocationType] = relationship()
    department: Mapped[Department] = relationship()
    schedules: Mapped[list["InspectionSchedule"]] = relationship(back_populates="location")

    @property
    def name(self) -> str:
        return localized(self, "name")

    def __repr__(self) -> str:
        return f"<Location {self.code}>"
