"""Submitting an inspection: results, hazards from failures, idempotency by UUID."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.checklists import services as checklist_services
from app.checklists.models import ChecklistItem
from app.extensions import db
from app.hazards.models import Hazard
from app.inspections import services
from app.inspections.models import Inspection
from app.inspections.services import Answer, AnswerErrors
from app.photos.models import Photo
from app.photos.pipeline import Watermark, process
from tests.factories import make_location, make_template, make_user
from tests.images import jpeg


@pytest.fixture
def place(app):
    """A location whose checklist has two pass/fail items and a pressure reading (0.2–0.8)."""
    location = make_location()
    template = make_template(location.location_type, items=2)
    version = template.current_version
    version.items.append(ChecklistItem(position=3, kind="number", prompt_zh="储罐压力",
                                       prompt_en="Tank pressure", min_value=0.2, max_value=0.8,
                                       unit="MPa", default_level="major"))
    db.session.flush()
    return location, version


def _submit(location, version, answers, actor=None, **kwargs):
    kwargs.setdefault("uuid", str(uuid.uuid4()))
    return services.submit_inspection(actor or make_user("inspector"), location=location,
                                      version=version, kind=kwargs.pop("kind", "patrol"),
                                      answers=answers, **kwargs)


def _all(version):
    """Every item of the fixture's version answered within its limits."""
    items = version.items
    return {items[0].id: Answer("pass"), items[1].id: Answer("pass"),
            items[2].id: Answer(number=0.5)}


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_all_clear_inspection_stores_results_and_no_hazards(place):
    location, version = place
    inspection, created = _submit(location, version, _all(version))
    assert created
    assert [r.outcome for r in inspection.results] == ["pass", "pass", "pass"]
    assert _count(Hazard) == 0


def test_failed_item_opens_a_reported_hazard_card(place):
    location, version = place
    item = version.items[0]
    inspection, _ = _submit(location, version,
                            _all(version) | {item.id: Answer("fail", note="灭火器压力不足")})
    hazard = db.session.scalar(select(Hazard))
    assert hazard.status == "reported"
    assert hazard.description == "灭火器压力不足"
    assert hazard.department_id == location.department_id
    assert hazard.level == item.default_level
    assert hazard.item_result.inspection_id == inspection.id
    assert hazard.number.startswith("YH-")


def test_reading_out_of_range_fails_and_keeps_the_reading(place):
    location, version = place
    reading = version.items[2]
    inspection, _ = _submit(location, version, _all(version) | {reading.id: Answer(number=0.95)})
    result = next(r for r in inspection.results if r.item_id == reading.id)
    assert result.outcome == "fail" and result.number_value == 0.95
    hazard = db.session.scalar(select(Hazard))
    assert hazard.level == "major" and "0.95" in hazard.description


def test_unanswered_required_item_is_refused_and_nothing_is_saved(place):
    location, version = place
    answers = _all(version)
    del answers[version.items[1].id]
    with pytest.raises(AnswerErrors) as refused:
        _submit(location, version, answers)
    assert list(refused.value.by_item) == [version.items[1].id]
    assert _count(Inspection) == 0


def test_failure_that_needs_a_photo_is_refused_without_one(place, english):
    location, version = place
    item = version.items[0]
    item.photo_required_on_fail = True
    with pytest.raises(AnswerErrors) as refused:
        _submit(location, version, _all(version) | {item.id: Answer("fail")})
    assert "photo" in refused.value.by_item[item.id]
    assert _count(Hazard) == 0


def test_item_that_always_needs_a_photo_is_refused_without_one(place, english):
    location, version = place
    reading = version.items[2]
    reading.photo_required = True
    with pytest.raises(AnswerErrors) as refused:
        _submit(location, version, _all(version))
    assert refused.value.by_item == {reading.id: "This item needs a photo."}
    assert _count(Inspection) == 0


def test_item_that_always_needs_a_photo_is_stored_with_one(place):
    location, version = place
    reading = version.items[2]
    reading.photo_required = True
    photo = process(jpeg(), Watermark(location.code, "2026-11-24 14:00", "李强"))
    _submit(location, version, _all(version) | {reading.id: Answer(number=0.5, photos=[photo])})
    assert _count(Inspection) == 1


def test_item_marked_not_applicable_needs_no_photo(place):
    location, version = place
    item = version.items[0]
    item.photo_required = True
    _submit(location, version, _all(version) | {item.id: Answer("na")})
    assert _count(Inspection) == 1


def test_all_pass_fills_the_unanswered_and_names_what_is_missing(place, english):
    location, version = place
    first, second, reading = version.items
    answers = {first.id: Answer("fail")}
    summary = services.fill_all_pass(version, answers)
    assert (answers[first.id].outcome, answers[second.id].outcome) == ("fail", "pass")
    assert summary.passed == 1
    assert summary.needed == [(reading, "Enter the reading.")]
    assert _count(Inspection) == 0


def test_all_pass_lists_an_optional_empty_reading_apart(place):
    location, version = place
    version.items[2].is_required = False
    summary = services.fill_all_pass(version, {})
    assert summary.passed == 2 and summary.needed == []
    assert summary.empty == [version.items[2]]


def test_photos_become_the_hazards_before_photos(place):
    location, version = place
    item = version.items[0]
    photo = process(jpeg(), Watermark(location.code, "2026-11-24 14:00", "李强"))
    inspection, _ = _submit(location, version,
                            _all(version) | {item.id: Answer("fail", photos=[photo])})
    hazard = db.session.scalar(select(Hazard))
    assert [p.sha256 for p in hazard.item_result.photos] == [photo.sha256]


def test_photo_taken_long_before_the_inspection_is_flagged(place):
    location, version = place
    item = version.items[0]
    started = datetime(2026, 11, 24, 6, 0)  # UTC: 14:00 in Shanghai
    old = process(jpeg(taken_at=datetime(2026, 11, 24, 9, 0)),  # Shanghai time, 5 h earlier
                  Watermark(location.code, "2026-11-24 14:00", "李强"))
    fresh = process(jpeg(taken_at=datetime(2026, 11, 24, 14, 3), color=(1, 2, 3)),
                    Watermark(location.code, "2026-11-24 14:03", "李强"))
    _submit(location, version, _all(version) | {item.id: Answer("fail", photos=[old, fresh])},
            started_at=started, now=started + timedelta(minutes=5))
    flags = dict(db.session.execute(select(Photo.sha256, Photo.is_possibly_off_site)).all())
    assert flags == {old.sha256: True, fresh.sha256: False}


def test_same_uuid_twice_returns_the_first_and_creates_nothing(place):
    location, version = place
    item = version.items[0]
    answers = _all(version) | {item.id: Answer("fail", note="漏气")}
    same, guard = "6a1f6f4e-8f53-4f43-9e8a-000000000001", make_user("inspector")
    first, created = _submit(location, version, answers, actor=guard, uuid=same)
    again, created_again = _submit(location, version, answers, actor=guard, uuid=same)
    assert created and not created_again and again.id == first.id
    assert _count(Inspection) == 1 and _count(Hazard) == 1


def test_checklist_opened_on_an_older_version_is_accepted_against_it(place):
    location, version = place
    template = version.template
    checklist_services.mark_served(version, datetime(2026, 11, 24))
    checklist_services.update_item(make_user("admin"), template, 1, kind="pass_fail",
                                   prompt_zh="新", prompt_en="New", default_level="general",
                                   is_required=True)
    assert template.current_version.number == 2
    inspection, _ = _submit(location, version, _all(version))
    assert inspection.version_id == version.id


def test_viewer_cannot_submit(place):
    location, version = place
    with pytest.raises(services.DomainError):
        _submit(location, version, _all(version), actor=make_user("viewer"))
    assert _count(Inspection) == 0


def test_checklist_of_another_location_type_is_refused(place):
    location, version = place
    other = make_template(items=1).current_version
    with pytest.raises(services.DomainError):
        _submit(location, other, {other.items[0].id: Answer("pass")})
