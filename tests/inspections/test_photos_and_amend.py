"""Photos are served only to those who may see their record; the finder amends a new card."""

import pytest

from app.extensions import db
from app.hazards import workflow
from app.photos.models import Photo
from app.photos.pipeline import Watermark, process
from app.photos.store import photo_store
from tests.factories import make_department, make_hazard, make_inspection, make_user
from tests.images import jpeg


@pytest.fixture
def stored_photo(app):
    inspection = make_inspection(outcomes=("fail",))
    photo = process(jpeg(), Watermark("X", "2026-11-24 14:00", "李强"))
    photo_store().save(photo.image, photo.sha256)
    inspection.results[0].photos.append(Photo(
        sha256=photo.sha256, thumb_sha256=photo.thumb_sha256, width=photo.width,
        height=photo.height, size_bytes=len(photo.image), uploaded_by=inspection.inspector))
    db.session.commit()
    return inspection, photo


def test_photo_is_served_with_long_private_caching(client, login, stored_photo):
    inspection, photo = stored_photo
    login("dept_lead", department=inspection.location.department)
    response = client.get(f"/photos/{photo.sha256}.jpg")
    assert response.status_code == 200 and response.data == photo.image
    cache = response.headers["Cache-Control"]
    assert "private" in cache and "max-age=31536000" in cache and "immutable" in cache
    again = client.get(f"/photos/{photo.sha256}.jpg",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_lead_of_another_department_gets_no_photo(client, login, stored_photo):
    _inspection, photo = stored_photo
    login("dept_lead", department=make_department())
    assert client.get(f"/photos/{photo.sha256}.jpg").status_code == 404


def test_photo_address_must_be_the_exact_lowercase_hash(client, login, stored_photo):
    _inspection, photo = stored_photo
    login("admin")
    assert client.get(f"/photos/{photo.sha256}.jpg").status_code == 200
    assert client.get(f"/photos/{photo.sha256.upper()}.jpg").status_code == 404
    assert client.get("/photos/..%2F..%2Fetc%2Fpasswd.jpg").status_code == 404


def test_finder_amends_level_and_description_as_a_chained_event(client, login):
    finder = login("inspector")
    hazard = make_hazard(reporter=finder)
    db.session.commit()
    response = client.post(f"/hazards/{hazard.number}/amend",
                           data={"level": "major", "description": "液氧管道接头泄漏"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (hazard.level, hazard.description) == ("major", "液氧管道接头泄漏")
    event = hazard.events[-1]
    assert event.action == "amend" and event.data["level"] == ["general", "major"]
    assert event.hash == workflow.event_hash(hazard.number, event)


def test_someone_else_cannot_amend_the_card(client, login):
    hazard = make_hazard(reporter=make_user("inspector"))
    db.session.commit()
    login("inspector")
    response = client.post(f"/hazards/{hazard.number}/amend",
                           data={"level": "major", "description": "x"})
    assert response.status_code == 409 and "Only the person who reported it" in response.text
    db.session.expire_all()
    assert hazard.level == "general" and len(hazard.events) == 1


def test_an_assigned_card_can_no_longer_be_amended(app, english):
    finder = make_user("inspector")
    hazard = make_hazard(status="assigned", reporter=finder)
    with pytest.raises(workflow.DomainError, match="before it is assigned"):
        workflow.amend(hazard, actor=finder, level="major", description="x")
