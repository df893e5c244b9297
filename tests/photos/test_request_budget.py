"""The photos of one request share a decoding budget: a form carrying many heavy photos gets
those beyond it refused beside their items, undecoded; each API upload has a budget of its own.
"""

import io
import uuid

import pytest
from flask_babel import force_locale
from markupsafe import escape
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import Inspection
from app.photos import budget
from app.photos.models import Photo
from app.photos.refusals import photo_refusal
from tests.api.conftest import bearer, upload
from tests.factories import make_location, make_template, make_user
from tests.hostile import encode, marked

# The largest JPEG decoded at full size: at half size it would fall under 95 % of 2048 × 1536.
HEAVY_SIZE = (3890, 2917)


@pytest.fixture(scope="module")
def heavy() -> bytes:
    return encode(Image.new("RGB", HEAVY_SIZE, (90, 140, 200)), quality=90)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def over_budget() -> str:
    with force_locale("en"):
        return str(escape(photo_refusal("over_request_budget")))


def checklist_with_photos(version, photos: list[bytes]) -> dict:
    """A checklist form failing each item with one of `photos`."""
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(version.id)}
    for item, photo in zip(version.items, photos, strict=True):
        data |= {f"i{item.id}-outcome": "fail", f"i{item.id}-note": "漏电",
                 f"i{item.id}-photos": (io.BytesIO(photo), f"{item.id}.jpg")}
    return data


def test_25_heavy_photos_in_one_checklist_form_are_decoded_only_up_to_the_budget(
        client, login, decoding, heavy):
    location = make_location()
    version = make_template(location.location_type, items=25).current_version
    db.session.commit()
    login("inspector")

    response = client.post(f"/locations/{location.code}/inspect",
                           data=checklist_with_photos(version, [heavy] * 25),
                           content_type="multipart/form-data")

    work = HEAVY_SIZE[0] * HEAVY_SIZE[1] + len(heavy) // 2 + budget.PHOTO_PIXELS
    fits = budget.REQUEST_PIXELS // work
    assert fits == 6 and len(decoding.sizes) == fits
    assert response.status_code == 400
    page = response.text
    assert page.count(over_budget()) == page.count('class="q has-error"') == 25 - fits
    kept = [f'name="i{item.id}-kept"' in page for item in version.items]
    assert kept == [True] * fits + [False] * (25 - fits)  # those read are kept for the retry
    assert count(Inspection) == 0 and count(Photo) == 0


def test_photos_and_after_photos_of_a_report_share_the_budget(client, login, decoding, heavy):
    location = make_location()
    db.session.commit()
    login("inspector")
    data = {"location": location.code, "level": "general", "description": "配电室门口堆放纸箱",
            "form_id": "f1", "fixed_on_site": "1", "fix_note": "已清理",
            "photos": [(io.BytesIO(heavy), f"b{n}.jpg") for n in range(4)],
            "after_photos": [(io.BytesIO(heavy), f"a{n}.jpg") for n in range(4)]}

    response = client.post("/hazards/new", data=data, content_type="multipart/form-data")

    assert response.status_code == 400 and over_budget() in response.text
    assert len(decoding.sizes) == 6
    assert count(Hazard) == 0 and count(Photo) == 0


def test_each_api_upload_has_a_budget_of_its_own(client, monkeypatch):
    monkeypatch.setattr(budget, "REQUEST_PIXELS", 2 * budget.PHOTO_PIXELS)  # one small photo
    location = make_location()
    headers = bearer(make_user("inspector"))
    responses = [upload(client, headers, location, data=encode(marked(), quality=90))
                 for _ in range(2)]
    assert [r.status_code for r in responses] == [201, 201]
