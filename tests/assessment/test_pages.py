"""The assessment page, its drill-downs, print, XLSX and weights form, and the API."""

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from app.assessment import scores
from app.extensions import db
from app.settings import store
from tests.api.conftest import bearer
from tests.assessment.world import QUARTER, build
from tests.factories import make_user


@pytest.fixture
def world(app):
    return build()


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def row_of(html: str, department) -> str:
    """The table row of `department` on the page."""
    return next(row for row in html.split("<tr>") if department.name_en in row)


def test_a_manager_sees_every_department_ranked(client, login, world):
    a, b, _cards = world
    login("manager")
    html = client.get(f"/assessment?quarter={QUARTER}").text
    assert html.index(b.name_en) < html.index(a.name_en)  # B scores higher
    assert 'class="assess-rank" data-label="Rank">1<' in row_of(html, b)
    assert 'class="assess-rank" data-label="Rank">2<' in row_of(html, a)


def test_a_department_lead_sees_only_their_department(client, login, world):
    a, b, _cards = world
    login("dept_lead", department=a)
    html = client.get(f"/assessment?quarter={QUARTER}").text
    assert a.name_en in html and b.name_en not in html
    assert "assess-rank" not in html


@pytest.mark.parametrize(("figure", "numbers"), [
    ("due", {"h1", "h2", "h3", "h4"}), ("on_time", {"h1"}), ("overdue", {"h1", "h2", "h3", "h4"}),
    ("recurring", {"h5"}), ("major_open", {"h3", "h7"})])
def test_each_hazard_figure_drills_down_to_exactly_its_cards(client, login, world, figure,
                                                             numbers):
    a, _b, cards = world
    login("manager")
    html = client.get(f"/assessment?quarter={QUARTER}").text
    url = next(u for u in links(row_of(html, a)) if f"figure={figure}&" in u + "&")
    listed = client.get(url).text
    assert {name for name, card in cards.items() if card.number in listed} == numbers


def test_every_figure_on_the_page_is_a_link(client, login, world):
    a, _b, _cards = world
    login("manager")
    row = row_of(client.get(f"/assessment?quarter={QUARTER}").text, a)
    # Two for each rate (done, owed), one for each count.
    assert len(links(row)) == 3 * 2 + 3


def test_the_self_check_figure_drills_down_to_the_quarters_coverage(client, login, world):
    a, _b, _cards = world
    login("manager")
    row = row_of(client.get(f"/assessment?quarter={QUARTER}").text, a)
    url = next(u for u in links(row) if "kind=self_check" in u)
    page = client.get(url).text
    assert re.search(r'tile-n">2</span><span>Periods done', page)
    assert re.search(r'tile-n">1</span><span>Periods missed', page)


def test_the_xlsx_holds_the_pages_figures(client, login, world):
    a, _b, _cards = world
    login("manager")
    response = client.get(f"/assessment.xlsx?quarter={QUARTER}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    row = rows[f"A · {a.name_en}"]
    assert row[0] == 2  # rank
    assert row[4:7] == (2, 3, 66.7)  # self-checks done, owed, sub-score
    assert response.headers["Content-Disposition"].endswith('"assessment-2026Q2.xlsx"')


def test_the_print_view_names_the_hospital_and_the_quarter(client, login, world):
    login("viewer")
    html = client.get(f"/assessment/print?quarter={QUARTER}").text
    assert "Demo Hospital" in html and "2026 Q2" in html and "print-assessment.css" in html


def test_a_quarter_not_begun_shows_the_running_one(client, login, world):
    login("manager")
    html = client.get("/assessment?quarter=2099Q4").text
    assert '<option value="2099Q4"' not in html and "selected" in html


def test_the_administrator_sets_the_weights(client, login, world):
    login("admin")
    form = {code: "0" for code in scores.INDICATORS} | {"self_checks": "1"}
    response = client.post("/assessment/weights", data=form)
    assert response.status_code == 303
    assert scores.weights()["self_checks"] == 1 and scores.weights()["patrols"] == 0
    a, _b, _cards = world
    row = next(r for r in scores.assess(QUARTER).rows if r.department == a)
    assert row.total == 66.7  # self-checks alone


@pytest.mark.parametrize("bad", [{"self_checks": "101"}, {"patrols": "-1"}, {"on_time": "x"},
                                 {code: "0" for code in scores.INDICATORS}])
def test_weights_out_of_range_are_refused_and_nothing_stored(client, login, world, bad):
    login("admin")
    form = {code: "10" for code in scores.INDICATORS} | bad
    response = client.post("/assessment/weights", data=form)
    assert response.status_code == 400
    assert store.read(scores.WEIGHTS_KEY, None) is None


def test_the_api_gives_every_department_ranked(client, world):
    a, _b, _cards = world
    body = client.get(f"/api/v1/assessment?quarter={QUARTER}",
                      headers=bearer(make_user("viewer"))).get_json()
    row = next(d for d in body["departments"] if d["department_id"] == a.id)
    assert (row["rank"], row["figures"]["on_time"]) == (2, {"value": 1, "owed": 4, "score": 25.0})
    assert body["weights"] == scores.WEIGHTS_DEFAULT


def test_the_api_gives_a_lead_only_their_department(client, world):
    a, b, _cards = world
    lead = make_user("dept_lead", department=a)
    db.session.commit()
    body = client.get(f"/api/v1/assessment?quarter={QUARTER}", headers=bearer(lead)).get_json()
    assert [d["department_id"] for d in body["departments"]] == [a.id]
    assert client.get(f"/api/v1/assessment/{b.id}", headers=bearer(lead)).status_code == 404
    own = client.get(f"/api/v1/assessment/{a.id}?quarter={QUARTER}",
                     headers=bearer(lead)).get_json()
    assert own["figures"]["major_open"]["value"] == 2 and own["rank"] is None


def test_the_api_refuses_a_quarter_not_begun(client, world):
    response = client.get("/api/v1/assessment?quarter=2099Q1",
                          headers=bearer(make_user("manager")))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"quarter": ["That quarter has not begun."]}
