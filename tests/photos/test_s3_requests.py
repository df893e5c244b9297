"""Photos in a bucket of a real S3 server (SeaweedFS): uploads by form and API land there; photos
and thumbnails are served from it through the permission checks; clean-up works in it."""

from datetime import timedelta
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError
from sqlalchemy import select

from app.common.time import utcnow
from app.extensions import db
from app.photos.gc import collect_photo_garbage
from app.photos.models import Photo
from app.photos.pipeline import Watermark, process
from app.photos.s3store import S3Store
from app.photos.store import photo_store
from tests.api.conftest import bearer, upload
from tests.factories import (
    make_department,
    make_inspection,
    make_location,
    make_template,
    make_user,
)
from tests.faults.conftest import checklist_form
from tests.images import jpeg


@pytest.fixture
def app(s3_app):
    return s3_app


@pytest.fixture
def place(app):
    """A place whose checklist has two pass/fail items; the first needs a photo on failure."""
    location = make_location(code="PWR-1F-01")
    template = make_template(location.location_type, items=2)
    template.current_version.items[0].photo_required_on_fail = True
    db.session.commit()
    return location, template.current_version


@pytest.fixture
def served(app):
    """A processed photo stored in the bucket and named by a failed item's row."""
    inspection = make_inspection(outcomes=("fail",))
    photo = process(jpeg(), Watermark("X", "2026-11-24 14:00", "李强"))
    photo_store().save_processed(photo)
    inspection.results[0].photos.append(Photo(
        sha256=photo.sha256, thumb_sha256=photo.thumb_sha256, width=photo.width,
        height=photo.height, size_bytes=len(photo.image), uploaded_by=inspection.inspector))
    db.session.commit()
    return inspection, photo


def bucket_keys() -> set[str]:
    return set(photo_store().keys())


def test_the_app_keeps_photos_in_the_bucket_its_settings_name(app):
    store = photo_store()
    assert isinstance(store, S3Store)
    assert store.describe() == app.config["PHOTO_STORE"]


def test_an_api_upload_is_stored_in_the_bucket(app, client, place):
    response = upload(client, bearer(make_user("inspector")), place[0])
    assert response.status_code == 201
    photo = db.session.scalars(select(Photo)).one()
    assert bucket_keys() == {photo.sha256, photo.thumb_sha256}
    assert photo_store().digest(photo.sha256) == photo.sha256


def test_a_checklist_form_photo_is_stored_in_the_bucket(client, login, place):
    login("inspector")
    response = client.post("/locations/PWR-1F-01/inspect", content_type="multipart/form-data",
                           data=checklist_form(place[1], photo=True))
    assert response.status_code == 303
    photo = db.session.scalars(select(Photo)).one()
    assert bucket_keys() == {photo.sha256, photo.thumb_sha256}


def test_a_photo_and_its_thumbnail_are_served_from_the_bucket(client, login, served):
    inspection, photo = served
    login("dept_lead", department=inspection.location.department)
    image = client.get(f"/photos/{photo.sha256}.jpg")
    thumb = client.get(f"/photos/{photo.thumb_sha256}/thumb.jpg")
    assert (image.status_code, image.data, image.mimetype) == (200, photo.image, "image/jpeg")
    assert (thumb.status_code, thumb.data) == (200, photo.thumbnail)
    cache = image.headers["Cache-Control"]
    assert "private" in cache and "max-age=31536000" in cache and "immutable" in cache


def test_a_lead_of_another_department_gets_no_photo_from_the_bucket(client, login, served):
    _inspection, photo = served
    login("dept_lead", department=make_department())
    assert client.get(f"/photos/{photo.sha256}.jpg").status_code == 404
    assert client.get(f"/photos/{photo.thumb_sha256}/thumb.jpg").status_code == 404


def test_a_repeat_is_answered_304_without_asking_the_bucket(client, login, served,
                                                            monkeypatch):
    inspection, photo = served
    login("dept_lead", department=inspection.location.department)
    etag = client.get(f"/photos/{photo.sha256}.jpg").headers["ETag"]
    assert etag == f'"{photo.sha256}"'

    def unreachable(*_args, **_kwargs):
        raise AssertionError("the bucket was asked")

    monkeypatch.setattr(photo_store().client, "get_object", unreachable)
    monkeypatch.setattr(photo_store().client, "head_object", unreachable)
    again = client.get(f"/photos/{photo.sha256}.jpg", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_byte_range_of_a_photo_is_served_from_the_bucket(client, login, served):
    inspection, photo = served
    login("dept_lead", department=inspection.location.department)
    response = client.get(f"/photos/{photo.sha256}.jpg", headers={"Range": "bytes=0-99"})
    assert (response.status_code, response.data) == (206, photo.image[:100])


def test_a_photo_whose_object_is_gone_is_not_found(client, login, served):
    inspection, photo = served
    photo_store().delete(photo.sha256)
    login("dept_lead", department=inspection.location.department)
    assert client.get(f"/photos/{photo.sha256}.jpg").status_code == 404


def test_gc_removes_objects_no_row_names_and_keeps_the_rest(served):
    _inspection, photo = served
    orphan = photo_store().save(b"a refused form's photo, never claimed")
    later = utcnow() + timedelta(days=30)  # the orphan is past any grace period then
    found = collect_photo_garbage(days=7, apply=True, now=later)
    assert (found.files, found.bytes) == (1, len(b"a refused form's photo, never claimed"))
    assert bucket_keys() == {photo.sha256, photo.thumb_sha256}
    assert orphan not in bucket_keys()


def test_gc_keeps_an_object_younger_than_the_grace_period(served):
    orphan = photo_store().save(b"uploaded a moment ago")
    found = collect_photo_garbage(days=7, apply=True)
    assert (found.files, found.young_files) == (0, 1)
    assert orphan in bucket_keys()


def test_gc_keeps_an_object_stored_again_since_it_was_listed(served, monkeypatch):
    # The same photo uploaded again while gc runs: its object is dated anew, and gc, which
    # looks again just before deleting, keeps it.
    orphan = photo_store().save(b"sent again by a phone's outbox")
    later = utcnow() + timedelta(days=30)
    stored_at = S3Store.stored_at
    looks = []

    def stored_again_after_the_first_look(store, key):
        looks.append(key)
        if len(looks) == 2:
            return later  # dated anew since the first look
        return stored_at(store, key)

    monkeypatch.setattr(S3Store, "stored_at", stored_again_after_the_first_look)
    found = collect_photo_garbage(days=7, apply=True, now=later)
    assert found.files == 0
    assert orphan in bucket_keys()


def test_an_object_written_by_a_request_that_failed_is_removed_from_the_bucket(
        client, place, monkeypatch):
    # The photo is put, its thumbnail is not: the request answers 503 and leaves nothing.
    put_object = photo_store().client.put_object
    puts = []

    def second_put_fails(**kwargs):
        puts.append(kwargs["Key"])
        if len(puts) > 1:
            raise EndpointConnectionError(endpoint_url="http://s3.invalid")
        return put_object(**kwargs)

    monkeypatch.setattr(photo_store().client, "put_object", second_put_fails)
    response = upload(client, bearer(make_user("inspector")), place[0])
    assert response.status_code == 503
    assert response.json["code"] == "storage.unavailable"
    assert len(puts) == 2
    assert bucket_keys() == set()


def test_a_refused_checklist_keeps_its_photos_in_the_bucket(client, login, place):
    login("inspector")
    data = checklist_form(place[1], photo=True)
    del data[f"i{place[1].items[1].id}-outcome"]  # unanswered: refused, not a fault
    response = client.post("/locations/PWR-1F-01/inspect", content_type="multipart/form-data",
                           data=data)
    assert response.status_code == 400
    assert len(bucket_keys()) == 2  # the photo and its thumbnail, for the form shown again


def test_nothing_is_written_to_the_photo_folder(app, client, place):
    assert upload(client, bearer(make_user("inspector")), place[0]).status_code == 201
    assert [p for p in Path(app.config["PHOTO_DIR"]).rglob("*") if p.is_file()] == []
