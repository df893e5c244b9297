"""Administrators see on every page that photo storage is nearly full; nobody else does."""

import pytest

from app.health.space import FreeSpaceWatch
from app.photos.store import PhotoStore

NEARLY_FULL = "Photo storage is nearly full"


@pytest.fixture
def nearly_full(app):
    app.config["PHOTO_MIN_FREE_MB"] = 10**12  # more than any disk: whatever is free is too little


def test_an_administrator_sees_the_warning_on_every_page(nearly_full, client, login):
    login("admin")
    for url in ("/", "/locations", "/admin/users", "/no-such-page"):
        assert NEARLY_FULL in client.get(url).text, url


def test_the_warning_says_how_much_is_left_and_the_threshold(app, client, login, monkeypatch):
    monkeypatch.setattr(PhotoStore, "free_bytes", lambda store: 300 * 1024 * 1024)
    app.config["PHOTO_MIN_FREE_MB"] = 2048
    login("admin")
    assert "300 MB left, less than the 2.0 GB set by PHOTO_MIN_FREE_MB" in client.get("/").text


def test_the_warning_in_chinese(nearly_full, client, login):
    login("admin")
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert "照片存储空间即将用尽" in page


@pytest.mark.parametrize("role", ["manager", "dept_lead", "inspector", "viewer"])
def test_other_roles_do_not_see_it(nearly_full, client, login, role):
    login(role)
    assert NEARLY_FULL not in client.get("/").text


def test_no_warning_while_there_is_room(app, client, login):
    app.config["PHOTO_MIN_FREE_MB"] = 0
    login("admin")
    assert NEARLY_FULL not in client.get("/").text


def test_a_store_that_cannot_be_measured_is_reported(client, login, monkeypatch):
    def fail(store):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(PhotoStore, "free_bytes", fail)
    login("admin")
    assert "Photo storage cannot be read" in client.get("/").text


class CountingStore:
    def __init__(self):
        self.measures = 0

    def free_bytes(self):
        self.measures += 1
        return 1000 * self.measures


def test_free_space_is_measured_at_most_once_a_minute():
    now = [0.0]
    watch = FreeSpaceWatch(ttl=60, clock=lambda: now[0])
    store = CountingStore()
    assert watch.free_bytes(store) == 1000
    now[0] = 59.9
    assert watch.free_bytes(store) == 1000
    now[0] = 60.0
    assert watch.free_bytes(store) == 2000
    assert store.measures == 2
