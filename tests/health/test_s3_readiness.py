"""/readyz and the storage warning with photos in a bucket: the bucket must take a file; free
space means nothing there."""

import pytest

from app.health.space import low_space
from tests import stamp as stamping
from tests.conftest import running_app, s3_settings


@pytest.fixture
def app(s3_app):
    """The bucket app, marked migrated. A fresh bucket's first write can take seconds on a
    busy machine: a generous wait keeps the answer about the bucket, not the machine."""
    stamping.stamp(s3_app, "heads")
    s3_app.config["READY_TIMEOUT_SECONDS"] = 30
    return s3_app


def test_ready_when_the_bucket_takes_a_file(client, s3_server, s3_bucket):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"]["photo_store"] == {"ok": True, "reason": "writable"}
    assert response.json["checks"]["photo_space"]["ok"]
    assert s3_server.client().list_objects_v2(Bucket=s3_bucket).get("Contents", []) == []


def test_a_bucket_that_does_not_exist_is_not_ready(tmp_path, monkeypatch, s3_server):
    settings = s3_settings(s3_server, "no-such-bucket-here")
    # A generous wait, so that the reason is the bucket's answer even on a busy machine.
    with running_app(tmp_path, monkeypatch, READY_TIMEOUT_SECONDS=30, **settings) as app:
        stamping.stamp(app, "heads")
        response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["photo_store"]["ok"] is False
    assert response.json["checks"]["photo_store"]["reason"].startswith("not writable (")
    assert "no-such-bucket-here" not in response.text


def test_administrators_see_no_free_space_warning_for_a_bucket(app):
    assert low_space() is None
