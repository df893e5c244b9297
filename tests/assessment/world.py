"""A quarter built by hand (2026 Q2, 1 April to 30 June) for the assessment tests.

Department A: a monthly self-check (April and June done, May missed) and a weekly patrol
(10 of the 13 weeks that ended in the quarter done) at its place, and these cards:
  h1 due 10 Apr, rectified 9 Apr, closed 11 Apr: on time, 1 day overdue (closed a day late)
  h2 due 10 May, rectified and closed 20 May: late, 10 days overdue
  h3 major, due 20 Jun, still rectifying: late, 10 days overdue in the quarter, open at its end
  h4 found in Q1, due 5 Apr, closed 8 Apr: late, 3 days overdue
  h5 recurring, found 5 May, due 10 Jul: not due in Q2
  h6 recurring and major, cancelled: never counts
  h7 major, found 25 Jun, closed 3 Jul: open at the quarter's end
  h8 major, found and closed in Q1: nothing
Department B: a monthly self-check never done, one card due 30 Apr and closed on the 29th.
"""

from datetime import date, datetime, timedelta

from app.common.quarters import Quarter
from app.extensions import db
from app.hazards.deadlines import rectified_on_time
from tests.clock import shanghai_to_utc
from tests.factories import (
    make_department,
    make_hazard,
    make_inspection,
    make_location,
    make_schedule,
    make_template,
)

QUARTER = Quarter(2026, 2)
NOW = shanghai_to_utc(datetime(2026, 8, 15, 10))  # the quarter is over
CREATED = shanghai_to_utc(datetime(2026, 1, 1))
# Mondays of the weeks whose patrol was done (the quarter's weeks begin 30 Mar ... 22 Jun;
# the week of 29 Jun ends in Q3).
PATROL_WEEKS = [date(2026, 3, 30), date(2026, 4, 6), date(2026, 4, 13), date(2026, 4, 27),
                date(2026, 5, 4), date(2026, 5, 18), date(2026, 5, 25), date(2026, 6, 1),
                date(2026, 6, 15), date(2026, 6, 22)]


def at(day: date, hour: int = 10) -> datetime:
    return shanghai_to_utc(datetime(day.year, day.month, day.day, hour))


def inspect(location, template, kind, day):
    moment = at(day)
    return make_inspection(location, template.current_version, kind=kind, submitted_at=moment,
                           received_at=moment)


def card(location, *, status, found, deadline=None, rectified=None, closed=None,
         level="general", recurring=False):
    hazard = make_hazard(status=status, level=level, location=location, found_at=at(found))
    hazard.deadline_on, hazard.recurring = deadline, recurring
    hazard.rectified_at = at(rectified) if rectified else None
    if closed:
        hazard.closed_at = at(closed, 16)
        hazard.closed_on_time = rectified_on_time(hazard.rectified_at, deadline)
    return hazard


def build():
    a = make_department(code="A", name_en="Alpha ward", name_zh="甲科")
    b = make_department(code="B", name_en="Beta ward", name_zh="乙科")
    place_a, place_b = make_location(department=a), make_location(department=b)
    template_a = make_template(place_a.location_type)
    template_b = make_template(place_b.location_type)
    make_schedule(place_a, kind="self_check", frequency="monthly", owner_department=a,
                  created_at=CREATED)
    make_schedule(place_a, kind="patrol", frequency="weekly", created_at=CREATED)
    make_schedule(place_b, kind="self_check", frequency="monthly", owner_department=b,
                  created_at=CREATED)
    for day in (date(2026, 4, 8), date(2026, 6, 3)):
        inspect(place_a, template_a, "self_check", day)
    inspect(place_a, template_a, "self_check", date(2026, 7, 2))  # Q3: not counted
    inspect(place_b, template_b, "patrol", date(2026, 4, 8))  # no patrol schedule there
    for monday in PATROL_WEEKS:
        inspect(place_a, template_a, "patrol", monday + timedelta(days=1))
    cards = {
        "h1": card(place_a, status="closed", found=date(2026, 4, 3), deadline=date(2026, 4, 10),
                   rectified=date(2026, 4, 9), closed=date(2026, 4, 11)),
        "h2": card(place_a, status="closed", found=date(2026, 5, 1), deadline=date(2026, 5, 10),
                   rectified=date(2026, 5, 20), closed=date(2026, 5, 20)),
        "h3": card(place_a, status="rectifying", found=date(2026, 6, 1),
                   deadline=date(2026, 6, 20), level="major"),
        "h4": card(place_a, status="closed", found=date(2026, 3, 20), deadline=date(2026, 4, 5),
                   rectified=date(2026, 4, 8), closed=date(2026, 4, 8)),
        "h5": card(place_a, status="assigned", found=date(2026, 5, 5),
                   deadline=date(2026, 7, 10), recurring=True),
        "h6": card(place_a, status="cancelled", found=date(2026, 4, 20), level="major",
                   recurring=True),
        "h7": card(place_a, status="closed", found=date(2026, 6, 25), deadline=date(2026, 7, 5),
                   rectified=date(2026, 7, 2), closed=date(2026, 7, 3), level="major"),
        "h8": card(place_a, status="closed", found=date(2026, 2, 1), deadline=date(2026, 2, 20),
                   rectified=date(2026, 2, 10), closed=date(2026, 3, 1), level="major"),
        "b1": card(place_b, status="closed", found=date(2026, 4, 2), deadline=date(2026, 4, 30),
                   rectified=date(2026, 4, 29), closed=date(2026, 4, 29)),
    }
    db.session.commit()
    return a, b, cards
