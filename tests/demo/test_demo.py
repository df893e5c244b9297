"""The demo hospital: big enough to show every page, and loading it twice adds nothing."""

import pytest
from sqlalchemy import func, select

from app import models
from app.common.permissions import ROLES
from app.common.vocab import HAZARD_STATUSES
from app.demo.loader import load_demo
from app.extensions import db
from app.hazards.workflow import event_hash
from tests.demo.conftest import NOW

# One worker loads the demo once for all of these (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo")


def _counts():
    return {name: db.session.scalar(select(func.count()).select_from(getattr(models, name)))
            for name in models.__all__}


def test_demo_loads_a_realistic_hospital_once(demo):
    first = _counts()
    load_demo(now=NOW, log=lambda _: None)
    assert _counts() == first

    assert first["Location"] >= 30
    type_ids = models.Location.location_type_id
    types_used = db.session.scalar(select(func.count(func.distinct(type_ids))))
    assert types_used >= 8
    item_counts = db.session.scalars(
        select(func.count(models.ChecklistItem.id)).group_by(models.ChecklistItem.version_id)
    ).all()
    assert item_counts and all(8 <= n <= 15 for n in item_counts)
    roles = set(db.session.scalars(select(models.User.role)))
    assert roles == set(ROLES)
    statuses = set(db.session.scalars(select(models.Hazard.status)))
    assert statuses == set(HAZARD_STATUSES)
    codes = set(db.session.scalars(select(models.Department.code)))
    assert {"ZWK", "SBK", "BWK", "CWK", "YWK", "HLB", "YGK", "YJK", "JYK"} <= codes
    # Loaded twice, its anchors for the past days (app/demo/anchors.py) verify.
    result = demo.test_cli_runner().invoke(args=["audit", "verify", "--anchors"])
    assert result.exit_code == 0, result.output


def test_demo_history_is_written_through_the_workflow(demo):
    hazard = db.session.scalar(select(models.Hazard).where(
        models.Hazard.status == "closed", models.Hazard.rectified_on_site.is_(False)))
    assert hazard.events[0].action == "report" and hazard.events[-1].action == "verify"
    assert hazard.verified_by_id == hazard.events[-1].actor_id
    assert all(e.hash == event_hash(hazard.number, e) for e in hazard.events)
    assert hazard.item_result.outcome == "fail"


def test_demo_schedules_are_mostly_met_with_a_few_misses(demo):
    from datetime import datetime

    from app.schedules.coverage import compute

    month = compute(datetime(2026, 11, 1), now=NOW)
    assert 0.85 <= month.rate <= 0.97 and month.missed > 0
    assert {s.frequency for s in month.schedules} >= {"shift", "daily", "weekly", "monthly"}
    today = compute(datetime(2026, 12, 2, 23, 59), now=NOW)
    assert today.missed > 0  # the wall screen has missed rounds to show


def test_demo_has_recurring_hazards_with_reviews(demo):
    from app.hazards.workflow import current_review
    from app.recurrence.queries import recurs_of

    cards = db.session.scalars(select(models.Hazard).where(
        models.Hazard.recurring, models.Hazard.category == "重复隐患")).all()
    assert len(cards) >= 4 and all(recurs_of(card) for card in cards)
    closed = [c for c in cards if c.status == "closed"]
    assert closed and all(current_review(c) is not None for c in closed)
    assert any(c.status == "awaiting_verification" and current_review(c) is None
               for c in cards)


def test_demo_shows_a_reassigned_card_and_a_supervised_one(demo):
    from app.hazards import escalation

    reassign = db.session.scalar(select(models.HazardEvent).where(
        models.HazardEvent.action == "reassign"))
    assert reassign is not None and reassign.note
    supervised = db.session.scalars(select(models.Hazard).where(
        models.Hazard.supervised_at.is_not(None))).all()
    assert supervised and all(h.is_supervised for h in supervised)
    viewer = db.session.scalar(select(models.User).where(models.User.username == "viewer"))
    assert escalation.leader_ids() == [viewer.id]
    for hazard in (reassign.hazard, supervised[0]):
        assert all(e.hash == event_hash(hazard.number, e) for e in hazard.events)
