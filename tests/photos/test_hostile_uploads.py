"""The hostile file set through both upload paths, the checklist page and POST /api/v1/photos:
each file is stored whole or refused with its reason in the person's language, and a refused
one leaves no file and no row behind."""

import io
import shutil
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from markupsafe import escape
from PIL import Image
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.inspections.models import Inspection
from app.photos.models import Photo
from app.photos.refusals import photo_refusal
from app.photos.store import photo_store
from tests.api.conftest import bearer, upload
from tests.conftest import FreshRequestClient
from tests.factories import make_location, make_template, make_user
from tests.hostile import SPECIMENS

IDS = [s.name for s in SPECIMENS]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One app, database, place and signed-in clients for the whole file set: each file is one
    request, and a fresh app for each would take longer than the request."""
    folder = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SAFEROUND_INSTANCE", str(folder / "instance"))
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'test.db'}"})
        app.test_client_class = FreshRequestClient
        with app.app_context():
            db.create_all()
            location = make_location()
            version = make_template(location.location_type, items=1).current_version
            inspector = make_user("inspector", password="correct horse")
            db.session.commit()
            page = app.test_client()
            page.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
            page.post("/login", data={"username": inspector.username,
                                      "password": "correct horse"})
            api = app.test_client()
            api.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
            yield SimpleNamespace(app=app, page=page, api=api, headers=bearer(inspector),
                                  location=location, version=version)
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def fresh(site):
    """The site with no photo files yet (the files of a test are all it finds)."""
    shutil.rmtree(site.app.config["PHOTO_DIR"], ignore_errors=True)
    return site


def post_checklist(client, location, version, photo: bytes, **headers):
    """A checklist whose one item fails, with `photo` as its photo."""
    item = version.items[0]
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(version.id),
            f"i{item.id}-outcome": "fail", f"i{item.id}-note": "漏电",
            f"i{item.id}-photos": (io.BytesIO(photo), "photo.jpg")}
    return client.post(f"/locations/{location.code}/inspect", data=data, headers=headers,
                       content_type="multipart/form-data")


def files_in(app) -> list[Path]:
    return [p for p in Path(app.config["PHOTO_DIR"]).rglob("*") if p.is_file()]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def message(reason: str, locale="en") -> str:
    with force_locale(locale):
        return photo_refusal(reason)


def assert_stored_whole(app, photo: Photo, upright: bool) -> None:
    """The photo and its thumbnail are on disk, nothing else is, and the picture is upright."""
    store = photo_store()
    assert sorted(files_in(app)) == sorted([store.path(photo.sha256),
                                            store.path(photo.thumb_sha256)])
    if upright:
        with Image.open(store.path(photo.sha256)) as stored:
            image = stored.convert("RGB")
        assert image.size == (400, 300)
        red = [(r > 180 and g < 80 and b < 80) for r, g, b in
               (image.getpixel(xy) for xy in ((10, 10), (390, 10), (10, 150), (200, 150)))]
        assert red == [True, False, False, False]


@pytest.mark.parametrize("specimen", SPECIMENS, ids=IDS)
def test_checklist_page_stores_or_refuses_each_file(fresh, specimen):
    inspections, photos = count(Inspection), count(Photo)
    response = post_checklist(fresh.page, fresh.location, fresh.version, specimen.data)
    if specimen.refused:
        assert response.status_code == 400
        assert 'class="q has-error"' in response.text
        assert str(escape(message(specimen.expect))) in response.text
        assert (count(Inspection), count(Photo)) == (inspections, photos)
        assert files_in(fresh.app) == []
    else:
        assert response.status_code == 303, response.text
        assert (count(Inspection), count(Photo)) == (inspections + 1, photos + 1)
        newest = db.session.scalar(select(Photo).order_by(Photo.id.desc()).limit(1))
        assert_stored_whole(fresh.app, newest, specimen.upright)


@pytest.mark.parametrize("specimen", SPECIMENS, ids=IDS)
def test_api_stores_or_refuses_each_file(fresh, specimen):
    photos = count(Photo)
    response = upload(fresh.api, fresh.headers, fresh.location, data=specimen.data)
    if specimen.refused:
        assert response.status_code == 422
        assert response.json["errors"]["file"] == [message(specimen.expect)]
        assert count(Photo) == photos and files_in(fresh.app) == []
    else:
        assert response.status_code == 201, response.json
        assert count(Photo) == photos + 1
        stored = db.session.scalar(select(Photo).where(Photo.client_uuid == response.json["uuid"]))
        assert_stored_whole(fresh.app, stored, specimen.upright)


@pytest.fixture
def place(app):
    location = make_location()
    template = make_template(location.location_type, items=1)
    db.session.commit()
    return location, template.current_version


def test_checklist_page_refuses_in_chinese(client, login, place):
    login("inspector")
    bomb = next(s for s in SPECIMENS if s.name == "png_1bit_7000x7000")
    response = post_checklist(client, *place, bomb.data, **{"Accept-Language": "zh-CN"})
    assert response.status_code == 400
    assert "读取这张图片需要的内存太多" in response.text


def test_api_refuses_in_chinese(client, place):
    headers = bearer(make_user("inspector")) | {"Accept-Language": "zh-CN"}
    heic = next(s for s in SPECIMENS if s.name == "heic")
    response = upload(client, headers, place[0], data=heic.data)
    assert response.status_code == 422
    assert "JPEG、PNG 或 WebP" in response.json["message"]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_heic_refusal_names_the_accepted_formats(app, locale):
    text = message("heif", locale)
    assert all(name in text for name in ("HEIC", "JPEG", "PNG", "WebP"))
