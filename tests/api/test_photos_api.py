"""Uploading photos one by one through the API."""

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.api.conftest import upload
from tests.images import jpeg


def test_an_upload_is_processed_and_stored(app, client, place, api_user):
    location, _version = place
    _user, headers = api_user()
    response = upload(client, headers, location, data=jpeg(3000, 2000))
    assert response.status_code == 201
    assert (response.json["width"], response.json["height"]) == (2048, 1365)
    assert photo_store().exists(response.json["sha256"])


def test_the_same_uuid_again_is_the_same_photo(client, place, api_user):
    location, _version = place
    _user, headers = api_user()
    first = upload(client, headers, location, photo_uuid="0b7f7a4e-3c1e-4d0a-9a55-6f1c2b3d4e5f")
    again = upload(client, headers, location, photo_uuid="0b7f7a4e-3c1e-4d0a-9a55-6f1c2b3d4e5f")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1


def test_a_file_that_is_not_a_photo_is_refused_beside_the_file(client, place, api_user):
    location, _version = place
    _user, headers = api_user()
    response = upload(client, headers, location, data=b"%PDF-1.4 not a photo")
    assert response.status_code == 422
    assert response.json["errors"]["file"] == [response.json["message"]]
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_the_phones_capture_time_stands_in_for_missing_exif(client, place, api_user):
    from app.common.time import utcnow

    location, _version = place
    _user, headers = api_user()
    taken = utcnow().replace(microsecond=0)
    response = upload(client, headers, location, taken_at=taken.isoformat() + "Z")
    assert response.json["taken_at"] == taken.isoformat() + "Z"


def test_an_unbelievable_capture_time_is_ignored(client, place, api_user):
    location, _version = place
    _user, headers = api_user()
    response = upload(client, headers, location, taken_at="2001-01-01T00:00:00Z")
    assert response.json["taken_at"] is None


def test_exif_time_wins_over_the_phones(client, place, api_user):
    location, _version = place
    _user, headers = api_user()
    response = upload(client, headers, location, data=jpeg(taken_at=datetime(2026, 11, 24, 9)),
                      taken_at="2026-11-24T05:00:00Z")
    assert response.json["taken_at"] == "2026-11-24T01:00:00Z"  # 09:00 in Shanghai


def test_a_body_too_large_is_a_json_413(app, client, place, api_user):
    location, _version = place
    _user, headers = api_user()
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(client, headers, location, data=jpeg(800, 600) + b"\0" * 20_000)
    assert response.status_code == 413
    assert response.is_json and "larger than the server accepts" in response.json["message"]


def test_a_lead_may_not_upload_for_another_departments_place(client, place, api_user):
    location, _version = place
    _lead, headers = api_user("dept_lead")
    assert upload(client, headers, location).status_code == 403


def test_an_upload_needs_a_place(client, api_user):
    import io
    import uuid

    _user, headers = api_user()
    response = client.post("/api/v1/photos", headers=headers, content_type="multipart/form-data",
                           data={"uuid": str(uuid.uuid4()), "file": (io.BytesIO(jpeg()), "p.jpg")})
    assert response.status_code == 422
    assert "location_token" in response.json["errors"]
