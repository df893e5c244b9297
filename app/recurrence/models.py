"""Links from a recurring hazard card to the earlier cards of the same failure."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.hazards.models import Hazard


class HazardRecurrence(db.Model):
    """重复隐患关联: `hazard` recurs `earlier` (same checklist item, same place, within the
    window). Written once, when `hazard` is reported; its report event names the same cards."""

    __tablename__ = "hazard_recurrences"

    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), primary_key=True)
    earlier_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), primary_key=True,
                                            index=True)

    hazard: Mapped[Hazard] = relationship(foreign_keys=[hazard_id])
    earlier: Mapped[Hazard] = relationship(foreign_keys=[earlier_id])
