"""coverage.summary(): the wall's and dashboard's totals, counted without a row per schedule,
are compute()'s sums, and its newest missed periods are compute()'s."""

from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.schedules import coverage
from tests.factories import make_location, make_schedule
from tests.schedules.test_coverage import CREATED, MONTH, NOW, inspected, local_to_utc

TODAY = datetime(2026, 11, 24) - timedelta(microseconds=1)  # the wall's "since midnight"


@pytest.fixture
def hospital(app):
    """Schedules of every frequency, some made inside the window, some stopped, inspections
    across their periods, one dated by a phone, one of another kind."""
    made = {"old": CREATED, "mid": local_to_utc(datetime(2026, 11, 18, 9)),
            "today": local_to_utc(datetime(2026, 11, 24, 9))}
    for n, (frequency, when) in enumerate([
            ("daily", "old"), ("daily", "mid"), ("daily", "today"), ("shift", "old"),
            ("shift", "mid"), ("weekly", "old"), ("weekly", "mid"), ("monthly", "old"),
            ("quarterly", "old"), ("daily", "old")]):
        place = make_location(code=f"P-{n:02d}")
        make_schedule(location=place, frequency=frequency, created_at=made[when])
        if n == 9:  # a second kind at the same place, with a stopped schedule
            make_schedule(location=place, kind="self_check", frequency="weekly",
                          created_at=CREATED, owner_role="dept_lead", is_active=False)
        for day in range(1 + n % 3, 25, 2 + n % 4):
            inspected(place, datetime(2026, 11, day, 9 + n % 12))
        inspected(place, datetime(2026, 11, 23, 21), submitted_at=local_to_utc(
            datetime(2026, 11, 23, 19, 55)))
    self_checked = make_location(code="P-98")
    make_schedule(location=self_checked, kind="self_check", frequency="monthly",
                  created_at=CREATED, owner_role="dept_lead")
    inspected(self_checked, datetime(2026, 11, 20, 8), kind="self_check")
    inspected(make_location(code="P-99"), datetime(2026, 11, 24, 8), kind="self_check")
    for n in range(5):  # never inspected
        make_schedule(location=make_location(code=f"Q-{n}"), frequency=("daily", "shift")[n % 2],
                      created_at=CREATED)
    db.session.commit()


@pytest.mark.parametrize("since", [MONTH, TODAY], ids=["this month", "today"])
def test_the_totals_are_computes_sums(hospital, since):
    full = coverage.compute(since, now=NOW)
    found = coverage.summary(since, now=NOW)
    kinds = {}
    for s in full.schedules:
        k = kinds.setdefault(s.kind, [0, 0, 0])
        k[0], k[1], k[2] = k[0] + s.done, k[1] + s.missed, k[2] + s.due
    assert {kind: [t.done, t.missed, t.due] for kind, t in found.kinds.items()} == kinds
    assert (found.done, found.missed, found.due, found.rate) == (
        full.done, full.missed, full.due, full.rate)


@pytest.mark.parametrize("limit", [3, 100])
def test_the_newest_missed_periods_are_computes(hospital, limit):
    full = coverage.compute(TODAY, now=NOW, with_missed=True)
    missed = sorted(((p.end, s.location_code, s.kind) for s in full.schedules
                     for p in s.missed_periods), reverse=True)
    rows = coverage.summary(TODAY, now=NOW, missed_rows=limit).missed_rows
    assert [(m.period.end, m.location_code, m.kind) for m in rows] == missed[:limit]
