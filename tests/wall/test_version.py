"""The figures' version: read before anything is computed, moved by every change the wall and
the dashboard show and by the hospital's clock, never by what they do not show."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from app.common.time import local_to_utc, local_today, utcnow
from app.dashboard import version
from app.dashboard.models import FIGURES_SLOTS, ChangeCounter
from app.dashboard.version import figures_version
from app.extensions import db
from app.hazards import workflow
from app.settings.models import Setting
from tests.factories import (
    make_department,
    make_hazard,
    make_inspection,
    make_location,
    make_schedule,
    make_user,
)
from tests.faults.test_database_gone import database_goes_away  # noqa: F401
from tests.sql import counted_statements
from tests.wall.test_wall import make_display, overdue_hazard, past_settling


def poll(client, display, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/wall/{display.token}/data", headers=headers)


def test_an_unchanged_poll_is_a_304_that_reads_no_figures(client):
    display = make_display()
    overdue_hazard()
    make_schedule()
    db.session.commit()
    past_settling()
    etag, url = poll(client, display).headers["ETag"], f"/wall/{display.token}/data"
    with counted_statements() as statements:
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.headers["ETag"] == etag
    # The token and the version: no hazard, inspection or schedule is read.
    assert len(statements) == 2
    assert not any(table in " ".join(statements)
                   for table in ("hazards", "inspections", "inspection_schedules"))


def test_a_compressed_answers_tag_is_a_304_too(client):
    display = make_display()
    past_settling()
    etag = poll(client, display).headers["ETag"].strip('"')
    response = poll(client, display, f'"{etag}:gzip"')
    assert response.status_code == 304


def test_a_screen_opened_later_gets_the_data_computed_for_the_version(client):
    display, other = make_display(), make_display(name="Boiler room TV")
    past_settling()
    first, url = poll(client, display), f"/wall/{other.token}/data"
    with counted_statements() as statements:
        second = client.get(url)
    assert second.get_data() == first.get_data()
    assert len(statements) == 2, statements


def _supervise(hazard):
    workflow.supervise(hazard, at=utcnow(), days_overdue=3)


def _rename_place(hazard):
    hazard.location.name_zh = "新名字"


def _rename_department(hazard):
    hazard.department.name_zh = "新科室"


CHANGES = {
    "a new card": lambda hazard: overdue_hazard(),
    "a move of a card": _supervise,
    "an inspection": lambda hazard: make_inspection(location=hazard.location),
    "a schedule": lambda hazard: make_schedule(location=hazard.location),
    "a place renamed": _rename_place,
    "a department renamed": _rename_department,
    "a setting": lambda hazard: db.session.add(Setting(key="escalation.days", value=[3])),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_each_change_gives_a_new_tag_and_new_data(client, change):
    display = make_display()
    hazard = overdue_hazard()
    first = poll(client, display)
    CHANGES[change](hazard)
    db.session.commit()
    second = poll(client, display, first.headers["ETag"])
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]


def test_renaming_the_responsible_person_shows_on_the_wall(client):
    display = make_display()
    hazard = overdue_hazard()
    hazard.responsible = make_user("dept_lead", full_name="王敏")
    db.session.commit()
    first = poll(client, display)
    hazard.responsible.full_name = "王小敏"
    db.session.commit()
    second = poll(client, display, first.headers["ETag"])
    assert second.status_code == 200 and "王小敏" in second.text


def test_what_the_figures_do_not_show_leaves_the_version(app):
    user = make_user("manager")
    db.session.commit()
    before = figures_version()
    user.theme, user.session_version = "dark", user.session_version + 1
    db.session.commit()
    assert figures_version() == before


def test_a_restored_database_does_not_match_figures_of_the_lost_history(app):
    make_location()
    db.session.commit()
    lost = figures_version()
    # Restored from a backup taken one change earlier, then changed once again: the same count.
    counter = db.session.scalars(select(ChangeCounter).where(
        ChangeCounter.name.in_(FIGURES_SLOTS), ChangeCounter.changed_at.is_not(None))
        .order_by(ChangeCounter.changed_at.desc())).first()  # the slot the change moved
    counter.value, counter.changed_at = counter.value - 1, counter.changed_at - timedelta(hours=1)
    db.session.commit()
    make_location()
    db.session.commit()
    assert figures_version().split("-")[0] == lost.split("-")[0]
    assert figures_version() != lost


def test_a_rolled_back_change_leaves_the_version(app):
    before = figures_version()
    make_location()
    db.session.rollback()
    db.session.commit()
    assert figures_version() == before


def test_the_version_moves_with_the_local_date_and_the_shift(app):
    # SHIFT_STARTS is 08:00,20:00 on the hospital's clock.
    day = local_today()
    at = lambda h, m=0: local_to_utc(datetime.combine(day, datetime.min.time())  # noqa: E731
                                     + timedelta(hours=h, minutes=m))
    assert figures_version(at(9)) == figures_version(at(19, 59))
    assert figures_version(at(19, 59)) != figures_version(at(20))
    assert figures_version(at(23, 59)) != figures_version(at(24))


def test_the_version_follows_the_clock_while_a_change_settles(app):
    """A phone a little ahead dates its inspection minutes in the future: it counts once that
    moment has passed, with no further change to announce it."""
    make_location()
    db.session.commit()
    now = utcnow()
    assert figures_version(now) != figures_version(now + timedelta(seconds=30))
    later = now + timedelta(minutes=6)
    assert figures_version(later) == figures_version(later + timedelta(seconds=30))


def test_an_inspection_dated_ahead_shows_once_its_time_has_come(client, monkeypatch):
    display = make_display()
    schedule = make_schedule()
    schedule.created_at -= timedelta(days=1)
    db.session.commit()
    now = utcnow()
    make_inspection(location=schedule.location, received_at=now,
                    submitted_at=now + timedelta(minutes=3))
    db.session.commit()
    first = poll(client, display)
    assert first.get_json()["counts"]["owed_now"] == 1
    later = now + timedelta(minutes=4)
    monkeypatch.setattr(version, "utcnow", lambda: later)
    monkeypatch.setattr("app.wall.data.utcnow", lambda: later)
    second = poll(client, display, first.headers["ETag"])
    assert second.status_code == 200 and second.get_json()["counts"]["owed_now"] == 0


def test_a_database_gone_at_the_version_is_a_503(client, database_goes_away):  # noqa: F811
    display = make_display()
    etag = poll(client, display).headers["ETag"]
    with pytest.raises(OperationalError):
        database_goes_away()
    assert poll(client, display, etag).status_code == 503


# -- the dashboard ----------------------------------------------------------------------------

def test_an_unchanged_dashboard_is_a_304_from_the_version(client, login):
    login("manager")
    make_hazard(status="assigned")
    db.session.commit()
    past_settling()
    etag = client.get("/dashboard").headers["ETag"]
    with counted_statements() as statements:
        response = client.get("/dashboard", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert not any("hazards" in s or "inspections" in s for s in statements)


def test_a_change_redraws_the_dashboard(client, login):
    login("manager")
    etag = client.get("/dashboard").headers["ETag"]
    make_hazard(status="assigned")
    db.session.commit()
    response = client.get("/dashboard", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_another_viewer_gets_a_page_of_their_own(app):
    first, second = app.test_client(), app.test_client()
    make_department()
    db.session.commit()
    tags = []
    for client, role in ((first, "manager"), (second, "viewer")):
        user = make_user(role, password="correct horse")
        db.session.commit()
        client.post("/login", data={"username": user.username, "password": "correct horse"})
        tags.append(client.get("/dashboard").headers["ETag"])
    assert tags[0] != tags[1]
    assert second.get("/dashboard", headers={"If-None-Match": tags[0]}).status_code == 200


def test_the_dashboard_figures_are_computed_once_per_version(app, login):
    login("manager")
    make_hazard(status="assigned")
    db.session.commit()
    first = app.test_client()
    viewer = make_user("viewer", password="correct horse")
    db.session.commit()
    first.post("/login", data={"username": viewer.username, "password": "correct horse"})
    other = app.test_client()
    manager = make_user("manager", password="correct horse")
    db.session.commit()
    other.post("/login", data={"username": manager.username, "password": "correct horse"})
    past_settling()
    first.get("/dashboard")
    with counted_statements() as statements:
        assert other.get("/dashboard").status_code == 200
    # Neither the month counts nor coverage (the recurring lists are the viewer's own).
    assert not any("closed_at" in s or "inspection_schedules" in s for s in statements)


@pytest.mark.postgres
def test_the_version_moves_on_postgresql(pg_app):
    before = figures_version()
    make_location()
    db.session.commit()
    assert int(figures_version().split("-")[0]) == int(before.split("-")[0]) + 1


def test_commits_spread_over_the_counters_slots_and_each_counts_once(app):
    """So that two commits seldom wait for each other on one row (models.FIGURES_SLOTS)."""
    before = int(figures_version().split("-")[0])
    for _ in range(20):
        make_location()
        db.session.commit()
    assert int(figures_version().split("-")[0]) == before + 20
    moved = db.session.scalars(select(ChangeCounter.name).where(
        ChangeCounter.name.in_(FIGURES_SLOTS), ChangeCounter.value > 0)).all()
    assert len(moved) > 1


def test_a_missing_slot_moves_the_first_row_instead(app):
    db.session.execute(delete(ChangeCounter).where(ChangeCounter.name.in_(FIGURES_SLOTS[1:])))
    db.session.commit()
    versions = set()
    for _ in range(3):
        make_location()
        db.session.commit()
        versions.add(figures_version())
    assert len(versions) == 3


def test_a_savepoint_leaves_the_counter_to_the_outer_commit(app):
    """before_commit fires when a savepoint is released too: bumping there would lock a slot
    for the rest of the transaction, and a second slot at the commit."""
    before = int(figures_version().split("-")[0])
    with counted_statements() as statements:
        with db.session.begin_nested():
            make_location()
        make_location()
    assert not any("change_counters" in s for s in statements)
    db.session.commit()
    assert int(figures_version().split("-")[0]) == before + 1
