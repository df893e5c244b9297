"""The round: what a person owes now, done and still to do, soonest first; and the phone's
offline list, which starts with it."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.checklists.models import ChecklistTemplate
from app.extensions import db
from app.locations import queries
from app.schedules.rounds import due_by, due_now
from tests.clock import shanghai_to_utc as local_to_utc
from tests.factories import (
    make_department,
    make_inspection,
    make_location,
    make_schedule,
    make_user,
)

# 2026-11-24 15:00 in Shanghai, in the day shift (08:00–20:00); schedules exist since November.
NOW = local_to_utc(datetime(2026, 11, 24, 15, 0))
CREATED = local_to_utc(datetime(2026, 11, 1))


def inspected(location, local_at, kind="patrol"):
    """An inspection of `location` received at `local_at` on the hospital's clock."""
    template = db.session.scalar(select(ChecklistTemplate).where(
        ChecklistTemplate.location_type_id == location.location_type_id))
    return make_inspection(location=location, kind=kind, received_at=local_to_utc(local_at),
                           version=template.current_version if template else None)


def codes(points):
    return [p.location.code for p in points]


def test_points_done_in_the_current_period_are_done_the_others_to_do(app):
    done = make_schedule(location=make_location(code="A-1"), created_at=CREATED)
    make_schedule(location=make_location(code="B-1"), created_at=CREATED)
    inspected(done.location, datetime(2026, 11, 24, 9, 30))
    inspected(done.location, datetime(2026, 11, 23, 9, 30))  # yesterday's does not count twice
    result = due_now(make_user("inspector"), NOW)
    assert codes(result.to_do) == ["B-1"]
    assert codes(result.done) == ["A-1"]
    assert result.done[0].done_at == local_to_utc(datetime(2026, 11, 24, 9, 30))


def test_yesterdays_inspection_leaves_today_to_do(app):
    schedule = make_schedule(created_at=CREATED)
    inspected(schedule.location, datetime(2026, 11, 23, 23, 50))
    result = due_now(make_user("inspector"), NOW)
    assert codes(result.to_do) == [schedule.location.code] and result.done == []


def test_an_inspection_of_another_kind_does_not_do_the_point(app):
    schedule = make_schedule(created_at=CREATED)
    inspected(schedule.location, datetime(2026, 11, 24, 9), kind="special")
    assert codes(due_now(make_user("inspector"), NOW).to_do) == [schedule.location.code]


def test_soonest_end_first_then_the_kinds_order_then_the_place(app):
    make_schedule(location=make_location(code="W-1"), frequency="weekly", created_at=CREATED)
    make_schedule(location=make_location(code="D-2"), frequency="daily", created_at=CREATED)
    department = make_department()
    make_schedule(location=make_location(code="D-3", department=department), kind="self_check",
                  frequency="daily", owner_department=department, created_at=CREATED)
    make_schedule(location=make_location(code="D-9"), frequency="daily", created_at=CREATED)
    make_schedule(location=make_location(code="S-5"), frequency="shift", created_at=CREATED)
    guard = make_user("inspector", department=department)
    points = due_now(guard, NOW).to_do
    # The shift ends at 20:00, the days at midnight, the week on Sunday night; on one day the
    # patrols come before the self-check, each by place code.
    assert codes(points) == ["S-5", "D-2", "D-9", "D-3", "W-1"]
    assert points[0].period.end == datetime(2026, 11, 24, 20, 0)


@pytest.mark.parametrize("local_now, inspected_at, is_done", [
    (datetime(2026, 11, 24, 19, 59), datetime(2026, 11, 24, 8, 0), True),
    (datetime(2026, 11, 24, 20, 0), datetime(2026, 11, 24, 19, 59), False),  # the night began
    (datetime(2026, 11, 25, 7, 59), datetime(2026, 11, 24, 20, 0), True),  # past midnight
    (datetime(2026, 11, 25, 8, 0), datetime(2026, 11, 25, 7, 59), False),
])
def test_a_shift_point_is_owed_again_when_the_next_shift_begins(app, local_now, inspected_at,
                                                                  is_done):
    schedule = make_schedule(frequency="shift", created_at=CREATED)
    inspected(schedule.location, inspected_at)
    result = due_now(make_user("inspector"), local_to_utc(local_now))
    assert [p.is_done for p in result.points] == [is_done]


def test_the_round_names_the_shift_the_clock_is_in(app):
    result = due_now(make_user("inspector"), local_to_utc(datetime(2026, 11, 25, 7, 59)))
    assert (result.shift.start, result.shift.end) == (datetime(2026, 11, 24, 20),
                                                      datetime(2026, 11, 25, 8))


def test_only_schedules_the_person_owes_at_active_places_are_in_the_round(app):
    mine = make_schedule(created_at=CREATED)
    make_schedule(kind="leadership", owner_role="manager", created_at=CREATED)
    make_schedule(created_at=CREATED, is_active=False)
    make_schedule(location=make_location(is_active=False), created_at=CREATED)
    make_schedule(kind="self_check", owner_department=make_department(), created_at=CREATED)
    assert [p.schedule_id for p in due_now(make_user("inspector"), NOW).points] == [mine.id]


def test_a_leads_round_is_its_departments_places_only(app):
    department = make_department()
    own = make_schedule(location=make_location(department=department), kind="self_check",
                        frequency="monthly", owner_department=department, created_at=CREATED)
    make_schedule(kind="self_check", frequency="monthly", owner_department=department,
                  created_at=CREATED)  # owed by the department at another's place
    lead = make_user("dept_lead", department=department)
    assert [p.schedule_id for p in due_now(lead, NOW).points] == [own.id]


def test_a_viewer_owes_nothing(app):
    make_schedule(owner_role="viewer", created_at=CREATED)
    assert due_now(make_user("viewer"), NOW).points == []


@pytest.mark.parametrize("end, expected", [
    (datetime(2026, 11, 24, 20, 0), "20:00"),
    (datetime(2026, 11, 25, 0, 0), ""),  # the end of today
    (datetime(2026, 11, 30, 0, 0), "11-29"),  # the week's last day
    (datetime(2026, 11, 25, 8, 0), "11-25 08:00"),
])
def test_due_by_says_when_as_short_as_it_can(end, expected):
    assert due_by(end, datetime(2026, 11, 24, 15, 0)) == expected


def test_the_offline_list_starts_with_the_round(app, monkeypatch):
    monkeypatch.setattr(queries, "OWN_LIMIT", 3)
    guard = make_user("inspector")
    for code in ("A-1", "A-2", "A-3"):  # inspected lately, owed nothing now
        make_inspection(location=make_location(code=code), inspector=guard,
                        received_at=local_to_utc(datetime(2026, 11, 20, 10)))
    make_schedule(location=make_location(code="Z-9"), frequency="shift", created_at=CREATED)
    done = make_schedule(location=make_location(code="Y-1"), frequency="shift", created_at=CREATED)
    inspected(done.location, datetime(2026, 11, 24, 9))
    kept = [loc.code for loc in queries.own_locations(guard, NOW)]
    # Due now first (to do, then done), then the rest in code order, up to the limit.
    assert kept == ["Z-9", "Y-1", "A-1"]


def test_the_offline_list_keeps_places_inspected_lately_after_the_round(app):
    make_schedule(location=make_location(code="Z-9"), created_at=CREATED)
    guard = make_user("inspector")
    make_inspection(location=make_location(code="A-0"), inspector=guard,
                    received_at=local_to_utc(datetime(2026, 11, 20, 10)))
    assert [loc.code for loc in queries.own_locations(guard, NOW)] == ["Z-9", "A-0"]
