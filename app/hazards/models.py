"""Hazards, hazard events, deadline extensions and the card-number counter."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Department, User
from app.common.sql import one_of
from app.common.time import utcnow
from app.common.vocab import HAZARD_LEVELS, HAZARD_STATUSES, OPEN_HAZARD_STATUSES
from app.extensions import db
from app.inspections.models import ItemResult
from app.locations.models import Location
from app.photos.models import Photo


class Hazard(db.Model):
    """隐患 — one hazard, one card (一患一卡). Only hazards/workflow.py writes `status`."""

    __tablename__ = "hazards"
    __table_args__ = (
        CheckConstraint(one_of("level", HAZARD_LEVELS), name="level"),
        CheckConstraint(one_of("status", HAZARD_STATUSES), name="status"),
        CheckConstraint("funds_yuan IS NULL OR funds_yuan >= 0", name="funds_not_negative"),
        CheckConstraint("status != 'closed' OR closed_at IS NOT NULL", name="closed_has_time"),
        # Covering the open cards' counts, by department and place, and the overdue page's
        # ids (the dashboard, the wall): PostgreSQL reads the first, SQLite the second.
        Index("ix_hazards_status_deadline_place", "status", "deadline_on", "department_id",
              "location_id", "id"),
        Index("ix_hazards_department_status_place", "department_id", "status", "location_id",
              "deadline_on"),
        # Covering the dashboard's month counts: found per month (by status), closed per
        # month (and on time).
        Index("ix_hazards_found_at_status", "found_at", "status"),
        Index("ix_hazards_closed_at_on_time", "closed_at", "closed_on_time"),
        # The few recurring cards of the last twelve months, by place and by checklist item
        # (the dashboard): partial, so they hold only those cards.
        Index("ix_hazards_recurring_place", "location_id", "found_at", "department_id",
              sqlite_where=text("recurring = 1"), postgresql_where=text("recurring")),
        Index("ix_hazards_recurring_found_at", "found_at", "item_result_id", "department_id",
              sqlite_where=text("recurring = 1"), postgresql_where=text("recurring")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    # Found by a checklist item, or reported directly (then NULL).
    item_result_id: Mapped[int | None] = mapped_column(ForeignKey("item_results.id"), unique=True)
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(60), default="")
    level: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(24), default="reported")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_on: Mapped[date | None] = mapped_column(Date)
    # 五落实 — the five commitments a major hazard needs before rectification starts:
    # measures, responsible person (responsible_id), funds, deadline (deadline_on), plan.
    measures: Mapped[str | None] = mapped_column(Text)
    funds_yuan: Mapped[float | None] = mapped_column(Numeric(12, 2))
    contingency_plan: Mapped[str | None] = mapped_column(Text)
    interim_controls: Mapped[str | None] = mapped_column(Text)
    rectified_on_site: Mapped[bool] = mapped_column(default=False)
    # The latest rectification and verification, kept by the workflow for the ledger's columns
    # (the events hold the full history).
    rectified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None]
    # Rectified by the deadline day (set when the card closes; None while open or cancelled).
    closed_on_time: Mapped[bool | None]
    # 重复隐患: the same checklist item failed again at the same place within the recurrence
    # window while an earlier card for it was open or recently closed (set when reported).
    recurring: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # 督办: when the escalation ladder reached hospital leadership (app/hazards/escalation.py);
    # kept through extensions, cleared when the card is closed or cancelled.
    supervised_at: Mapped[datetime | None]

    location: Mapped[Location] = relationship()
    item_result: Mapped[ItemResult | None] = relationship()
    department: Mapped[Department] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    events: Mapped[list["HazardEvent"]] = relationship(
        back_populates="hazard", order_by="HazardEvent.seq"
    )

    @hybrid_method
    def is_overdue(self, today: date) -> bool:
        """Past its deadline and not yet closed or cancelled. Never stored."""
        return (
            self.deadline_on is not None
            and self.deadline_on < today
            and self.status in OPEN_HAZARD_STATUSES
        )

    @is_overdue.expression
    def is_overdue(cls, today: date):
        return (
            cls.deadline_on.is_not(None)
            & (cls.deadline_on < today)
            & cls.status.in_(OPEN_HAZARD_STATUSES)
        )

    @property
    def is_supervised(self) -> bool:
        """Under supervision (督办): the ladder reached leadership and the card is still open."""
        return self.supervised_at is not None and self.status in OPEN_HAZARD_STATUSES

    def __repr__(self) -> str:
        return f"<Hazard {self.number} {self.status}>"


class HazardEvent(db.Model):
    """One appended change to a hazard. Never edited or deleted; chained by hash."""

    __tablename__ = "hazard_events"
    __table_args__ = (
        UniqueConstraint("hazard_id", "seq"),
        CheckConstraint("length(hash) = 64", name="hash_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"))
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    # None for an event SafeRound made by itself (the supervised mark), not a person.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    hazard: Mapped[Hazard] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    photos: Mapped[list[Photo]] = relationship(foreign_keys=[Photo.hazard_event_id])


class DeadlineExtension(db.Model):
    """延期申请: a request to move a deadline, approved or refused by a manager."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (
        CheckConstraint(one_of("status", ("pending", "approved", "refused")), name="status"),
        # One request waits for a decision at a time, even when two arrive together.
        Index("uq_deadline_extensions_one_pending", "hazard_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
    old_deadline_on: Mapped[date | None] = mapped_column(Date)
    requested_deadline_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    hazard: Mapped[Hazard] = relationship()


class HazardCounter(db.Model):
    """The last card number given out in a year, for numbers like YH-2026-00042."""

    __tablename__ = "hazard_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
