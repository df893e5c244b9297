"""重复隐患: which failures are recurring, which earlier cards they are linked to, and what the
chain records."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.checklists import services as checklists
from app.extensions import db
from app.hazards import workflow
from app.recurrence import queries, services
from app.recurrence.models import HazardRecurrence
from tests.factories import (
    make_failed_item_hazard,
    make_hazard,
    make_location,
    make_photo,
    make_template,
    make_user,
)

T0 = datetime(2026, 6, 1, 2, 0)


def place():
    location = make_location()
    return location, make_template(location.location_type, items=3).current_version


def close(hazard, at):
    """Walk an open card to closed at `at`."""
    manager, lead = make_user("manager"), make_user("dept_lead", department=hazard.department)
    workflow.apply(hazard, "assign", actor=manager, at=at)
    workflow.apply(hazard, "start", actor=lead, at=at)
    workflow.apply(hazard, "submit", actor=lead, photos=[make_photo(lead)], at=at)
    if workflow.needs_review(hazard):
        workflow.review(hazard, actor=lead, cause="c", responsibility="r", measures="m",
                        training="t", at=at)
    workflow.apply(hazard, "verify", actor=manager, at=at)


def test_a_second_failure_while_the_first_card_is_open_is_recurring(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0)
    second = make_failed_item_hazard(location, version, at=T0 + timedelta(days=200))
    assert (first.recurring, second.recurring) == (False, True)
    assert queries.recurs_of(second) == [first]


def test_the_report_event_names_the_earlier_cards_in_the_chain(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0)
    second = make_failed_item_hazard(location, version, at=T0 + timedelta(days=1))
    report = second.events[0]
    assert report.data["recurs"] == [first.number]
    assert report.hash == workflow.event_hash(second.number, report)


def test_a_card_closed_within_the_window_makes_the_next_failure_recurring(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0)
    close(first, T0 + timedelta(days=5))
    second = make_failed_item_hazard(location, version, at=T0 + timedelta(days=5 + 90))
    assert second.recurring


def test_the_window_counts_calendar_days_not_hours(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0)
    close(first, T0 + timedelta(hours=6))  # 16:00 in Beijing on the first day
    # Ninety days later at 17:00: an hour past ninety times 24 hours, still the 90th day.
    second = make_failed_item_hazard(location, version, at=T0 + timedelta(days=90, hours=7))
    assert second.recurring


def test_a_card_closed_before_the_window_does_not(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0)
    close(first, T0 + timedelta(days=5))
    second = make_failed_item_hazard(location, version, at=T0 + timedelta(days=5 + 91))
    assert not second.recurring


def test_the_window_is_the_administrators_setting(app):
    location, version = place()
    services.set_window_days(make_user("admin"), 10)
    first = make_failed_item_hazard(location, version, at=T0)
    close(first, T0)
    later = make_failed_item_hazard(location, version, at=T0 + timedelta(days=11))
    assert not later.recurring


def test_another_item_or_another_place_is_not_recurring(app):
    location, version = place()
    make_failed_item_hazard(location, version, at=T0)
    other_item = make_failed_item_hazard(location, version, at=T0, item=1)
    elsewhere = make_location(location_type=location.location_type)
    other_place = make_failed_item_hazard(elsewhere, version, at=T0)
    assert (other_item.recurring, other_place.recurring) == (False, False)


def test_the_same_item_in_a_later_checklist_version_is_the_same_item(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0, item=1)
    version.first_served_at = T0  # used: editing forks version 2
    template = version.template
    checklists.remove_item(make_user("admin"), template, 1)  # positions move up
    fork = template.current_version
    assert fork.number == 2 and fork.items[0].item_key == version.items[1].item_key
    second = make_failed_item_hazard(location, fork, at=T0 + timedelta(days=3), item=0)
    assert queries.recurs_of(second) == [first]


def test_a_cancelled_card_is_no_earlier_occurrence(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0)
    workflow.apply(first, "cancel", actor=make_user("manager"), note="误报", reason="false_report")
    assert not make_failed_item_hazard(location, version, at=T0 + timedelta(days=1)).recurring


def test_directly_reported_hazards_are_never_recurring(app):
    location = make_location()
    make_hazard(location=location)
    assert not make_hazard(location=location).recurring


def test_a_third_failure_links_every_earlier_card_still_in_play(app):
    location, version = place()
    first = make_failed_item_hazard(location, version, at=T0)
    second = make_failed_item_hazard(location, version, at=T0 + timedelta(days=1))
    third = make_failed_item_hazard(location, version, at=T0 + timedelta(days=2))
    assert queries.recurs_of(third) == [first, second]
    assert queries.recurred_by(first) == [second, third]
    db.session.flush()
    links = db.session.scalars(select(HazardRecurrence.earlier_id)
                               .where(HazardRecurrence.hazard_id == third.id)).all()
    assert sorted(links) == sorted([first.id, second.id])


def test_a_failure_submitted_through_a_checklist_is_marked(app):
    from app.inspections.services import Answer, submit_inspection

    location, version = place()
    inspector = make_user("inspector")
    answers = {item.id: Answer(outcome="pass") for item in version.items}
    answers[version.items[0].id] = Answer(outcome="fail")
    first, _ = submit_inspection(inspector, location=location, version=version, kind="patrol",
                                 uuid="00000000-0000-4000-8000-000000000001",
                                 answers=answers, now=T0)
    second, _ = submit_inspection(inspector, location=location, version=version,
                                  kind="patrol", uuid="00000000-0000-4000-8000-000000000002",
                                  answers=answers, now=T0 + timedelta(days=1))
    hazard = db.session.scalar(select(workflow.Hazard).where(
        workflow.Hazard.item_result_id == second.results[0].id))
    assert hazard.recurring and hazard.events[0].data["recurs"]
