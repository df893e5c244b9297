"""The dashboard's figures, counted in the hospital's local months (Asia/Shanghai)."""

from datetime import date, datetime, timedelta

import pytest

from app.dashboard import stats
from app.hazards import workflow
from tests.clock import shanghai_to_utc as utc
from tests.factories import (
    make_department,
    make_hazard,
    make_inspection,
    make_location,
    make_location_type,
    make_schedule,
    make_template,
    make_user,
)

# 10 November 2026, 12:00 in Shanghai.
NOW = utc(datetime(2026, 11, 10, 12, 0))
TODAY = date(2026, 11, 10)


def with_deadline(status, deadline_on, **fields):
    hazard = make_hazard(status=status, **fields)
    hazard.deadline_on = deadline_on
    return hazard


def closed(at: datetime, *, late=False, **fields):
    """A hazard verified and closed at `at` (UTC), rectified by its deadline unless `late`."""
    hazard = make_hazard(status="awaiting_verification", **fields)
    hazard.found_at = at - timedelta(days=3)
    hazard.rectified_at = at - timedelta(days=1)
    hazard.deadline_on = (at - timedelta(days=3 if late else 0)).date()
    workflow.apply(hazard, "verify", actor=make_user("manager"), at=at)
    return hazard


# -- headline ---------------------------------------------------------------------------------

def test_headline_counts_open_and_overdue_hazards(app):
    make_hazard(status="reported")  # no deadline yet: open, never overdue
    with_deadline("assigned", TODAY - timedelta(days=1))
    with_deadline("rectifying", TODAY)  # due today: not yet overdue
    with_deadline("awaiting_verification", TODAY - timedelta(days=9))
    make_hazard(status="closed")
    make_hazard(status="cancelled")
    headline = stats.headline(NOW)
    assert (headline.open, headline.overdue) == (4, 2)


@pytest.mark.parametrize("now", [NOW, utc(datetime(2026, 10, 31, 20, 0))],
                         ids=["in November", "on 31 October"])
def test_closed_this_month_follows_the_local_calendar(app, now):
    closed(datetime(2026, 10, 31, 15, 30))  # 23:30 on 31 October in Shanghai
    closed(datetime(2026, 10, 31, 16, 30))  # 00:30 on 1 November
    assert stats.headline(now).closed_this_month == 1


def test_on_time_rate_is_the_share_of_this_months_closures_rectified_by_the_deadline(app):
    for _ in range(3):
        closed(utc(datetime(2026, 11, 5, 10, 0)))
    closed(utc(datetime(2026, 11, 6, 10, 0)), late=True)
    closed(utc(datetime(2026, 10, 20, 10, 0)), late=True)  # last month: not counted
    make_hazard(status="cancelled")
    assert stats.headline(NOW).on_time_rate == 0.75


def test_on_time_rate_is_none_without_closures_this_month(app):
    closed(utc(datetime(2026, 10, 20, 10, 0)))
    headline = stats.headline(NOW)
    assert (headline.closed_this_month, headline.on_time_rate) == (0, None)


def test_reopened_hazard_is_open_again_not_closed(app):
    hazard = closed(utc(datetime(2026, 11, 5, 10, 0)))
    workflow.apply(hazard, "reopen", actor=make_user("manager"), note="又漏了",
                   at=utc(datetime(2026, 11, 8, 10, 0)))
    headline = stats.headline(NOW)
    assert (headline.open, headline.closed_this_month) == (1, 0)


# -- breakdowns -------------------------------------------------------------------------------

def hazards_of(department, open_=0, overdue=0, closed_=0, location=None):
    location = location or make_location(department=department)
    for n in range(open_):
        with_deadline("rectifying", TODAY - timedelta(days=1) if n < overdue else TODAY,
                      location=location)
    for _ in range(closed_):
        make_hazard(status="closed", location=location)


def test_by_department_puts_the_most_overdue_first_then_the_most_open(app):
    a, b, c, d = (make_department() for _ in range(4))
    hazards_of(a, open_=1, overdue=1)
    hazards_of(b, open_=3)
    hazards_of(c, open_=2, overdue=1)
    hazards_of(d, closed_=2)  # nothing open: left out
    rows = stats.by_department(NOW)
    assert [(r.department_id, r.open, r.overdue) for r in rows] == [
        (c.id, 2, 1), (a.id, 1, 1), (b.id, 3, 0)]


def test_by_department_counts_the_hazards_department_not_the_locations(app):
    owner, responsible = make_department(), make_department()
    with_deadline("assigned", TODAY, location=make_location(department=owner),
                  department=responsible)
    assert [r.department_id for r in stats.by_department(NOW)] == [responsible.id]


def test_by_department_names_departments_in_the_readers_language(app, english):
    department = make_department(name_zh="总务科", name_en="General Affairs")
    hazards_of(department, open_=1)
    assert [r.name for r in stats.by_department(NOW)] == ["General Affairs"]


def test_by_location_type_counts_open_and_overdue_hazards_of_each_type(app):
    boiler, pharmacy = make_location_type(), make_location_type()
    for kind, open_, overdue in ((boiler, 1, 0), (pharmacy, 3, 2)):
        for _ in range(2):  # two places of the type, in different departments
            place = make_location(location_type=kind)
            hazards_of(place.department, open_=open_, overdue=overdue, closed_=1,
                       location=place)
    rows = stats.by_location_type(NOW)
    assert [(r.location_type_id, r.open, r.overdue) for r in rows] == [
        (pharmacy.id, 6, 4), (boiler.id, 2, 0)]


def test_the_dashboards_department_rows_are_the_walls(app, english):
    """The dashboard adds its departments up from counts per department and type of place;
    the wall counts per department alone: both say the same."""
    a = make_department(name_zh="总务科", name_en="General Affairs")
    b = make_department()
    for department, open_, overdue in ((a, 2, 1), (b, 3, 1)):
        for kind in (make_location_type(), make_location_type()):  # split over two types
            place = make_location(location_type=kind, department=department)
            hazards_of(department, open_=open_, overdue=overdue, closed_=1, location=place)
    departments, _types = stats.breakdowns(NOW)
    assert departments == stats.by_department(NOW)
    assert [(r.department_id, r.name, r.open, r.overdue) for r in departments] == [
        (b.id, b.name_en, 6, 2), (a.id, "General Affairs", 4, 2)]  # as many overdue: most open


# -- the 12-month trend -----------------------------------------------------------------------

def test_trend_covers_the_last_12_local_months_oldest_first(app):
    months = stats.trend(NOW)
    assert [m.first for m in (months[0], months[-1])] == [date(2025, 12, 1), date(2026, 11, 1)]
    assert len(months) == 12


def test_trend_puts_a_hazard_in_the_local_month_it_was_found(app):
    # 31 October 16:00 UTC is midnight starting 1 November in Shanghai.
    make_hazard(found_at=datetime(2026, 10, 31, 15, 59))
    make_hazard(found_at=datetime(2026, 10, 31, 16, 0))
    make_hazard(found_at=datetime(2026, 11, 30, 15, 59))  # still November, after `now`
    *_, october, november = stats.trend(NOW)
    assert (october.found, november.found) == (1, 2)


def test_trend_leaves_out_cancelled_cards_and_hazards_older_than_the_window(app):
    make_hazard(found_at=utc(datetime(2026, 11, 2, 9, 0)))
    make_hazard(status="cancelled", found_at=utc(datetime(2026, 11, 2, 9, 0)))
    make_hazard(found_at=utc(datetime(2025, 11, 30, 23, 0)))  # the month before the first
    months = stats.trend(NOW)
    assert [m.found for m in months] == [0] * 11 + [1]


def test_trend_counts_closures_and_on_time_closures_per_month(app):
    closed(utc(datetime(2026, 10, 3, 10, 0)))
    closed(utc(datetime(2026, 10, 31, 23, 59)), late=True)
    closed(utc(datetime(2026, 11, 1, 0, 1)))
    *_, september, october, november = stats.trend(NOW)
    assert [(m.closed, m.on_time, m.on_time_rate) for m in (september, october, november)] == [
        (0, 0, None), (2, 1, 0.5), (1, 1, 1.0)]


# -- coverage ---------------------------------------------------------------------------------

def test_coverage_this_month_adds_up_each_kind_of_inspection(app):
    created = utc(datetime(2026, 11, 1, 0, 0))
    patrol = make_schedule(kind="patrol", frequency="daily", created_at=created)
    self_check = make_schedule(kind="self_check", frequency="monthly", created_at=created)
    version = make_template(patrol.location.location_type).current_version
    for day in (1, 2, 3):  # 3 of the 9 finished days, and not yet today
        make_inspection(location=patrol.location, version=version, kind="patrol",
                        received_at=utc(datetime(2026, 11, day, 10, 0)))
    make_inspection(location=self_check.location, kind="self_check",
                    received_at=utc(datetime(2026, 11, 5, 10, 0)))
    coverage = stats.coverage_this_month(NOW)
    assert [(k.kind, k.done, k.missed, k.due) for k in coverage.kinds] == [
        ("patrol", 3, 6, 1), ("self_check", 1, 0, 0)]
    assert (coverage.done, coverage.missed, coverage.due, coverage.rate) == (4, 6, 1, 0.4)
