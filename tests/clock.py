"""The tests' hospital clock: Asia/Shanghai (the default), UTC+8 all year, no summer time.

Module-level test constants need it before any app exists, so it is plain arithmetic;
tests/schedules/test_coverage.py checks it against the app's own conversion."""

from datetime import datetime, timedelta

SHANGHAI = timedelta(hours=8)


def shanghai_to_utc(local: datetime) -> datetime:
    """A naive Shanghai wall-clock time as the naive UTC the database stores."""
    return local - SHANGHAI
