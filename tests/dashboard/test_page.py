"""GET /dashboard: the figures on the page, the nav link, and a constant number of queries."""

import re
from datetime import date, timedelta

import pytest

from app.common.time import local_today
from app.dashboard import stats
from app.dashboard.views import month_axis
from app.extensions import db
from tests.factories import make_department, make_hazard, make_location, make_schedule
from tests.sql import counted_statements


def tiles(page: str) -> list[str]:
    return re.findall(r'class="tile-n">([^<]*)<', page)


def test_manager_sees_the_headline_figures(client, login):
    overdue = make_hazard(status="rectifying")
    overdue.deadline_on = local_today() - timedelta(days=2)
    make_hazard(status="assigned")
    make_hazard(status="closed")  # closed just now, before the deadline
    make_hazard(status="cancelled")
    db.session.commit()
    login("manager")
    response = client.get("/dashboard")
    assert response.status_code == 200
    # open, overdue, closed this month, on-time rate, coverage (no schedules: none owed)
    assert tiles(response.text) == ["2", "1", "1", "100%", "–"]


def test_department_rows_link_to_their_open_hazards(client, login):
    department = make_department(name_en="Boiler House")
    make_hazard(status="assigned", location=make_location(department=department))
    db.session.commit()
    login("viewer")
    page = client.get("/dashboard").text
    assert f'href="/hazards/?status=open&amp;department={department.id}">Boiler House</a>' in page


def test_long_lists_show_ten_departments_and_fold_the_rest(client, login):
    for _ in range(12):
        make_hazard(status="assigned")  # each in a department of its own
    db.session.commit()
    login("manager")
    page = client.get("/dashboard").text
    section = page.split("Open hazards by department")[1].split("Open hazards by location")[0]
    shown, folded = section.split("<details>")
    assert (shown.count("department="), folded.count("department=")) == (10, 2)
    assert "Show 2 more" in folded


def test_page_draws_its_charts_as_inline_svg_with_text_alternatives(client, login):
    login("manager")
    page = client.get("/dashboard").text
    assert page.count('<svg class="chart"') == 2 and page.count('role="img"') == 2
    assert "<table" in page and "Figures by month" in page
    # The charts need no script: only the shell's own (the outbox badge, the navigation).
    assert re.findall(r'<script[^>]*src="([^"]+)"', page) == ["/static/js/pwa.js"]


def test_chinese_page_names_months_the_chinese_way(client, login):
    login("manager")
    page = client.get("/dashboard", headers={"Accept-Language": "zh-CN"}).text
    today = local_today()
    assert f'<th scope="row">{today.year}年{today.month}月</th>' in page


def test_nav_links_to_the_dashboard_only_for_those_who_may_open_it(client, login):
    login("dept_lead")
    assert 'href="/dashboard"' not in client.get("/").text
    client.post("/logout")
    login("viewer")
    assert 'href="/dashboard"' in client.get("/").text


def test_dashboard_runs_the_same_queries_for_2_or_20_hazards(client, login):
    login("manager")
    make_schedule()  # so that coverage reads the inspections too
    counts = []
    for n in (2, 18):  # every hazard at its own location, type and department
        for i in range(n):
            hazard = make_hazard(status=("reported", "rectifying", "closed")[i % 3])
            hazard.deadline_on = local_today() - timedelta(days=i % 2)
        db.session.commit()
        with counted_statements() as statements:
            assert client.get("/dashboard").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(("first", "years"), [
    (date(2025, 12, 1), ["", "2026"]),  # "2025" under December would run into "2026"
    (date(2025, 11, 1), ["2025", "", "2026"]),
])
def test_month_axis_names_the_year_under_january_and_the_first_month(app, first, years):
    months = [stats.Month(date(first.year + (first.month + i - 1) // 12,
                               (first.month + i - 1) % 12 + 1, 1)) for i in range(12)]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        axis = month_axis(months)
    assert [year for _, year in axis][:len(years)] == years
    assert axis[0][0] == first.strftime("%b")
