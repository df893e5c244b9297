"""A photo bucket that is down, hangs or fails: 503 storage.unavailable with Retry-After, never a
500; inspections without photos still accepted; /readyz names the store."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.inspections.models import Inspection
from app.photos import s3store
from tests import stamp as stamping
from tests.api.conftest import bearer, upload
from tests.conftest import running_app
from tests.factories import make_inspection, make_photo, make_user
from tests.faults.conftest import checklist_form
from tests.servers import free_port


def settings(endpoint: str) -> dict:
    return {"PHOTO_STORE": "s3://photos/saferound", "S3_ENDPOINT_URL": endpoint,
            "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s"}


class _Failing(BaseHTTPRequestHandler):
    """An S3 endpoint whose every answer is 500 Internal Error."""

    def _fail(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _fail

    def log_message(self, *_args):
        pass


@pytest.fixture(params=["refused", "hanging", "failing"])
def endpoint(request, monkeypatch):
    """An S3 endpoint nobody listens on, one that never answers, and one that answers 500."""
    if request.param == "refused":
        yield f"http://127.0.0.1:{free_port()}"
    elif request.param == "hanging":
        monkeypatch.setattr(s3store, "READ_TIMEOUT", 0.3)
        with socket.socket() as listener:  # takes connections, never reads them
            listener.bind(("127.0.0.1", 0))
            listener.listen(16)
            yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()
        server.server_close()


@pytest.fixture
def app(tmp_path, monkeypatch, endpoint):
    with running_app(tmp_path, monkeypatch, **settings(endpoint)) as app:
        yield app


@pytest.fixture
def place(app):
    from tests.factories import make_location, make_template

    location = make_location(code="PWR-1F-01")
    template = make_template(location.location_type, items=2)
    db.session.commit()
    return location, template.current_version


def test_an_upload_answers_storage_unavailable_with_retry_after(client, place):
    response = upload(client, bearer(make_user("inspector")), place[0])
    assert response.status_code == 503
    assert response.json["code"] == "storage.unavailable"
    assert 1 <= int(response.headers["Retry-After"]) <= 300


def test_a_checklist_page_with_a_photo_names_the_cause(client, login, place):
    login("inspector")
    response = client.post("/locations/PWR-1F-01/inspect", content_type="multipart/form-data",
                           data=checklist_form(place[1], photo=True))
    assert response.status_code == 503
    assert "cannot write photos just now" in response.text
    assert "Retry-After" in response.headers
    assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_a_checklist_page_without_photos_is_accepted(client, login, place):
    login("inspector")
    response = client.post("/locations/PWR-1F-01/inspect", data=checklist_form(place[1]))
    assert response.status_code == 303


def test_serving_a_photo_answers_storage_unavailable(client, login):
    inspection = make_inspection(outcomes=("fail",))
    photo = make_photo(inspection.inspector)
    inspection.results[0].photos.append(photo)
    db.session.commit()
    login("admin")
    response = client.get(f"/photos/{photo.sha256}.jpg")
    assert response.status_code == 503
    assert "Retry-After" in response.headers


def test_readiness_names_the_photo_store(app, client):
    stamping.stamp(app, "heads")
    response = client.get("/readyz")
    assert response.status_code == 503
    failed = {name for name, check in response.json["checks"].items() if not check["ok"]}
    # (A store that hangs past READY_TIMEOUT_SECONDS also leaves photo_space unchecked.)
    assert "photo_store" in failed and failed <= {"photo_store", "photo_space"}
    assert app.config["S3_ENDPOINT_URL"] not in response.text
