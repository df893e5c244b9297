"""A refused photo reads the same on the pages and over the API: one wording for each reason."""

import io
import uuid

import pytest
from markupsafe import escape

from app.photos.pipeline import REASONS
from app.photos.refusals import photo_refusal
from tests.api.conftest import bearer, upload
from tests.factories import make_location, make_template
from tests.photos.test_hostile_uploads import post_checklist

NOT_AN_IMAGE = b"%PDF-1.7 a document, not a photo"


@pytest.fixture
def place(app):
    location = make_location()
    template = make_template(location.location_type, items=1)
    return location, template.current_version


def test_every_reason_has_its_own_wording(app):
    wordings = [photo_refusal(reason) for reason in REASONS]
    assert photo_refusal("no such reason") not in wordings
    assert len(set(wordings)) == len(REASONS)


def test_refusal_reads_the_same_on_the_pages_and_over_the_api(client, login, place):
    location, version = place
    user = login("inspector")
    api = upload(client, bearer(user), location, data=NOT_AN_IMAGE)
    checklist = post_checklist(client, location, version, NOT_AN_IMAGE)
    report = client.post("/hazards/new", content_type="multipart/form-data", data={
        "location": location.code, "form_id": uuid.uuid4().hex, "level": "general",
        "description": "漏电", "photos": (io.BytesIO(NOT_AN_IMAGE), "photo.jpg")})
    assert api.status_code == 422
    assert api.json["errors"]["file"] == [api.json["message"]]
    assert (checklist.status_code, report.status_code) == (400, 400)
    assert str(escape(api.json["message"])) in checklist.text
    assert str(escape(api.json["message"])) in report.text
