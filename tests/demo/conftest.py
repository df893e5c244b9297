"""The demo hospital, loaded once per test worker and copied for each test that reads it (a
load takes about a minute of CPU: two quarters of history, every part of the workflow)."""

import shutil
from datetime import datetime

import pytest

from app.demo.loader import load_demo
from tests.conftest import running_app

# The demo's "now" in these tests (naive UTC): 10:00 on 3 December 2026 in Beijing, a fixed
# morning, so that what they count does not move.
NOW = datetime(2026, 12, 3, 2, 0)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A folder holding the loaded demo's database and instance folder (with its anchors)."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as monkeypatch, running_app(folder, monkeypatch):
        load_demo(now=NOW, log=lambda _: None)
    return folder


@pytest.fixture
def demo(demo_template, tmp_path, monkeypatch):
    """An app on a private copy of the loaded demo."""
    shutil.copy(demo_template / "test.db", tmp_path / "test.db")
    shutil.copytree(demo_template / "instance", tmp_path / "instance")
    with running_app(tmp_path, monkeypatch) as app:
        yield app
