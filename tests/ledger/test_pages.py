"""The ledgers page: its form, its refusals and where it sends a valid choice."""

import pytest

from app.common.time import local_today
from tests.factories import make_location

FORM_BASE = "/ledgers?ledger=hazards&format=xlsx"


def test_page_offers_this_month(client, login):
    login("manager")
    page = client.get("/ledgers").text
    assert f'name="month" value="{local_today():%Y-%m}"' in page


def test_valid_choice_is_sent_to_the_file(client, login):
    login("manager")
    response = client.get("/ledgers?ledger=inspections&format=csv&month=2026-10&from=&to=")
    assert response.status_code == 302
    assert response.location == "/ledgers/inspections.csv?month=2026-10"


def test_date_range_is_sent_to_the_file(client, login):
    login("manager")
    response = client.get(FORM_BASE + "&month=2026-10&from=2026-10-03&to=2026-11-20")
    assert response.location == ("/ledgers/hazards.xlsx?month=2026-10&from=2026-10-03"
                                 "&to=2026-11-20")


def test_range_file_is_named_after_its_days(client, login):
    login("manager")
    response = client.get("/ledgers/hazards.csv?from=2026-10-03&to=2026-11-20")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="hazard-ledger-2026-10-03_2026-11-20.csv"')


def test_department_file_is_named_after_the_department(client, login):
    department = make_location().department
    login("manager")
    response = client.get(f"/ledgers/hazards.csv?month=2026-10&department={department.id}")
    assert f'hazard-ledger-{department.code}-2026-10.csv"' in (
        response.headers["Content-Disposition"])


@pytest.mark.parametrize(("args", "message"), [
    ("month=2026-13", "Give the month as year and month, like 2026-11."),
    ("month=November", "Give the month as year and month, like 2026-11."),
    ("", "Choose a month, or the first and the last day."),
    ("from=2026-11-20&to=2026-11-03", "The last day is before the first day; swap them."),
    ("from=2024-01-01&to=2026-01-31", "A ledger covers at most two years"),
    ("from=2026-11-03", "Give both the first and the last day, or neither and a month."),
    ("from=3/11/2026&to=2026-11-20", "Give the date as year-month-day, like 2026-11-03."),
    ("from=1900-01-01&to=1900-01-31", "Choose a day between 2000 and 2099."),
    ("month=2026-11&department=999", "Choose a department from the list."),
])
def test_bad_input_is_refused_with_a_sentence(client, login, args, message):
    login("manager")
    response = client.get(f"/ledgers/hazards.xlsx?{args}")
    assert response.status_code == 400
    assert message in response.text


def test_bad_input_on_the_form_is_refused_too(client, login):
    login("manager")
    response = client.get(FORM_BASE + "&month=2026-13")
    assert response.status_code == 400
    assert "Give the month as year and month" in response.text


def test_refusal_keeps_the_input(client, login):
    login("manager")
    page = client.get("/ledgers?ledger=inspections&format=csv&from=2026-11-20&to=2026-11-03").text
    assert 'value="2026-11-20"' in page and 'value="2026-11-03"' in page
    assert '<option value="inspections" selected>' in page


def test_unknown_ledger_on_the_form_is_refused(client, login):
    login("manager")
    response = client.get("/ledgers?ledger=fires&format=xlsx&month=2026-10")
    assert response.status_code == 400
    assert "Choose the hazard ledger or the inspection register." in response.text


def test_department_lead_is_offered_only_their_department(client, login):
    other = make_location().department
    lead = login("dept_lead")
    page = client.get("/ledgers").text
    assert lead.department.name_en in page and other.name_en not in page


@pytest.mark.parametrize(("role", "shown"), [("viewer", True), ("inspector", False)])
def test_nav_link_only_for_those_who_may_export(client, login, role, shown):
    login(role)
    assert ('href="/ledgers"' in client.get("/").text) is shown
