"""A marked photo and its original through the three ways photos arrive (the checklist form,
the API upload the phone's outbox uses, a hazard move's form): both stored, both hashes in the
hazard's chained history, the original served only to those who may see the record."""

import io
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.hazards.models import Hazard
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.api.conftest import bearer, inspection_body
from tests.factories import make_department, make_hazard, make_location, make_template, make_user
from tests.images import jpeg


@pytest.fixture
def place(app):
    location = make_location(code="PWR-1F-01")
    template = make_template(location.location_type, items=2)
    db.session.commit()
    return location, template.current_version


def marked_and_original(name="m.jpg"):
    """The marked copy (redder) and the untouched photo, under the same file name."""
    return (io.BytesIO(jpeg(color=(200, 30, 30))), name), (io.BytesIO(jpeg()), name)


def checklist_with_a_marked_failure(client, place):
    location, version = place
    a, b = version.items
    marked, original = marked_and_original()
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(version.id),
            f"i{a.id}-outcome": "fail", f"i{b.id}-outcome": "pass",
            f"i{a.id}-photos": marked, f"i{a.id}-photos-originals": original}
    return client.post(f"/locations/{location.code}/inspect", data=data,
                       content_type="multipart/form-data")


def test_checklist_form_stores_the_marked_copy_and_its_original(client, login, place):
    login("inspector")
    assert checklist_with_a_marked_failure(client, place).status_code == 303
    hazard = db.session.scalar(select(Hazard))
    [photo] = hazard.item_result.photos
    assert photo.original_sha256 and photo.original_sha256 != photo.sha256
    assert photo_store().exists(photo.sha256) and photo_store().exists(photo.original_sha256)
    report = hazard.events[0].data
    assert report["item_photos"] == [photo.sha256]
    assert report["originals"] == {photo.sha256: photo.original_sha256}


def test_the_inspection_and_card_show_the_marked_copy_with_the_original_a_tap_away(
        client, login, place):
    login("inspector")
    inspection_page = checklist_with_a_marked_failure(client, place).location
    photo = db.session.scalar(select(Photo))
    for page in (client.get(inspection_page).text,
                 client.get(f"/hazards/{db.session.scalar(select(Hazard.number))}").text):
        assert f'href="/photos/{photo.sha256}.jpg"><img' in page
        assert f'class="original-link" href="/photos/{photo.original_sha256}.jpg"' in page


def test_the_original_is_served_only_to_those_who_see_the_record(client, login, place):
    login("inspector")
    checklist_with_a_marked_failure(client, place)
    original = db.session.scalar(select(Photo.original_sha256))
    client.post("/logout")
    login("dept_lead", department=make_department())
    assert client.get(f"/photos/{original}.jpg").status_code == 404
    client.post("/logout")
    login("dept_lead", department=place[0].department)
    assert client.get(f"/photos/{original}.jpg").status_code == 200


def test_api_pair_upload_stores_both_and_the_inspection_chains_both(client, place):
    location, version = place
    headers = bearer(make_user("inspector"))
    marked, original = marked_and_original()
    response = client.post("/api/v1/photos", headers=headers, content_type="multipart/form-data",
                           data={"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
                                 "file": marked, "original": original})
    assert response.status_code == 201
    sent = response.json
    assert sent["original_sha256"] and sent["original_url"] == \
        f"/photos/{sent['original_sha256']}.jpg"
    assert photo_store().exists(sent["original_sha256"])
    body = inspection_body(location, version, outcomes=("fail", "pass"))
    body["answers"][0]["photos"] = [sent["uuid"]]
    assert client.post("/api/v1/inspections", json=body, headers=headers).status_code == 201
    report = db.session.scalar(select(Hazard)).events[0].data
    assert report["originals"] == {sent["sha256"]: sent["original_sha256"]}


def test_api_upload_without_an_original_is_a_plain_photo(client, place):
    location, _version = place
    headers = bearer(make_user("inspector"))
    response = client.post("/api/v1/photos", headers=headers, content_type="multipart/form-data",
                           data={"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
                                 "file": (io.BytesIO(jpeg()), "p.jpg")})
    assert response.status_code == 201
    assert response.json["original_sha256"] is None and response.json["original_url"] is None


def test_an_original_that_is_not_a_photo_is_refused_and_nothing_is_stored(client, place):
    location, _version = place
    headers = bearer(make_user("inspector"))
    marked, _original = marked_and_original()
    response = client.post("/api/v1/photos", headers=headers, content_type="multipart/form-data",
                           data={"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
                                 "file": marked, "original": (io.BytesIO(b"not a photo"), "m.jpg")})
    assert response.status_code == 422
    assert db.session.scalar(select(Photo)) is None


def test_a_move_with_a_marked_after_photo_chains_both_hashes(client, login):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    marked, original = marked_and_original("after.jpg")
    response = client.post(f"/hazards/{hazard.number}/moves/submit",
                           data={"photos": marked, "photos-originals": original},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.refresh(hazard)
    event = hazard.events[-1]
    [photo] = event.photos
    assert photo.original_sha256 and photo_store().exists(photo.original_sha256)
    assert event.data["originals"] == {photo.sha256: photo.original_sha256}
