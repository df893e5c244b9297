"""Rectification deadlines, counted in the hospital's calendar."""

from datetime import date, datetime, timedelta

from flask import current_app

from app.common.time import local_today


def default_deadline(level: str, found_at: datetime) -> date:
    """The configured number of days for `level`, from the local day the hazard was found."""
    days = current_app.config["DEADLINE_DAYS"][level]
    return local_today(found_at) + timedelta(days=days)


def rectified_on_time(rectified_at: datetime | None, deadline_on: date | None) -> bool:
    """Rectified on or before the deadline day (local). Without a deadline (fixed on the spot)
    it was on time."""
    if deadline_on is None or rectified_at is None:
        return True
    return local_today(rectified_at) <= deadline_on
