"""API test helpers: a place with a checklist, a personal token, uploads."""

import io
import uuid

import pytest

from app.auth.tokens import create_api_token
from app.extensions import db
from tests.factories import make_location, make_template, make_user
from tests.images import jpeg


@pytest.fixture
def place(app):
    """An active place whose type has a two-item pass/fail checklist."""
    location = make_location()
    template = make_template(location.location_type, items=2)
    db.session.commit()
    return location, template.current_version


def bearer(user) -> dict:
    """Headers that call the API as `user` with a fresh personal token."""
    _token, secret = create_api_token(user, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_user(app):
    """make_user plus its token headers: api_user(role, **fields) → (user, headers)."""

    def _make(role="inspector", **fields):
        user = make_user(role, **fields)
        db.session.commit()
        return user, bearer(user)

    return _make


def upload(client, headers, location, *, photo_uuid=None, data=None, **fields):
    """POST one photo for `location`; returns the response."""
    form = {"uuid": photo_uuid or str(uuid.uuid4()), "location_token": location.qr_token,
            "file": (io.BytesIO(data if data is not None else jpeg()), "p.jpg"), **fields}
    return client.post("/api/v1/photos", data=form, headers=headers,
                       content_type="multipart/form-data")


def inspection_body(location, version, outcomes=("pass", "pass"), **fields) -> dict:
    answers = [{"item_id": item.id, "outcome": outcome}
               for item, outcome in zip(version.items, outcomes, strict=False)]
    return {"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
            "version_id": version.id, "kind": "patrol", "answers": answers, **fields}
