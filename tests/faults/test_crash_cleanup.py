"""Any request that ends in a server error removes the photo files it wrote, not only the
faults with answers of their own."""

import io
import sqlite3
import uuid

import pytest
from sqlalchemy.exc import OperationalError

from app.api import photos as photos_api
from tests.api.conftest import bearer
from tests.conftest import running_app
from tests.factories import make_location, make_user
from tests.faults.conftest import stored_files
from tests.images import jpeg


@pytest.fixture
def app(tmp_path, monkeypatch, database):
    """As in production: an exception no handler takes becomes the 500 answer."""
    with running_app(tmp_path, monkeypatch, tables_made=True, SQLALCHEMY_DATABASE_URI=database,
                     PROPAGATE_EXCEPTIONS=False) as app:
        yield app


def test_upload_that_crashes_after_storing_its_photo_removes_the_file(client, monkeypatch):
    location = make_location()
    headers = bearer(make_user("inspector"))
    stage_photo = photos_api.stage_photo

    def crash_after_storing(*args, **kwargs):
        stage_photo(*args, **kwargs)
        raise RuntimeError("a bug after the photo was stored")

    monkeypatch.setattr(photos_api, "stage_photo", crash_after_storing)
    response = client.post("/api/v1/photos", headers=headers,
                           content_type="multipart/form-data",
                           data={"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
                                 "file": (io.BytesIO(jpeg()), "p.jpg")})
    assert response.status_code == 500
    assert stored_files(client.application) == []


def test_database_fault_after_the_view_still_answers_busy(app, client):
    # An after-request step (the session's bookkeeping, say) meets the locked database: Flask
    # makes that a 500, and the fault's own answer is given instead.
    def locked(_response):
        raise OperationalError("UPDATE users", {}, sqlite3.OperationalError("database is locked"))

    app.after_request_funcs.setdefault(None, []).append(locked)
    response = client.get("/login")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
