"""四不放过: recurring and major cards close only after a four-don'ts review; who files it,
what it needs, and how a revision is kept."""

import pytest

from app.common.errors import DomainError
from app.hazards import workflow
from tests.factories import make_department, make_hazard, make_photo, make_user
from tests.recurrence.cards import TEXTS, recurring_card


def test_verify_is_refused_without_a_review(app, english):
    hazard = recurring_card("awaiting_verification")
    with pytest.raises(workflow.ReviewRequired, match="four-don'ts review"):
        workflow.apply(hazard, "verify", actor=make_user("manager"))
    assert hazard.status == "awaiting_verification"


def test_verify_closes_once_the_review_is_filed(app):
    hazard = recurring_card("awaiting_verification")
    workflow.review(hazard, actor=make_user("manager"), **TEXTS)
    workflow.apply(hazard, "verify", actor=make_user("manager"))
    assert hazard.status == "closed"


def test_a_major_hazard_needs_a_review_too(app):
    hazard = make_hazard("awaiting_verification", level="major")
    assert not hazard.recurring
    with pytest.raises(workflow.ReviewRequired):
        workflow.apply(hazard, "verify", actor=make_user("manager"))


def test_a_general_first_occurrence_needs_none(app):
    hazard = make_hazard("awaiting_verification")
    workflow.apply(hazard, "verify", actor=make_user("manager"))
    assert hazard.status == "closed" and workflow.current_review(hazard) is None


def test_a_recurring_card_cannot_be_fixed_on_the_spot(app, english):
    hazard = recurring_card()
    finder = hazard.reported_by
    assert "fix_on_site" not in workflow.allowed_moves(hazard, finder)
    with pytest.raises(DomainError, match="recurring hazard cannot be closed") as refused:
        workflow.apply(hazard, "fix_on_site", actor=finder, photos=[make_photo(finder)])
    assert refused.value.forbidden and hazard.status == "reported"


@pytest.mark.parametrize("missing", list(TEXTS))
def test_each_of_the_four_parts_is_required(app, missing):
    hazard = recurring_card()
    with pytest.raises(DomainError) as refused:
        workflow.review(hazard, actor=make_user("manager"), **{**TEXTS, missing: "  "})
    assert refused.value.field == missing and workflow.current_review(hazard) is None


@pytest.mark.parametrize(("who", "allowed"), [
    ("manager", True), ("admin", True), ("lead", True), ("other_lead", False),
    ("inspector", False), ("viewer", False)])
def test_a_manager_or_the_departments_lead_files_it(app, who, allowed):
    hazard = recurring_card()
    actor = {"lead": lambda: make_user("dept_lead", department=hazard.department),
             "other_lead": lambda: make_user("dept_lead", department=make_department())}.get(
        who, lambda: make_user(who))()
    if allowed:
        assert workflow.review(hazard, actor=actor, **TEXTS).action == "review"
    else:
        with pytest.raises(DomainError) as refused:
            workflow.review(hazard, actor=actor, **TEXTS)
        assert refused.value.forbidden


def test_a_closed_card_takes_no_review(app):
    hazard = make_hazard("closed", level="major")
    with pytest.raises(DomainError) as refused:
        workflow.review(hazard, actor=make_user("manager"), **TEXTS)
    assert not refused.value.forbidden  # the card's state, not the person


def test_a_revision_is_a_new_chained_event_and_the_latest_counts(app):
    hazard = recurring_card("rectifying")
    manager = make_user("manager")
    first = workflow.review(hazard, actor=manager, **TEXTS)
    second = workflow.review(hazard, actor=manager, **{**TEXTS, "training": "全院培训"})
    assert workflow.current_review(hazard) is second
    assert second.prev_hash == first.hash and second.data["training"] == "全院培训"
    assert all(e.hash == workflow.event_hash(hazard.number, e) for e in hazard.events)


def test_the_same_review_again_changes_nothing(app):
    hazard = recurring_card()
    manager = make_user("manager")
    workflow.review(hazard, actor=manager, **TEXTS)
    count = len(hazard.events)
    assert workflow.review(hazard, actor=manager, **TEXTS) is None
    assert len(hazard.events) == count
