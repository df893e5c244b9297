"""Rectification deadlines, counted in the hospital's calendar."""

from datetime import date, datetime, timedelta

from flask import current_app

from app.common.time import local_today


def default_deadline(level: str, found_at: datetime) -> date:
    """The configured number of days for `level`, from the local day the hazard was found."""
    days = current_app.config["DEADLINE_DAYS"][level]
    return local_today(found_at) + timedelta(days=days)
