"""Clock helpers: UTC in the database, the hospital's time zone on screen."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Now as a naive UTC datetime, the form every `*_at` column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def hospital_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["HOSPITAL_TIMEZONE"])


def to_local(at: datetime) -> datetime:
    """A stored UTC datetime in the hospital's time zone."""
    return at.replace(tzinfo=UTC).astimezone(hospital_tz())


def local_today(now: datetime | None = None) -> date:
    """The hospital's calendar date at `now` (UTC, naive)."""
    return to_local(now or utcnow()).date()


def local_to_utc(local: datetime) -> datetime:
    """A naive datetime on the hospital's clock (as cameras write EXIF) as naive UTC."""
    return local.replace(tzinfo=hospital_tz()).astimezone(UTC).replace(tzinfo=None)


def parse_month(value) -> date | None:
    """'2026-11' → 1 November 2026; None if missing or garbled (a filter then falls back)."""
    try:
        return date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None
