"""A gunicorn worker killed in the middle of a request (the kernel's OOM killer, a crash): the
phone learns that nothing was accepted, the master starts another worker, and the outbox's
retry under the same UUID is stored exactly once, with nothing half-written left behind.

gunicorn runs with the repository's gunicorn.conf.py (one worker, so that the one handling the
request is the master's only child) on this test's SQLite database and photo folder."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from urllib3 import encode_multipart_formdata

from app.auth.tokens import create_api_token
from app.extensions import db
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.factories import make_location, make_user
from tests.images import jpeg

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60  # generous: two cores shared with other test workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in found.split()}


def wait_for(check, what: str):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    pytest.fail(f"{what} within {STARTUP_SECONDS} s")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def server(app, tmp_path):
    """gunicorn with gunicorn.conf.py and one worker, serving this test's database and photos;
    yields (base URL, master process)."""
    port = free_port()
    env = {**os.environ, "SAFEROUND_ENV": "testing", "WEB_CONCURRENCY": "1",
           "SAFEROUND_INSTANCE": str(tmp_path / "instance"),
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind",
         f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(f"{base}/login"), "gunicorn did not answer")
        yield base, master
    finally:
        os.killpg(master.pid, signal.SIGKILL)
        master.wait(timeout=10)


def test_a_worker_killed_mid_upload_leaves_nothing_and_the_retry_lands_once(app, server):
    base, master = server
    location = make_location()
    _token, secret = create_api_token(make_user("inspector"), "phone")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    photo_uuid = str(uuid.uuid4())
    body, content_type = encode_multipart_formdata({
        "uuid": photo_uuid, "location_token": location.qr_token,
        "file": ("p.jpg", jpeg(1600, 1200), "image/jpeg")})
    [worker] = children(master.pid)

    # Half the photo arrives, then the worker dies with the request in its hands.
    phone = socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=30)
    phone.sendall(
        f"POST /api/v1/photos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {secret}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body[:len(body) // 2])
    time.sleep(0.3)
    os.kill(worker, signal.SIGKILL)
    try:
        phone.sendall(body[len(body) // 2:])
        answer = phone.recv(1024)
    except OSError:  # reset: the phone's outbox keeps the photo and tries again
        answer = b""
    finally:
        phone.close()
    assert answer == b"" or answer.split(b" ", 2)[1].startswith(b"5")

    wait_for(lambda: children(master.pid) - {worker}, "the master started no new worker")
    wait_for(lambda: answers(f"{base}/login"), "the new worker did not answer")
    retries = [requests.post(f"{base}/api/v1/photos", data=body, timeout=30,
                             headers={**headers, "Content-Type": content_type})
               for _ in range(2)]
    assert [r.status_code for r in retries] == [201, 200]
    assert retries[1].json() == retries[0].json()

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
    photo = db.session.scalar(select(Photo))
    assert photo.client_uuid == photo_uuid
    stored = {path.name for path in photo_store().folder.rglob("*") if path.is_file()}
    assert stored == {f"{photo.sha256}.jpg", f"{photo.thumb_sha256}.jpg"}  # no stray, no part
