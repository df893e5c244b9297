"""Clock helpers: UTC in the database, the hospital's time zone on screen."""

from datetime import UTC, date, datetime, time, timedelta
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


def local_day_start(day: date) -> datetime:
    """The instant the hospital's calendar day `day` begins (local midnight), as naive UTC."""
    return local_to_utc(datetime.combine(day, time()))


def local_day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """The hospital's days `first` to `last` (inclusive; just `first` when None) as naive UTC
    [start, end): local midnight starting `first`, local midnight after `last`."""
    return local_day_start(first), local_day_start((last or first) + timedelta(days=1))


# The years a date typed or sent may name: SafeRound holds no record from before 2000, and date
# arithmetic (a month's end, a day in UTC, a year's trend) must never step outside what `date`
# can hold (year 1 to 9999).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def parse_day(value) -> date | None:
    """'2026-11-03' → that date; None if missing, garbled or outside FIRST_YEAR…LAST_YEAR (a
    filter then falls back)."""
    try:
        day = date.fromisoformat(value) if value else None
    except (ValueError, TypeError):
        return None
    return day if day and FIRST_YEAR <= day.year <= LAST_YEAR else None


def parse_month(value) -> date | None:
    """'2026-11' → 1 November 2026; None if missing, garbled or out of range."""
    return parse_day(f"{value}-01") if value and len(str(value)) == 7 else None


# A phone's clock earlier than this before the server heard from it is not believed (a phone
# with a wrong date); offline rounds sync within a shift ...
DEVICE_CLOCK_TRUST = timedelta(hours=24)
# ... nor a phone's clock ahead of the server's by more than this.
DEVICE_CLOCK_SKEW = timedelta(minutes=5)


def believable_device_time(device_at: datetime | None, server_at: datetime, *,
                           default: datetime | None) -> datetime | None:
    """`device_at` (naive UTC, from the phone) if it is believable at `server_at`, else
    `default`."""
    if device_at is not None and (
        server_at - DEVICE_CLOCK_TRUST <= device_at <= server_at + DEVICE_CLOCK_SKEW
    ):
        return device_at
    return default
