"""Two app hosts as a hospital group runs them: different instance folders, one PostgreSQL, one
S3 server, one Redis and one SECRET_KEY, over real HTTP. What one host did, the other knows:
its photos, its failed logins, its inspections on the wall, the sessions it ended.

The app servers start once for the module (10-15 s on a busy machine, with the session's
SeaweedFS) and run in production mode, CSRF checks on, as a real deployment does: the testing
settings would fix SECRET_KEY, turn the wall's cache off and skip CSRF, hiding what must be
shared."""

import contextlib
import hashlib
import os
import re
import subprocess
import time
import uuid
from dataclasses import dataclass

import pytest
import requests

from app import create_app
from app.auth.tokens import create_api_token
from app.extensions import db
from app.wall.services import create_display
from tests import servers
from tests.conftest import new_database
from tests.factories import make_location, make_template, make_user
from tests.images import jpeg

pytestmark = [pytest.mark.multihost, pytest.mark.xdist_group("multihost")]

PASSWORD = "correct horse"
WALL_CACHE_SECONDS = 2
# Generous: two cores shared with other test workers.
TIMEOUT = 30


@dataclass
class Hosts:
    one: str  # base URLs
    two: str
    s3: servers.S3Server
    bucket: str
    cli_env: dict  # for running `flask` as host one's cron job does


@pytest.fixture(scope="module")
def hosts(postgres_url, redis_url, s3_server, tmp_path_factory):
    """Two gunicorn hosts sharing a fresh database, a fresh S3 bucket and Redis; the test
    process holds an app context on the same database for making users and places."""
    folder = tmp_path_factory.mktemp("multihost")
    bucket, s3 = f"multihost-{uuid.uuid4().hex[:12]}", s3_server
    # Ready before the app servers take ports: SeaweedFS opens some of its own late.
    s3.create_bucket(bucket)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(new_database(postgres_url, f"multihost_{os.getpid()}"))
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv("SAFEROUND_INSTANCE", str(folder / "tests"))
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        stack.enter_context(app.app_context())
        db.create_all()
        stack.callback(db.engine.dispose)
        stack.callback(db.session.remove)
        env = {"SAFEROUND_ENV": "production", "SECRET_KEY": "multihost-" + "k" * 40,
               "SESSION_COOKIE_SECURE": "0", "DATABASE_URL": url, "REDIS_URL": redis_url,
               "PHOTO_STORE": f"s3://{bucket}/photos", "S3_ENDPOINT_URL": s3.endpoint,
               "S3_ACCESS_KEY_ID": s3.access_key, "S3_SECRET_ACCESS_KEY": s3.secret_key,
               "WALL_CACHE_SECONDS": str(WALL_CACHE_SECONDS), "LOG_FORMAT": "text"}
        one = stack.enter_context(servers.running_app_server(folder / "one", env))
        two = stack.enter_context(servers.running_app_server(folder / "two", env))
        cli_env = {**os.environ, **env, "SAFEROUND_INSTANCE": str(folder / "one"),
                   "FLASK_APP": "wsgi.py", "AUDIT_KEY": "multihost-audit-" + "a" * 40}
        yield Hosts(one.url, two.url, s3, bucket, cli_env)


def user(role="inspector"):
    # Unique names: the failed-login windows stay in the session's Redis for up to an hour.
    made = make_user(role, password=PASSWORD, username=f"{role}-{uuid.uuid4().hex[:12]}")
    db.session.commit()
    return made


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def log_in(base: str, username: str, password: str = PASSWORD,
           browser: requests.Session | None = None) -> requests.Response:
    """The login form as a browser fills it: opened, then posted, on host `base`."""
    browser = browser or requests.Session()
    form = browser.get(f"{base}/login", timeout=TIMEOUT)
    return browser.post(f"{base}/login", data={
        "username": username, "password": password, "csrf_token": csrf_token(form.text)},
        allow_redirects=False, timeout=TIMEOUT)


def logged_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    assert log_in(base, username, browser=browser).status_code == 302
    return browser


def bearer(owner) -> dict:
    _token, secret = create_api_token(owner, "phone")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def place():
    """A place whose type has a two-item pass/fail checklist; (location, version)."""
    location = make_location()
    version = make_template(location.location_type, items=2).current_version
    db.session.commit()
    return location, version


def inspection_body(location, version, outcomes, photos=()) -> dict:
    answers = [{"item_id": item.id, "outcome": outcome}
               for item, outcome in zip(version.items, outcomes, strict=True)]
    answers[0]["photos"] = list(photos)
    return {"uuid": str(uuid.uuid4()), "location_token": location.qr_token,
            "version_id": version.id, "kind": "patrol", "answers": answers}


def test_a_photo_uploaded_through_one_host_is_served_by_the_other(hosts):
    location, version = place()
    phone = bearer(user("inspector"))
    manager = user("manager")
    photo_uuid = str(uuid.uuid4())
    uploaded = requests.post(f"{hosts.one}/api/v1/photos", headers=phone, timeout=TIMEOUT,
                             data={"uuid": photo_uuid, "location_token": location.qr_token},
                             files={"file": ("p.jpg", jpeg(1600, 1200), "image/jpeg")})
    assert uploaded.status_code == 201, uploaded.text
    submitted = requests.post(f"{hosts.one}/api/v1/inspections", headers=phone, timeout=TIMEOUT,
                              json=inspection_body(location, version, ("pass", "pass"),
                                                   photos=[photo_uuid]))
    assert submitted.status_code == 201, submitted.text

    browser = logged_in(hosts.two, manager.username)
    for url in (uploaded.json()["url"], uploaded.json()["thumbnail_url"]):
        served = browser.get(f"{hosts.two}{url}", timeout=TIMEOUT)
        assert served.status_code == 200
        # content-addressed: the name is the SHA-256 of what is served
        assert hashlib.sha256(served.content).hexdigest() in url


def test_a_lockout_earned_on_one_host_holds_on_the_other(hosts):
    guard = user("inspector")
    refusals = [log_in(hosts.one, guard.username, "wrong password").status_code
                for _ in range(5)]
    assert refusals == [400, 400, 400, 400, 429]
    assert log_in(hosts.two, guard.username).status_code == 429


def test_failed_logins_on_both_hosts_add_up_to_a_lockout(hosts):
    # Without a shared count each host would have seen fewer failures than a lock takes (5).
    guard = user("inspector")
    for base in (hosts.one, hosts.two, hosts.one, hosts.two):
        assert log_in(base, guard.username, "wrong password").status_code == 400
    assert log_in(hosts.two, guard.username, "wrong password").status_code == 429
    assert log_in(hosts.one, guard.username).status_code == 429


def test_a_login_form_served_by_one_host_is_accepted_by_the_other(hosts):
    # A load balancer without sticky sessions sends the form's post wherever it likes.
    guard = user("inspector")
    browser = requests.Session()
    form = browser.get(f"{hosts.one}/login", timeout=TIMEOUT)
    answer = browser.post(f"{hosts.two}/login", allow_redirects=False, timeout=TIMEOUT, data={
        "username": guard.username, "password": PASSWORD, "csrf_token": csrf_token(form.text)})
    assert answer.status_code == 302
    assert browser.get(f"{hosts.one}/account", allow_redirects=False,
                       timeout=TIMEOUT).status_code == 200


def test_a_wall_on_one_host_sees_an_inspection_submitted_through_the_other(hosts):
    location, version = place()
    phone = bearer(user("inspector"))
    display = create_display(user("manager"), "Safety office TV")
    db.session.commit()
    wall = f"{hosts.one}/wall/{display.token}/data"
    before = requests.get(wall, timeout=TIMEOUT).json()["counts"]["open"]

    submitted = requests.post(f"{hosts.two}/api/v1/inspections", headers=phone,
                              timeout=TIMEOUT,
                              json=inspection_body(location, version, ("fail", "pass")))
    assert submitted.status_code == 201, submitted.text

    # The wall's data is shared for WALL_CACHE_SECONDS: the new card shows after that at most.
    deadline = time.monotonic() + WALL_CACHE_SECONDS + TIMEOUT
    while (now := requests.get(wall, timeout=TIMEOUT).json()["counts"]["open"]) == before:
        assert time.monotonic() < deadline, "the wall never showed the new card"
        time.sleep(0.2)
    assert now == before + 1


def test_sessions_ended_on_one_host_are_refused_on_the_other(hosts):
    manager = user("manager")
    pc = logged_in(hosts.one, manager.username)
    phone = logged_in(hosts.two, manager.username)
    assert phone.get(f"{hosts.two}/account", allow_redirects=False,
                     timeout=TIMEOUT).status_code == 200

    account = pc.get(f"{hosts.one}/account", timeout=TIMEOUT)
    ended = pc.post(f"{hosts.one}/account/sessions/end-others", allow_redirects=False,
                    timeout=TIMEOUT, data={"csrf_token": csrf_token(account.text)})
    assert ended.status_code == 302

    refused = phone.get(f"{hosts.two}/account", allow_redirects=False, timeout=TIMEOUT)
    assert refused.status_code == 302
    assert "/login" in refused.headers["Location"]
    assert pc.get(f"{hosts.two}/account", allow_redirects=False,
                  timeout=TIMEOUT).status_code == 200


def test_the_admin_page_of_each_host_knows_the_anchor_one_host_wrote(hosts):
    """The daily `flask audit anchor` runs on one host (README, Deploying); the anchor file is
    there, and the other host's /admin still says when and where it was written."""
    done = subprocess.run([str(servers.ROOT / ".venv" / "bin" / "flask"), "audit", "anchor"],
                          cwd=servers.ROOT, env=hosts.cli_env, capture_output=True, text=True,
                          timeout=TIMEOUT * 2)
    assert done.returncode == 0, done.stderr
    admin = logged_in(hosts.two, user("admin").username)
    page = admin.get(f"{hosts.two}/admin", headers={"Accept-Language": "en"},
                     timeout=TIMEOUT).text
    assert "Last audit anchor: " in page and "No audit anchor yet" not in page
    assert re.search(r"Anchor file: \S+/one/audit-anchors.jsonl on host ", page)
