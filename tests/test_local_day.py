"""The one local-day helper: a calendar day on the hospital's clock as UTC bounds."""

from datetime import date, datetime

from app.common.time import local_day_bounds, local_day_start


def test_a_day_starts_at_local_midnight_in_utc(app):
    # Asia/Shanghai is UTC+8: local midnight is 16:00 UTC the day before.
    assert local_day_start(date(2026, 11, 3)) == datetime(2026, 11, 2, 16)


def test_one_day_bounds_end_at_the_next_local_midnight(app):
    assert local_day_bounds(date(2026, 11, 3)) == (datetime(2026, 11, 2, 16),
                                                   datetime(2026, 11, 3, 16))


def test_a_range_of_days_includes_the_last_day(app):
    assert local_day_bounds(date(2026, 11, 1), date(2026, 11, 30)) == (
        datetime(2026, 10, 31, 16), datetime(2026, 11, 30, 16))


def test_bounds_follow_the_configured_time_zone(app):
    app.config["HOSPITAL_TIMEZONE"] = "Europe/Berlin"
    # The night clocks go back (25 October 2026) is 25 hours long.
    start, end = local_day_bounds(date(2026, 10, 25))
    assert (start, end) == (datetime(2026, 10, 24, 22), datetime(2026, 10, 25, 23))
