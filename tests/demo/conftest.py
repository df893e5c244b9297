"""The demo hospital, loaded once per test worker and engine and copied for each test that
reads it (a load takes about a minute of CPU: two quarters of history, every part of the
workflow)."""

import contextlib
import itertools
import os
import shutil
from datetime import datetime

import pytest

from app.demo.loader import load_demo
from tests.conftest import new_database, running_app

# The demo's "now" in these tests (naive UTC): 10:00 on 3 December 2026 in Beijing, a fixed
# morning, so that what they count does not move.
NOW = datetime(2026, 12, 3, 2, 0)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, request):
    """load(engine): a folder holding the loaded demo's instance folder (with its anchors) and,
    on SQLite, its database; on PostgreSQL the demo is in the database `demo_<pid>`."""
    loaded = {}
    if "postgres" in (request.config.getoption("db") or ("postgres",)):
        # Set up first so that it is torn down last: the demo's database is dropped before
        # the server stops.
        request.getfixturevalue("postgres_url")
    with contextlib.ExitStack() as databases:

        def load(engine):
            if engine not in loaded:
                folder = tmp_path_factory.mktemp(f"demo-{engine}")
                settings = {}
                if engine == "postgres":
                    settings["SQLALCHEMY_DATABASE_URI"] = databases.enter_context(new_database(
                        request.getfixturevalue("postgres_url"), f"demo_{os.getpid()}"))
                with pytest.MonkeyPatch.context() as monkeypatch, running_app(
                        folder, monkeypatch, **settings):
                    load_demo(now=NOW, log=lambda _: None)
                loaded[engine] = folder
            return loaded[engine]

        yield load


_copies = itertools.count()


@pytest.fixture
def demo(demo_template, engine, tmp_path, monkeypatch, request):
    """An app on a private copy of the loaded demo."""
    folder = demo_template(engine)
    shutil.copytree(folder / "instance", tmp_path / "instance")
    if engine == "sqlite":
        shutil.copy(folder / "test.db", tmp_path / "test.db")
        with running_app(tmp_path, monkeypatch, tables_made=True) as app:
            yield app
        return
    with new_database(request.getfixturevalue("postgres_url"),
                      f"demo_{os.getpid()}_{next(_copies)}",
                      template=f"demo_{os.getpid()}") as url, running_app(
            tmp_path, monkeypatch, tables_made=True, SQLALCHEMY_DATABASE_URI=url) as app:
        yield app
