"""Coverage: done, due and missed periods of each schedule, in Asia/Shanghai."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.checklists.models import ChecklistTemplate
from app.common.time import local_to_utc as _local_to_utc
from app.extensions import db
from app.schedules import coverage
from tests.clock import shanghai_to_utc as local_to_utc
from tests.factories import (
    make_department,
    make_inspection,
    make_location,
    make_schedule,
    make_user,
)

# 2026-11-24 15:00 in Shanghai; the schedules exist since 1 November (local).
NOW = local_to_utc(datetime(2026, 11, 24, 15, 0))
CREATED = local_to_utc(datetime(2026, 11, 1, 0, 0))
MONTH = datetime(2026, 11, 1)


def test_the_tests_clock_is_the_apps(app):
    assert _local_to_utc(datetime(2026, 11, 24, 15)) == NOW


def inspected(location, local_at, kind="patrol", **fields):
    """An inspection received at `local_at` on the hospital's clock."""
    template = db.session.scalar(select(ChecklistTemplate).where(
        ChecklistTemplate.location_type_id == location.location_type_id))
    version = template.current_version if template else None
    return make_inspection(location=location, version=version, kind=kind,
                           received_at=local_to_utc(local_at), **fields)


def one(schedule, since=MONTH, now=NOW, **kwargs):
    result = coverage.compute(since, now=now, **kwargs)
    return next(s for s in result.schedules if s.schedule_id == schedule.id)


def test_daily_schedule_counts_days_done_and_missed_this_month(app):
    schedule = make_schedule(frequency="daily", created_at=CREATED)
    for day in range(1, 24, 2):  # the 1st, 3rd, ... 23rd: 12 of 23 finished days
        inspected(schedule.location, datetime(2026, 11, day, 10))
    status = one(schedule, with_missed=True)
    assert (status.done, status.missed, status.due) == (12, 11, True)
    assert status.missed_periods[0].start == datetime(2026, 11, 22)


def test_todays_inspection_makes_the_current_day_done(app):
    schedule = make_schedule(frequency="daily", created_at=CREATED)
    inspected(schedule.location, datetime(2026, 11, 24, 0, 5))
    status = one(schedule)
    assert status.due is False and status.done == 1
    assert status.last_done_at == local_to_utc(datetime(2026, 11, 24, 0, 5))


def test_an_inspection_just_before_local_midnight_counts_for_that_day(app):
    schedule = make_schedule(frequency="daily", created_at=CREATED)
    inspected(schedule.location, datetime(2026, 11, 23, 23, 59))  # 15:59 UTC
    status = one(schedule, now=local_to_utc(datetime(2026, 11, 24, 0, 30)),
                 since=datetime(2026, 11, 23))
    assert (status.done, status.missed, status.due) == (1, 0, True)


def test_the_night_shift_runs_past_midnight(app):
    schedule = make_schedule(frequency="shift", created_at=CREATED)
    inspected(schedule.location, datetime(2026, 11, 24, 2, 0))  # night shift of the 23rd
    now = local_to_utc(datetime(2026, 11, 24, 9, 0))
    status = one(schedule, since=datetime(2026, 11, 23, 8), now=now, with_missed=True)
    # Day shift of the 23rd missed, night shift done, today's day shift due.
    assert (status.done, status.missed, status.due) == (1, 1, True)
    assert status.missed_periods[0].start == datetime(2026, 11, 23, 8)


def test_a_monthly_self_check_missed_last_month_is_missed_on_the_first(app):
    schedule = make_schedule(kind="self_check", frequency="monthly", created_at=CREATED,
                             owner_department=make_department())
    status = one(schedule, since=datetime(2026, 11, 30, 23, 59),
                 now=local_to_utc(datetime(2026, 12, 1, 9)))
    assert (status.missed, status.due) == (1, True)


def test_a_quarterly_inspection_done_in_october_covers_the_quarter(app):
    schedule = make_schedule(kind="leadership", frequency="quarterly",
                             created_at=local_to_utc(datetime(2026, 9, 1)))
    inspected(schedule.location, datetime(2026, 10, 9, 10), kind="leadership")
    status = one(schedule)  # the quarter began before the month: its inspection still counts
    assert (status.done, status.missed, status.due) == (1, 0, False)
    assert status.current.start == datetime(2026, 10, 1)


def test_periods_before_the_schedule_existed_are_not_owed(app):
    schedule = make_schedule(frequency="daily",
                             created_at=local_to_utc(datetime(2026, 11, 20, 16, 0)))
    status = one(schedule)
    assert status.missed == 4  # the 20th (created that day), 21st, 22nd, 23rd


def test_only_inspections_of_the_schedules_kind_count(app):
    schedule = make_schedule(frequency="daily", created_at=CREATED)
    inspected(schedule.location, datetime(2026, 11, 24, 9), kind="special")
    inspected(make_location(), datetime(2026, 11, 24, 9))
    assert one(schedule).due is True


@pytest.mark.parametrize("device_hours_before, counted_on", [
    (3, 23),  # walked offline at 21:00 on the 23rd, synced at 00:00: counted on the 23rd
    (30, 24),  # a phone clock a day and more behind is not believed: the server's day
])
def test_an_offline_round_counts_when_it_was_walked(app, device_hours_before, counted_on):
    schedule = make_schedule(frequency="daily", created_at=CREATED)
    received = datetime(2026, 11, 24, 0, 0)
    inspected(schedule.location, received,
              submitted_at=local_to_utc(received - timedelta(hours=device_hours_before)))
    status = one(schedule, since=datetime(2026, 11, 23), with_missed=True)
    missed_days = {p.start.day for p in status.missed_periods}
    assert counted_on not in missed_days and (status.due is (counted_on != 24))


def test_stopped_schedules_and_places_are_not_owed(app):
    stopped = make_schedule(frequency="daily", created_at=CREATED, is_active=False)
    closed_place = make_schedule(location=make_location(is_active=False), created_at=CREATED)
    ids = {s.schedule_id for s in coverage.compute(MONTH, now=NOW).schedules}
    assert stopped.id not in ids and closed_place.id not in ids


def test_a_department_lead_sees_the_departments_places_and_what_it_owes(app):
    department = make_department()
    own_place = make_schedule(location=make_location(department=department), created_at=CREATED)
    owed = make_schedule(kind="self_check", frequency="monthly", created_at=CREATED,
                         owner_department=department)
    other = make_schedule(created_at=CREATED)
    lead = make_user("dept_lead", department=department)
    ids = {s.schedule_id for s in coverage.compute(MONTH, now=NOW, user=lead).schedules}
    assert ids == {own_place.id, owed.id} and other.id not in ids


def test_the_rate_is_done_over_done_and_missed(app):
    schedule = make_schedule(frequency="weekly", created_at=CREATED)
    inspected(schedule.location, datetime(2026, 11, 4, 10))
    # Weeks ending in November so far: 27 Oct–2 Nov (missed), 3–9 (done), 10–16, 17–23
    # (missed); the week of the 23rd is due.
    result = coverage.compute(MONTH, now=NOW)
    status = next(s for s in result.schedules if s.schedule_id == schedule.id)
    assert (status.done, status.missed, status.due) == (1, 3, True)
    assert result.rate == pytest.approx(0.25)
