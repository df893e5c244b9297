"""The record of every notice sent, so that each goes out once however often notify runs."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.common.sql import one_of
from app.common.time import utcnow
from app.extensions import db

NOTICE_STATES = ("claimed", "sent", "failed")


class Notice(db.Model):
    """通知: one message about one hazard to one recipient on one channel."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("key", "channel", "recipient"),
        CheckConstraint(one_of("state", NOTICE_STATES), name="state"),
        CheckConstraint(one_of("channel", ("email", "webhook")), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the notice is about, e.g. "assigned:<event id>" or "due_soon:<hazard id>:<deadline>".
    key: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(160))  # an email address, or the webhook
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="claimed")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # When the row was last claimed (first claim, retry or take-over): the clock that
    # services.py reads for retry waits and for claims left by a run that died.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
