"""The hazard lists: all hazards with filters and search, and "my work"."""

import re
from datetime import datetime, timedelta

import pytest

from app.common.pages import PAGE_SIZE
from app.common.time import local_today
from app.extensions import db
from app.hazards import workflow
from tests.factories import (
    make_department,
    make_hazard,
    make_location,
    make_location_type,
    make_user,
)
from tests.sql import counted_statements


def numbers(page: str) -> set[str]:
    return set(re.findall(r"YH-\d{4}-\d{5}", page))


def test_list_shows_every_hazard_to_a_manager(client, login):
    hazards = [make_hazard(status=s) for s in ("reported", "closed", "cancelled")]
    db.session.commit()
    login("manager")
    assert numbers(client.get("/hazards/").text) == {h.number for h in hazards}


def test_lead_lists_only_their_departments_hazards(client, login):
    mine, theirs = make_hazard(), make_hazard()
    db.session.commit()
    login("dept_lead", department=mine.department)
    assert numbers(client.get("/hazards/").text) == {mine.number} != {theirs.number}


@pytest.mark.parametrize(("args", "expected"), [
    ("status=closed", {"closed"}),
    ("status=open", {"reported", "rectifying"}),
    ("level=major", {"rectifying"}),
    ("overdue=1", {"rectifying"}),
])
def test_filters_by_status_level_and_overdue(client, login, args, expected):
    made = {"reported": make_hazard(), "closed": make_hazard(status="closed"),
            "rectifying": make_hazard(status="rectifying", level="major")}
    made["rectifying"].deadline_on = local_today() - timedelta(days=1)
    db.session.commit()
    login("manager")
    found = numbers(client.get(f"/hazards/?{args}").text)
    assert found == {made[s].number for s in expected}


def test_filters_by_department_location_and_type(client, login):
    kind = make_location_type()
    place = make_location(location_type=kind)
    here, elsewhere = make_hazard(location=place), make_hazard()
    db.session.commit()
    login("manager")
    for args in (f"department={place.department_id}", f"location={place.id}", f"type={kind.id}"):
        assert numbers(client.get(f"/hazards/?{args}").text) == {here.number}, args
    assert elsewhere.number in client.get("/hazards/").text


def test_month_filter_uses_the_hospitals_calendar(client, login):
    # 30 November 17:00 UTC is 1 December 01:00 in Shanghai.
    december = make_hazard(found_at=datetime(2026, 11, 30, 17, 0))
    november = make_hazard(found_at=datetime(2026, 11, 30, 15, 59))
    db.session.commit()
    login("manager")
    assert numbers(client.get("/hazards/?month=2026-12").text) == {december.number}
    assert numbers(client.get("/hazards/?month=2026-11").text) == {november.number}


def test_search_by_number_or_text(client, login):
    leak = make_hazard(description="蒸汽管道漏汽")
    other = make_hazard(description="灭火器过期")
    db.session.commit()
    login("manager")
    assert numbers(client.get("/hazards/?q=漏汽").text) == {leak.number}
    assert numbers(client.get(f"/hazards/?q={other.number[-5:]}").text) == {other.number}


def test_a_garbled_month_is_ignored_not_an_error(client, login):
    make_hazard()
    db.session.commit()
    login("manager")
    assert client.get("/hazards/?month=November").status_code == 200


def test_list_is_paginated(client, login):
    location = make_location()
    reporter = make_user()
    for _ in range(PAGE_SIZE + 3):
        workflow.report(reporter, location=location, description="x", level="general")
    db.session.commit()
    login("manager")
    first, second = client.get("/hazards/").text, client.get("/hazards/?page=2").text
    assert len(numbers(first)) == PAGE_SIZE and len(numbers(second)) == 3
    assert not numbers(first) & numbers(second)


def hazards_at_many_places(n: int):
    """Reported cards (waiting on a manager), each at its own place and department."""
    reporter = make_user()
    for i in range(n):
        workflow.report(reporter, location=make_location(), description=f"h{i}", level="general")
    db.session.commit()


@pytest.mark.parametrize("url", ["/hazards/", "/hazards/mine"])
def test_list_pages_run_the_same_queries_for_2_or_20_rows(client, login, url):
    login("manager")
    hazards_at_many_places(2)
    with counted_statements() as few:
        assert client.get(url).status_code == 200
    hazards_at_many_places(18)
    with counted_statements() as many:
        assert client.get(url).status_code == 200
    assert len(numbers(client.get(url).text)) == 20
    assert len(many) == len(few)


def test_home_page_runs_the_same_queries_for_2_or_8_assigned_cards(client, login):
    login("manager")
    counts = []
    for n in (2, 6):
        for _ in range(n):
            hazard = make_hazard(status="assigned")
            hazard.responsible = make_user("dept_lead", department=hazard.department)
        db.session.commit()
        with counted_statements() as statements:
            assert client.get("/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# -- my work --------------------------------------------------------------------------------

def test_my_work_for_a_lead_is_the_departments_work_soonest_first(client, login):
    department = make_department()
    later = make_hazard(status="assigned", location=make_location(department=department))
    sooner = make_hazard(status="rectifying", location=make_location(department=department))
    waiting = make_hazard(status="awaiting_verification",
                          location=make_location(department=department))
    later.deadline_on = local_today() + timedelta(days=9)
    sooner.deadline_on = local_today() + timedelta(days=2)
    db.session.commit()
    login("dept_lead", department=department)
    page = client.get("/hazards/mine").text
    assert numbers(page) == {later.number, sooner.number}
    assert page.index(sooner.number) < page.index(later.number)
    assert waiting.number not in page


def test_my_work_for_a_manager_is_assigning_verifying_and_deciding(client, login):
    to_assign = make_hazard()
    to_verify = make_hazard(status="awaiting_verification")
    busy = make_hazard(status="rectifying")
    asking = make_hazard(status="rectifying")
    workflow.request_extension(
        asking, actor=make_user("dept_lead", department=asking.department),
        deadline_on=asking.deadline_on + timedelta(days=5), reason="等配件")
    db.session.commit()
    login("manager")
    page = client.get("/hazards/mine").text
    assert numbers(page) == {to_assign.number, to_verify.number, asking.number}
    assert busy.number not in page and "Extension asked" in page


def test_my_work_for_an_inspector_is_their_cards_not_yet_assigned(client, login):
    inspector = login("inspector")
    mine = make_hazard(reporter=inspector)
    make_hazard(status="assigned", reporter=inspector)
    make_hazard()
    db.session.commit()
    assert numbers(client.get("/hazards/mine").text) == {mine.number}


def test_my_work_includes_what_a_person_answers_for_elsewhere(client, login):
    manager = login("manager")
    hazard = make_hazard()
    workflow.apply(hazard, "assign", actor=make_user("manager"), responsible=manager)
    workflow.apply(hazard, "start", actor=manager)
    db.session.commit()
    assert hazard.number in client.get("/hazards/mine").text


def test_percent_and_underscore_are_searched_as_typed(client, login):
    percent = make_hazard(description="含氧量 100% 报警")
    make_hazard(description="含氧量 100 报警")
    underscore = make_hazard(description="阀门 V_2 漏气")
    make_hazard(description="阀门 V12 漏气")
    db.session.commit()
    login("manager")
    assert numbers(client.get("/hazards/?q=100%25").text) == {percent.number}
    assert numbers(client.get("/hazards/?q=V_2").text) == {underscore.number}
