"""Login throttling: failures per account and per address lock for a while, say when to come
back, never tell whether the account exists, and are audited; an administrator unlocks."""

import json
import socket
import threading
import time

import limits.storage.memory
import pytest
from limits.storage import MemoryStorage, RedisStorage
from sqlalchemy import select

from app import create_app
from app.audit.models import AuditRecord
from app.auth.models import User
from app.auth.throttle import EXTENSION
from app.extensions import db
from tests.factories import make_user

RIGHT = "right-password-1"


class FakeClock:
    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(app, monkeypatch):
    """The throttle's clock, moved by the test: the memory storage reads `time.time()` of its
    own module, the throttle its `clock`; both are pointed at one fake."""
    fake = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(app.extensions[EXTENSION], "clock", fake.time)
    return fake


@pytest.fixture
def guard(app):
    user = make_user(username="guard", password=RIGHT)
    db.session.commit()
    return user


def _login(client, username, password, address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _fail(client, username, times, address="10.0.0.1"):
    return [_login(client, username, "wrong-password", address) for _ in range(times)][-1]


def _actions(action):
    return list(db.session.scalars(select(AuditRecord).where(AuditRecord.action == action)))


def test_thirty_wrong_passwords_keep_out_the_right_one(client, guard):
    _fail(client, "guard", 30)
    response = _login(client, "guard", RIGHT)
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert client.get("/").status_code == 302  # not logged in


def test_four_failures_are_only_wrong_passwords(client, guard):
    response = _fail(client, "guard", 4)
    assert response.status_code == 400
    assert "Wrong username or password" in response.text
    assert _login(client, "guard", RIGHT).status_code == 302


def test_the_fifth_failure_in_a_minute_locks_and_says_when(client, guard):
    response = _fail(client, "guard", 5)
    assert response.status_code == 429
    assert "Too many failed logins. Try again in 1 minute." in response.text
    assert response.headers["Retry-After"] == "60"


def test_the_lock_message_is_in_the_persons_language(client, guard):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = _fail(client, "guard", 5)
    assert "登录失败次数过多，请 1 分钟后再试。" in response.text


def test_an_unknown_username_is_locked_with_the_same_words(client, guard):
    known, unknown = _fail(client, "guard", 5), _fail(client, "nobody", 5, address="10.0.0.2")
    assert known.status_code == unknown.status_code == 429
    message = "Too many failed logins. Try again in 1 minute."
    assert message in known.text and message in unknown.text
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]
    assert _fail(client, "nobody", 1, address="10.0.0.2").status_code == 429


def test_the_lock_ends_after_its_minute(client, guard, clock):
    _fail(client, "guard", 5)
    clock.advance(59)
    assert _login(client, "guard", RIGHT).status_code == 429
    clock.advance(2)
    assert _login(client, "guard", RIGHT).status_code == 302


def test_more_failures_lock_for_longer(client, guard, clock):
    _fail(client, "guard", 5)
    clock.advance(61)
    response = _fail(client, "guard", 5)  # ten in a quarter-hour
    assert "Try again in 14 minutes." in response.text
    clock.advance(14 * 60)
    assert _login(client, "guard", RIGHT).status_code == 302


def test_twenty_failures_in_an_hour_lock_for_the_rest_of_it(client, guard, clock):
    for _ in range(3):
        _fail(client, "guard", 5)
        clock.advance(15 * 60 + 1)
    response = _fail(client, "guard", 5)
    assert response.status_code == 429
    assert "Try again in 15 minutes." in response.text  # the first failure leaves at 60 min
    clock.advance(15 * 60)
    assert _login(client, "guard", RIGHT).status_code == 302


def test_another_address_does_not_escape_the_account_lock(client, guard):
    _fail(client, "guard", 5, address="10.0.0.1")
    assert _login(client, "guard", RIGHT, address="10.9.9.9").status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, guard):
    for n in range(20):
        _login(client, f"someone{n}", "wrong-password", address="10.0.0.66")
    assert _login(client, "guard", RIGHT, address="10.0.0.66").status_code == 429
    assert _login(client, "guard", RIGHT, address="10.0.0.1").status_code == 302


def test_a_successful_login_forgets_the_accounts_failures(client, guard):
    _fail(client, "guard", 4)
    assert _login(client, "guard", RIGHT).status_code == 302
    client.post("/logout")
    assert _fail(client, "guard", 4).status_code == 400


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                      "PROXY_FIX": 1})
    with app.app_context():
        db.create_all()
        client = app.test_client()
        for n in range(20):
            # The client forges the first entry; the proxy appends the real one.
            client.post("/login", data={"username": f"x{n}", "password": "wrong-password"},
                        headers={"X-Forwarded-For": f"1.2.3.{n}, 10.1.1.1"})
        address = db.session.scalar(select(AuditRecord).where(
            AuditRecord.action == "login.locked", AuditRecord.target_type == "addresses"))
        assert address.details["address"] == "10.1.1.1"
        db.session.remove()
        db.engine.dispose()


def test_a_failed_login_is_audited_without_the_password(client, guard):
    _login(client, "GUARD", "hunter2-secret")
    (failed,) = _actions("login.failed")
    assert failed.actor_id is None and failed.target_id == guard.id
    assert failed.details == {"username": "guard", "address": "10.0.0.1",
                              "reason": "wrong password"}
    assert "hunter2" not in json.dumps(failed.details)


def test_a_failure_for_an_unknown_username_is_audited(client, guard):
    _login(client, "ghost", "whatever")
    (failed,) = _actions("login.failed")
    assert failed.target_id is None and failed.details["username"] == "ghost"
    assert failed.details["reason"] == "unknown username"


def test_a_successful_login_is_audited(client, guard):
    _login(client, "guard", RIGHT)
    (succeeded,) = _actions("login.succeeded")
    assert succeeded.actor_id == guard.id and succeeded.details == {"address": "10.0.0.1"}


def test_a_lockout_is_audited_and_marked_on_the_account(client, guard):
    _fail(client, "guard", 5)
    (locked,) = _actions("login.locked")
    assert locked.target_id == guard.id and locked.details["username"] == "guard"
    assert db.session.get(User, guard.id).locked_until is not None


def test_the_mark_on_the_account_holds_without_the_counters(client, guard):
    """Another host (or a restart) with empty counters still honours the lock."""
    _fail(client, "guard", 5)
    client.application.extensions[EXTENSION].storage.reset()
    assert _login(client, "guard", RIGHT).status_code == 429


def test_admin_sees_locked_accounts(client, login, guard):
    other = make_user(username="calm")
    _fail(client, "guard", 5)
    login("admin")
    listing = client.get("/admin/users").text
    assert "Locked until" in listing and "Locked accounts (1)" in listing
    locked_only = client.get("/admin/users?locked=1").text
    assert "guard" in locked_only and other.username not in locked_only
    assert "Locked until" in client.get(f"/admin/users/{guard.id}").text


def test_admin_unlocks_an_account(client, login, guard):
    _fail(client, "guard", 5)
    admin = login("admin", username="chief")
    response = client.post(f"/admin/users/{guard.id}/unlock")
    assert response.status_code == 302
    assert db.session.get(User, guard.id).locked_until is None
    (unlocked,) = _actions("user.unlock")
    assert unlocked.actor_id == admin.id and unlocked.target_id == guard.id
    client.post("/logout")
    assert _login(client, "guard", RIGHT).status_code == 302


def test_only_an_admin_unlocks(client, login, guard):
    _fail(client, "guard", 5)
    login("manager")
    assert client.post(f"/admin/users/{guard.id}/unlock").status_code == 403
    assert db.session.get(User, guard.id).locked_until is not None


def test_unlocking_needs_the_csrf_token(app, guard):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user("admin", username="chief", password="correct horse")
    db.session.commit()
    client = app.test_client()
    login_page = client.get("/login").text
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "chief", "password": "correct horse",
                                "csrf_token": token})
    guard.locked_until = app.extensions[EXTENSION].now().replace(year=2099)
    db.session.commit()
    assert client.post(f"/admin/users/{guard.id}/unlock").status_code == 400
    assert db.session.get(User, guard.id).locked_until is not None


def test_each_app_keeps_its_own_counters(client, guard, tmp_path, monkeypatch):
    _fail(client, "guard", 5)
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "other"))
    other = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'o.db'}"})
    assert client.application.extensions[EXTENSION].storage is not (
        other.extensions[EXTENSION].storage)
    assert other.extensions[EXTENSION].locks("guard", "10.0.0.1") == {}


def test_counters_are_in_memory_unless_a_storage_is_named(tmp_path, monkeypatch, app):
    assert isinstance(app.extensions[EXTENSION].storage, MemoryStorage)
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "redis"))
    shared = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}",
                         "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    assert isinstance(shared.extensions[EXTENSION].storage, RedisStorage)


def test_an_unknown_storage_stops_start_up_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "bad"))
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app({"RATELIMIT_STORAGE_URI": "carrier-pigeon://loft"})


def test_an_unreachable_storage_refuses_logins_without_a_500(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "down"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}",
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})  # nothing listens
    with app.app_context():
        db.create_all()
        make_user(username="guard", password=RIGHT)
        db.session.commit()
        client = app.test_client()
        response = client.post("/login", data={"username": "guard", "password": RIGHT},
                               headers={"Accept-Language": "en"})
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
        assert "Logging in is not possible for a moment" in response.text
        assert client.get("/").status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_simultaneous_attempts_get_no_more_checks_than_a_window_holds(app):
    """Ten requests that all found the account free before any was counted: five places."""
    throttle = app.extensions[EXTENSION]
    assert all(throttle.locks("guard", "10.0.0.1") == {} for _ in range(10))
    reserved = [throttle.reserve("guard") for _ in range(10)]
    assert reserved.count(True) == 5
    assert throttle.seconds_locked("account", "guard") > 0


def test_a_storage_that_hangs_refuses_logins_in_time(tmp_path, monkeypatch):
    """A Redis that takes connections and never answers: the login is refused (503) after the
    storage's timeout, not held for ever."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        port = hung.getsockname()[1]
        monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "hung"))
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.db'}",
                          "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0"})
        with app.app_context():
            db.create_all()
            answers = []
            attempt = threading.Thread(target=lambda: answers.append(app.test_client().post(
                "/login", data={"username": "guard", "password": RIGHT}).status_code))
            attempt.start()
            attempt.join(timeout=20)  # generous: the storage's timeout is 1 s
            finished = not attempt.is_alive()
            hung.close()  # ends the wait of a login still held, so that the thread ends
            attempt.join()
            db.session.remove()
            db.engine.dispose()
    assert finished and answers == [503]
