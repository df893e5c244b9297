"""Fixtures: a fresh app and database per test, a client, logging in, a private PostgreSQL.

Every test that uses the app runs twice, on SQLite and on PostgreSQL (ids `[sqlite]` and
`[postgres]`); `--db sqlite` or `--db postgres` runs one. A test about one engine only says so:
`@pytest.mark.only_on("sqlite", reason=...)`. Each test worker makes the tables once per engine
and copies them for each test: a file copy (SQLite), CREATE DATABASE … TEMPLATE (PostgreSQL)."""

import contextlib
import itertools
import os
import shutil
import tempfile
import uuid

import pytest
import sqlalchemy as sa
from flask import g, has_app_context, request, request_finished
from flask.testing import FlaskClient
from flask_babel import force_locale
from werkzeug.routing.rules import Rule

from app import create_app
from app.api.problems import PROBLEMS
from app.extensions import db
from tests import servers
from tests.factories import make_user

os.environ["SAFEROUND_ENV"] = "testing"


# Each worker's PostgreSQL, Redis and S3 server keep their data there, beside the tests' files:
# a container's default 64 MB would run out.
SHM_NEEDED = 2 * 1024 ** 3


def _free_bytes(path: str) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def _temporary_files_in_memory():
    """Test files (databases, instance folders, the private servers' data) go to /dev/shm where
    there is one, unless TMPDIR says where. On an ext4 disk mounted with `discard`, as CI's is,
    making and dropping each test's PostgreSQL database took 300 ms, and 15 ms in memory: the
    suite's largest cost. Set here, before pytest makes its temporary folder and before the
    xdist workers start (they inherit it)."""
    shm = "/dev/shm"
    if "TMPDIR" not in os.environ and os.path.isdir(shm) and os.access(shm, os.W_OK) and \
            _free_bytes(shm) >= SHM_NEEDED:
        os.environ["TMPDIR"] = shm
        tempfile.tempdir = None  # gettempdir() reads TMPDIR again


_temporary_files_in_memory()

def _reuse_url_builders():
    """Werkzeug compiles Python source for each route's URL builder on every app made: half of
    create_app's time, and the tests make an app per test. The same route gives the same builder
    (it reads the rule's converters through its `self` argument), so each is compiled once."""
    compile_builder = Rule._compile_builder
    builders = {}

    def reused(self, append_unknown=True):
        key = (self.rule, self.subdomain, self.host, self.map.host_matching, self.merge_slashes,
               tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = reused


_reuse_url_builders()

ENGINES = ("sqlite", "postgres")
# The test cluster keeps nothing across a crash: it need not wait for the disk.
POSTGRES_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def pytest_addoption(parser):
    parser.addoption("--db", action="append", choices=ENGINES,
                     help="run the app's tests on this database only (repeatable; default both)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "only_on(engine, reason): a test about one database engine runs on it only")


def pytest_generate_tests(metafunc):
    """Each test using the app's database (through `engine`) once per engine it is about."""
    if "engine" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("only_on")
    engines = ENGINES
    if marker is not None:
        assert marker.kwargs.get("reason"), "only_on needs reason=... (why one engine)"
        engines = tuple(e for e in ENGINES if e in marker.args)
    metafunc.parametrize("engine", engines, indirect=True)


def pytest_collection_modifyitems(config, items):
    chosen = config.getoption("db")
    if not chosen:
        return
    kept, dropped = [], []
    for item in items:
        engine = getattr(item, "callspec", None) and item.callspec.params.get("engine")
        (dropped if engine and engine not in chosen else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_runtest_setup(item):
    """With --dist loadgroup, pytest-xdist keeps each xdist_group on one worker by adding the
    group to its tests' ids; a pytest that drops the addition spreads them silently (pytest 9.2,
    pytest-xdist issue 1386), and the demo was loaded once per worker. Say so instead."""
    if getattr(item.config.option, "loadgroup", False) and \
            item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
        pytest.fail("--dist loadgroup did not keep this test's xdist_group on one worker: see "
                    "requirements-dev.txt on pytest", pytrace=False)


@contextlib.contextmanager
def running_app(tmp_path, monkeypatch, *, tables_made=False, **settings):
    """An app on a fresh SQLite database in `tmp_path` (or the URL given in settings), its
    tables made (unless `tables_made` says the database has them), inside its app context;
    `settings` override the testing ones."""
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
                      **settings})
    with app.app_context():
        if not tables_made:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_tables(tmp_path_factory):
    """A SQLite file holding the empty tables, made once per worker: each test copies it."""
    folder = tmp_path_factory.mktemp("tables")
    with pytest.MonkeyPatch.context() as monkeypatch, running_app(folder, monkeypatch):
        pass
    return folder / "test.db"


@pytest.fixture(scope="session")
def postgres_tables(postgres_url, tmp_path_factory):
    """A database on the private server holding the empty tables, made once per worker: each
    test's database is made from it (CREATE DATABASE … TEMPLATE)."""
    name = f"tables_{os.getpid()}"
    with new_database(postgres_url, name) as url:
        folder = tmp_path_factory.mktemp("pg-tables")
        with pytest.MonkeyPatch.context() as monkeypatch, running_app(
                folder, monkeypatch, SQLALCHEMY_DATABASE_URI=url):
            pass
        yield name


_numbers = itertools.count()


@pytest.fixture
def engine(request):
    """The name of the database engine this test runs on: sqlite or postgres."""
    return request.param


@pytest.fixture
def database(engine, request, tmp_path):
    """A fresh database with the app's empty tables on the engine this test runs on; its URL."""
    if engine == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_tables"), tmp_path / "test.db")
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    template = request.getfixturevalue("postgres_tables")
    postgres_url = request.getfixturevalue("postgres_url")
    with new_database(postgres_url, f"t_{os.getpid()}_{next(_numbers)}",
                      template=template) as url:
        yield url


@pytest.fixture
def app(tmp_path, monkeypatch, database):
    with running_app(tmp_path, monkeypatch, tables_made=True,
                     SQLALCHEMY_DATABASE_URI=database) as app:
        yield app


class FreshRequestClient(FlaskClient):
    """Requests reuse the test's app context (one database session, so tests see what views
    wrote); clearing `g` first gives each request the fresh per-request state it has in
    production (Flask-Login's user, Flask-Babel's locale)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(vars(g)):
                delattr(g, key)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    """A test client whose browser asks for English (tests of Chinese ask for it themselves).
    Every API refusal it receives must carry a catalogued code with its status."""
    app.test_client_class = FreshRequestClient
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    uncatalogued = []

    def check_code(_sender, response, **_extra):
        if request.path.startswith("/api/v1/") and response.status_code >= 400:
            body = response.get_json(silent=True) or {}
            problem = PROBLEMS.get(body.get("code"))
            if problem is None or body.get("status") != response.status_code or (
                    problem.status != response.status_code):
                uncatalogued.append((request.method, request.path, response.status_code, body))

    with request_finished.connected_to(check_code, app):
        yield client
    assert not uncatalogued, f"API refusals without a catalogued code: {uncatalogued}"


@pytest.fixture
def english(app):
    """Messages of services called outside a request (whose default is Chinese) in English."""
    with force_locale("en"):
        yield


@pytest.fixture
def login(client):
    """login(role=..., **user fields) makes a user, logs the client in and returns the user."""

    def _login(role="inspector", **fields):
        user = make_user(role=role, password="correct horse", **fields)
        db.session.commit()
        response = client.post("/login", data={"username": user.username,
                                               "password": "correct horse"})
        assert response.status_code == 302, response.text
        return user

    return _login


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL cluster for this test run, as a SQLAlchemy URL; stopped at the end."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    try:
        with servers.running_postgres(POSTGRES_SETTINGS) as url:
            yield url
    except servers.Missing as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def redis_url():
    """A private Redis for this test run (one per worker); its URL."""
    try:
        with servers.running_redis() as url:
            yield url
    except servers.Missing as e:
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def s3_server():
    """A private SeaweedFS S3 gateway for this test run (one per worker)."""
    try:
        with servers.running_s3() as server:
            yield server
    except servers.Missing as e:
        pytest.fail(str(e))


@pytest.fixture
def s3_bucket(s3_server):
    """A new, empty bucket on the private S3 server; its name."""
    name = f"t-{uuid.uuid4().hex[:20]}"
    s3_server.create_bucket(name)
    return name


def s3_settings(server, bucket: str, prefix: str = "photos") -> dict:
    """The settings that put an app's photos into `bucket` on the private S3 server."""
    return {"PHOTO_STORE": f"s3://{bucket}/{prefix}", "S3_ENDPOINT_URL": server.endpoint,
            "S3_REGION": server.region, "S3_ACCESS_KEY_ID": server.access_key,
            "S3_SECRET_ACCESS_KEY": server.secret_key}


@pytest.fixture
def s3_app(tmp_path, monkeypatch, s3_server, s3_bucket):
    """The app with its photos in a fresh bucket (s3://<bucket>/photos) of the private S3
    server; a test module uses it as its `app` with `def app(s3_app): return s3_app`."""
    with running_app(tmp_path, monkeypatch, **s3_settings(s3_server, s3_bucket)) as app:
        yield app


@pytest.fixture
def pg_database(postgres_url):
    """A new, empty database on the private server; its URL."""
    with new_database(postgres_url, f"t_{os.getpid()}_{servers.free_port()}") as url:
        yield url


@pytest.fixture
def pg_app(tmp_path, monkeypatch, pg_database):
    """The app on a new database of the private PostgreSQL server."""
    with running_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=pg_database) as app:
        yield app


_admins = {}


def _admin(postgres_url):
    """One engine per server for making and dropping databases (kept for the session)."""
    if postgres_url not in _admins:
        _admins[postgres_url] = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT",
                                                 poolclass=sa.pool.StaticPool)
    return _admins[postgres_url]


@contextlib.contextmanager
def new_database(postgres_url, name, template=None):
    """A new database `name` on the private server, empty or a copy of `template` (file copy:
    faster than the default for small databases), dropped afterwards; its URL."""
    admin = _admin(postgres_url)
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
