"""A full or unwritable photo disk: 507 storage.full or 503 storage.unavailable with
Retry-After and the cause; nothing half-written; inspections without photos still accepted."""

import errno
import io
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.inspections.models import Inspection
from app.photos.models import Photo
from tests.api.conftest import bearer, inspection_body
from tests.factories import make_user
from tests.faults.conftest import checklist_form, stored_files
from tests.images import jpeg


@pytest.fixture
def guard(app):
    return bearer(make_user("inspector"))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, headers, location):
    return client.post("/api/v1/photos", headers=headers, content_type="multipart/form-data",
                       data={"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
                             "file": (io.BytesIO(jpeg()), "p.jpg")})


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT], ids=errno.errorcode.get)
def test_upload_to_a_full_disk_answers_storage_full(client, place, guard, failing_disk, code):
    failing_disk(code)
    response = _upload(client, guard, place[0])
    assert response.status_code == 507
    assert response.json["code"] == "storage.full"
    assert "storage is full" in response.json["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 300


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.EIO],
                         ids=errno.errorcode.get)
def test_upload_to_an_unwritable_disk_answers_storage_unavailable(client, place, guard,
                                                                 failing_disk, code):
    failing_disk(code)
    response = _upload(client, guard, place[0])
    assert response.status_code == 503
    assert response.json["code"] == "storage.unavailable"
    assert 1 <= int(response.headers["Retry-After"]) <= 300


def test_full_disk_leaves_nothing_half_written(client, place, guard, failing_disk):
    failing_disk(errno.ENOSPC)
    _upload(client, guard, place[0])
    assert stored_files(client.application) == []
    assert _count(Photo) == 0


def test_photo_written_before_its_thumbnail_failed_is_removed(client, place, guard,
                                                              failing_disk):
    failing_disk(errno.ENOSPC, after=1)  # the photo's own file is written, its thumbnail not
    assert _upload(client, guard, place[0]).status_code == 507
    assert stored_files(client.application) == []


def test_disk_that_cannot_even_remove_what_it_wrote_still_answers_the_fault(
        client, place, guard, failing_disk, monkeypatch):
    # A disk remounted read-only after the photo was written: the clean-up fails too, and the
    # phone must still get the 503 with Retry-After (flask photos gc removes the file later).
    failing_disk(errno.EROFS, after=1)

    def read_only(*_args, **_kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", read_only)
    response = _upload(client, guard, place[0])
    assert response.status_code == 503
    assert response.json["code"] == "storage.unavailable"


def test_unreadable_photo_folder_answers_storage_unavailable(client, place, guard,
                                                             monkeypatch):
    def denied(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "utime", denied)
    monkeypatch.setattr(Path, "is_file", denied)
    response = _upload(client, guard, place[0])
    assert response.status_code == 503
    assert response.json["code"] == "storage.unavailable"


def test_inspection_without_photos_is_accepted_while_the_disk_is_full(client, place, guard,
                                                                     failing_disk):
    failing_disk(errno.ENOSPC)
    response = client.post("/api/v1/inspections", headers=guard,
                           json=inspection_body(*place))
    assert response.status_code == 201
    assert _count(Inspection) == 1


def test_checklist_page_without_photos_is_accepted_while_the_disk_is_full(
        client, login, place, failing_disk):
    login("inspector")
    failing_disk(errno.ENOSPC)
    response = client.post("/locations/PWR-1F-01/inspect", data=checklist_form(place[1]))
    assert response.status_code == 303
    assert _count(Inspection) == 1


def test_checklist_page_with_a_photo_on_a_full_disk_names_the_cause(client, login, place,
                                                                    failing_disk):
    login("inspector")
    failing_disk(errno.ENOSPC)
    response = client.post("/locations/PWR-1F-01/inspect", content_type="multipart/form-data",
                           data=checklist_form(place[1], photo=True))
    assert response.status_code == 507
    assert "photo storage is full" in response.text
    assert "Tell the safety office" in response.text
    assert "Retry-After" in response.headers
    assert _count(Inspection) == 0
    assert stored_files(client.application) == []


def test_refused_checklist_keeps_its_photos_for_the_form_shown_again(client, login, place):
    login("inspector")
    a, b = place[1].items
    data = checklist_form(place[1], photo=True)
    del data[f"i{b.id}-outcome"]  # unanswered: refused, not a fault
    response = client.post("/locations/PWR-1F-01/inspect", content_type="multipart/form-data",
                           data=data)
    assert response.status_code == 400
    assert len(stored_files(client.application)) == 2  # the photo and its thumbnail
