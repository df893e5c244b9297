"""The settled months: the dashboard's figures of the months before this one are kept under
their own counter, which only a change to those months moves."""

from datetime import timedelta

import pytest

from app.common.time import local_day_start, local_today, utcnow
from app.dashboard import models, stats
from app.dashboard.models import SETTLED, ChangeCounter
from app.extensions import db
from app.hazards import workflow
from tests.factories import make_hazard, make_user
from tests.sql import counted_statements


def this_month_start():
    return local_day_start(local_today(utcnow()).replace(day=1))


@pytest.fixture
def mid_month(monkeypatch):
    """The hooks' clock in the middle of this local month, well away from its end."""
    monkeypatch.setattr(models, "utcnow",
                        lambda: local_day_start(local_today(utcnow()).replace(day=15)))


def settled_count():
    db.session.expire_all()
    return db.session.get(ChangeCounter, SETTLED).value


def last_month_hazard(status, **fields):
    """A hazard found (and, if closed, closed) three days before this month began."""
    hazard = make_hazard(status, **fields)
    hazard.found_at = this_month_start() - timedelta(days=3)
    if hazard.closed_at is not None:
        hazard.closed_at = hazard.found_at + timedelta(hours=5)
    db.session.commit()
    return hazard


def test_a_card_reported_this_month_leaves_the_settled_months_alone(app, mid_month):
    before = settled_count()
    make_hazard("reported")
    db.session.commit()
    assert settled_count() == before


def test_closing_an_older_card_now_leaves_them_alone(app, mid_month):
    hazard = last_month_hazard("awaiting_verification")
    before = settled_count()
    workflow.apply(hazard, "verify", actor=make_user("manager"))
    db.session.commit()
    assert hazard.closed_at >= this_month_start()
    assert settled_count() == before


def test_reopening_a_card_closed_last_month_moves_them(app, mid_month):
    hazard = last_month_hazard("closed")
    before = settled_count()
    workflow.apply(hazard, "reopen", actor=make_user("manager"), note="leaking again")
    db.session.commit()
    assert settled_count() == before + 1


def test_cancelling_a_card_found_last_month_moves_them(app, mid_month):
    hazard = last_month_hazard("reported")
    before = settled_count()
    workflow.apply(hazard, "cancel", actor=make_user("manager"), note="duplicate",
                   reason="duplicate")
    db.session.commit()
    assert settled_count() == before + 1


def test_a_card_arriving_late_with_a_last_month_finding_moves_them(app, mid_month):
    before = settled_count()
    make_hazard("reported", found_at=this_month_start() - timedelta(hours=1))
    db.session.commit()
    assert settled_count() == before + 1


def test_a_change_made_without_loading_the_old_value_moves_them(app, mid_month):
    hazard = last_month_hazard("closed")
    before = settled_count()
    db.session.expire(hazard)  # set with their old values not loaded
    hazard.status, hazard.closed_at = "rectifying", None
    db.session.commit()
    assert settled_count() == before + 1


def test_just_before_the_month_ends_a_change_this_month_moves_them(app, monkeypatch):
    next_month = local_day_start(
        (local_today(utcnow()).replace(day=28) + timedelta(days=5)).replace(day=1))
    monkeypatch.setattr(models, "utcnow", lambda: next_month - timedelta(minutes=5))
    before = settled_count()
    make_hazard("reported")
    db.session.commit()
    assert settled_count() == before + 1


def test_the_trend_reads_the_settled_months_once_until_they_change(app, mid_month):
    hazard = last_month_hazard("closed")
    first = stats.trend()
    make_hazard("reported")  # this month: counted again, the settled months kept
    db.session.commit()
    with counted_statements() as statements:
        second = stats.trend()
    month_counts = [s for s in statements if "FROM hazards" in s]
    assert len(month_counts) == 1, statements  # this month's found and closed, no more
    assert second[-1].found == first[-1].found + 1
    assert second[:-1] == first[:-1]
    assert second[-2].closed == first[-2].closed >= 1
    workflow.apply(hazard, "reopen", actor=make_user("manager"), note="leaking again")
    db.session.commit()
    assert stats.trend()[-2].closed == first[-2].closed - 1


def test_a_change_beside_an_unloaded_found_at_moves_them(app, mid_month):
    hazard = last_month_hazard("reported")
    before = settled_count()
    db.session.expire(hazard, ["found_at"])  # cancelled without its finding time loaded
    workflow.apply(hazard, "cancel", actor=make_user("manager"), note="duplicate",
                   reason="duplicate")
    db.session.commit()
    assert settled_count() == before + 1


def test_a_change_flushed_before_the_month_turns_and_committed_after_moves_them(
        app, monkeypatch):
    month_end = local_day_start(
        (local_today(utcnow()).replace(day=28) + timedelta(days=5)).replace(day=1))
    clock = [month_end - timedelta(hours=1)]  # flushed an hour before the month turns
    monkeypatch.setattr(models, "utcnow", lambda: clock[0])
    before = settled_count()
    hazard = make_hazard("reported", found_at=month_end - timedelta(hours=1))
    db.session.flush()
    clock[0] = month_end + timedelta(minutes=1)  # committed in the next month
    db.session.commit()
    assert hazard.found_at < month_end
    assert settled_count() == before + 1
