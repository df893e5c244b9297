"""A quarter built by hand: every indicator and the score against the figures worked out by
hand, from the hazard ledger's rows, and from the coverage page."""

from datetime import date

import pytest

from app.assessment import scores
from app.common.time import local_today
from app.common.vocab import HAZARD_LEVELS, HAZARD_STATUSES, OPEN_HAZARD_STATUSES
from app.extensions import db
from app.hazards.models import Hazard
from app.ledger.queries import HAZARD_COLUMNS, Period, hazard_ledger
from app.schedules.queries import CoverageFilters, coverage_page
from tests.assessment.world import NOW, QUARTER, build
from tests.factories import make_user


@pytest.fixture
def world(app, english):
    return build()


def figures_of(department):
    row = next(r for r in scores.assess(QUARTER, now=NOW).rows if r.department == department)
    return {code: (f.value, f.owed, f.score) for code, f in row.figures.items()}, row.total


def test_each_indicator_matches_the_hand_worked_figures(world):
    a, b, _cards = world
    figures, total = figures_of(a)
    assert figures == {
        "self_checks": (2, 3, 66.7),
        "patrols": (10, 13, 76.9),
        "on_time": (1, 4, 25.0),
        "overdue_days": (24, None, 60.0),
        "recurring": (1, None, 80.0),
        "major_open": (2, None, 0.0),
    }
    assert total == round((25 * 66.7 + 15 * 76.9 + 25 * 25 + 15 * 60 + 10 * 80 + 10 * 0) / 100, 1)


def test_a_rate_with_nothing_owed_is_left_out_of_the_score(world):
    _a, b, _cards = world
    figures, total = figures_of(b)
    assert figures["patrols"] == (0, 0, None)
    assert figures["self_checks"] == (0, 3, 0.0)
    # self-checks 0, on time 100, no overdue days, no recurring, no major open; no patrols.
    assert total == round((25 * 0 + 25 * 100 + 15 * 100 + 10 * 100 + 10 * 100) / 85, 1)


def ledger_figures(department):
    """The hazard figures of Q2 worked out from the hazard ledger's rows alone (every card
    found up to the quarter's end, whenever it closed), seen on NOW's day."""
    today = local_today(NOW)
    rows = hazard_ledger(make_user("admin"), Period(date(2026, 1, 1), QUARTER.last),
                         department_id=department.id, today=today)
    column = {str(c.header): i for i, c in enumerate(HAZARD_COLUMNS)}

    def cell(row, name):
        return row[column[name]]

    open_labels = {str(HAZARD_STATUSES[s]) for s in OPEN_HAZARD_STATUSES}
    closed, cancelled = str(HAZARD_STATUSES["closed"]), str(HAZARD_STATUSES["cancelled"])
    due = on_time = days = major_open = 0
    for row in rows:
        status, deadline = cell(row, "Status"), cell(row, "Deadline")
        if status == cancelled:
            continue
        if deadline and QUARTER.first <= deadline <= QUARTER.last and deadline < today:
            due += 1
            rectified = cell(row, "Rectified on")
            on_time += status == closed and rectified is not None and rectified <= deadline
        late = cell(row, "Days overdue")
        if deadline and late:  # late days are deadline + 1 ... deadline + late
            first = max(deadline.toordinal() + 1, QUARTER.first.toordinal())
            last = min(deadline.toordinal() + late, QUARTER.last.toordinal())
            days += max(0, last - first + 1)
        closed_on = cell(row, "Closed on")
        if cell(row, "Level") == str(HAZARD_LEVELS["major"]) and (
                status in open_labels or (closed_on and closed_on > QUARTER.last)):
            major_open += 1
    return {"on_time": (on_time, due), "overdue_days": days, "major_open": major_open}


def test_hazard_indicators_reconcile_with_the_hazard_ledger(world):
    a, _b, _cards = world
    figures, _total = figures_of(a)
    from_ledger = ledger_figures(a)
    assert figures["on_time"][:2] == from_ledger["on_time"]
    assert figures["overdue_days"][0] == from_ledger["overdue_days"]
    assert figures["major_open"][0] == from_ledger["major_open"]


def test_recurring_hazards_reconcile_with_the_cards(world):
    a, _b, _cards = world
    start, end = QUARTER.utc_bounds()
    recurring = db.session.query(Hazard).filter(
        Hazard.department_id == a.id, Hazard.recurring, Hazard.status != "cancelled",
        Hazard.found_at >= start, Hazard.found_at < end).count()
    assert figures_of(a)[0]["recurring"][0] == recurring == 1


@pytest.mark.parametrize(("code", "kind"), [("self_checks", "self_check"),
                                            ("patrols", "patrol")])
def test_inspection_indicators_reconcile_with_the_coverage_page(world, code, kind):
    a, b, _cards = world
    for department in (a, b):
        filters = CoverageFilters(month=QUARTER.first, department_id=department.id, kind=kind,
                                  quarter=QUARTER)
        coverage = coverage_page(make_user("admin"), filters, 1, now=NOW).coverage
        done, owed, _score = figures_of(department)[0][code]
        assert (done, owed) == (coverage.done, coverage.done + coverage.missed)


def test_a_department_that_owed_nothing_has_no_score_and_no_rank(world):
    a, b, _cards = world
    rows = scores.assess(QUARTER, now=NOW).rows
    idle = [r for r in rows if r.department not in (a, b)]
    assert idle and all(r.total is None and r.rank is None for r in idle)
    assert [r.rank for r in rows if r.department in (a, b)] == [1, 2]
