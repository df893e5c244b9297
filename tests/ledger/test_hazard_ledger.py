"""The hazard ledger (隐患排查治理台账): its rows, columns, language, scope and file."""

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import event

from app.common.time import local_to_utc, local_today
from app.extensions import db
from app.hazards import workflow
from app.ledger.queries import HAZARD_COLUMNS, Period, days_overdue, hazard_ledger
from tests.factories import (
    make_hazard,
    make_inspection,
    make_location,
    make_photo,
    make_user,
)
from tests.ledger.sheets import csv_rows, xlsx_rows, xlsx_sheet

OCTOBER = "/ledgers/hazards.xlsx?month=2026-10"


def october(day: int, hour: int = 10) -> datetime:
    """A time on the hospital's clock in October 2026, as stored (naive UTC)."""
    return local_to_utc(datetime(2026, 10, day, hour))


@pytest.fixture
def ward(app):
    """One department's place, people and an inspection that found something."""
    location = make_location(risk_level="orange")
    department = location.department
    people = {
        "lead": make_user("dept_lead", department=department, full_name="王敏"),
        "manager": make_user("manager", full_name="李强"),
        "finder": make_user("inspector", department=department, full_name="张伟"),
    }
    inspection = make_inspection(location, kind="leadership", outcomes=("fail",),
                                 inspector=people["finder"])
    return {"location": location, "department": department, "inspection": inspection,
            **people}


@pytest.fixture
def hazards(ward):
    """Hazards found in October 2026 in every kind of state the ledger tells apart."""
    lead, manager, finder = ward["lead"], ward["manager"], ward["finder"]

    def found(day, level="general", description=None, **fields):
        return workflow.report(finder, location=ward["location"], level=level,
                               found_at=october(day), description=description or f"隐患{day}",
                               **fields)

    closed = found(12, description='灭火器压力不足，"A区",第3个', category="消防",
                   item_result=ward["inspection"].results[0])
    workflow.apply(closed, "assign", actor=manager, responsible=lead, at=october(12, 11))
    workflow.plan(closed, actor=lead, measures="更换灭火器", funds_yuan=1500.5,
                  contingency_plan="", interim_controls="设置警示标识")
    workflow.apply(closed, "start", actor=lead, at=october(13))
    workflow.apply(closed, "submit", actor=lead, photos=[make_photo(lead)], at=october(15))
    workflow.apply(closed, "verify", actor=manager, at=october(16))

    late = found(1)
    workflow.apply(late, "assign", actor=manager, at=october(1, 11))  # deadline 8 October
    workflow.apply(late, "start", actor=lead, at=october(2))
    workflow.apply(late, "submit", actor=lead, photos=[make_photo(lead)], at=october(20))
    workflow.apply(late, "verify", actor=manager, at=october(21))

    on_the_spot = found(5)
    workflow.apply(on_the_spot, "fix_on_site", actor=finder, photos=[make_photo(finder)],
                   at=october(5, 11))

    cancelled = found(7)
    workflow.apply(cancelled, "cancel", actor=manager, note="误报", reason="false_report",
                   at=october(8))

    overdue = found(3, level="major")
    workflow.apply(overdue, "assign", actor=manager, responsible=lead,
                   at=october(3, 11))  # deadline 2 November

    reported = found(20)
    db.session.commit()
    return {"closed": closed, "late": late, "on_the_spot": on_the_spot,
            "cancelled": cancelled, "overdue": overdue, "reported": reported}


def test_xlsx_ledger_matches_the_database_row_for_row(client, login, ward, hazards):
    login("admin")
    response = client.get(OCTOBER)
    today = local_today()
    place = f"{ward['location'].code} · {ward['location'].name_en}"
    department = ward["department"].name_en
    h = hazards
    assert xlsx_rows(response.data, HAZARD_COLUMNS)[1:] == [
        [h["late"].number, date(2026, 10, 1), "Reported directly", place, "隐患1", None,
         "General hazard", "Orange", department, None, None, None, date(2026, 10, 8), None,
         date(2026, 10, 20), "李强", date(2026, 10, 21), "Passed, struck off",
         date(2026, 10, 21), "Closed", 13, None, None, None],
        [h["overdue"].number, date(2026, 10, 3), "Reported directly", place, "隐患3", None,
         "Major hazard", "Orange", department, "王敏", None, None, date(2026, 11, 2), None,
         None, None, None, None, None, "Assigned", (today - date(2026, 11, 2)).days,
         None, None, None],
        [h["on_the_spot"].number, date(2026, 10, 5), "Reported directly", place, "隐患5", None,
         "General hazard", "Orange", department, None, None, None, None, None,
         date(2026, 10, 5), None, None, "Rectified on the spot", date(2026, 10, 5), "Closed", 0,
         None, None, None],
        [h["cancelled"].number, date(2026, 10, 7), "Reported directly", place, "隐患7", None,
         "General hazard", "Orange", department, None, None, None, None, None, None, None,
         None, "False report: no hazard there", None, "Cancelled", 0, None, None, None],
        [h["closed"].number, date(2026, 10, 12), "Leadership inspection", place,
         '灭火器压力不足，"A区",第3个', "消防", "General hazard", "Orange", department, "王敏",
         "更换灭火器", 1500.5, date(2026, 10, 19), "设置警示标识", date(2026, 10, 15), "李强",
         date(2026, 10, 16), "Passed, struck off", date(2026, 10, 16), "Closed", 0,
         None, None, None],
        [h["reported"].number, date(2026, 10, 20), "Reported directly", place, "隐患20", None,
         "General hazard", "Orange", department, None, None, None, None, None, None, None,
         None, None, None, "Reported", 0, None, None, None],
    ]


def test_the_ledger_shows_the_last_reassignment_reason_and_the_supervised_day(app, ward):
    from datetime import timedelta

    from app.hazards.models import Hazard
    from app.notices.services import send_due_notices
    from tests.factories import make_department

    hazard = make_hazard(status="rectifying", location=ward["location"],
                         found_at=datetime(2026, 10, 2, 2))
    manager = make_user("manager")
    for reason in ("归口错误", "设备科负责"):
        workflow.reassign(hazard, actor=manager, department=make_department(),
                          responsible=None, reason=reason)
    hazard.deadline_on = local_today() - timedelta(days=7)
    db.session.commit()
    send_due_notices()
    assert db.session.get(Hazard, hazard.id).supervised_at is not None
    [row] = [r for r in hazard_ledger(make_user("admin"), Period.month(2026, 10))
             if r[0] == hazard.number]
    assert row[-2:] == ("设备科负责", local_today())


@pytest.mark.parametrize(("locale", "word"), [("zh_Hans", "整改期限"), ("en", "Deadline")])
def test_headers_are_in_the_users_language(client, login, hazards, locale, word):
    login("admin", locale=locale)
    header = xlsx_rows(client.get(OCTOBER).data, HAZARD_COLUMNS)[0]
    with force_locale(locale):
        assert header == [str(column.header) for column in HAZARD_COLUMNS]
    assert word in header


def test_header_row_is_bold_and_frozen(client, login, hazards):
    login("manager")
    sheet = xlsx_sheet(client.get(OCTOBER).data)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])


def test_dates_are_date_cells(client, login, hazards):
    login("manager")
    found_on = xlsx_sheet(client.get(OCTOBER).data)["B2"]
    assert found_on.is_date and found_on.number_format == "yyyy-mm-dd"


def test_funds_are_a_number_cell(client, login, hazards):
    login("manager")
    sheet = xlsx_sheet(client.get(OCTOBER).data)
    funds = [row[11] for row in sheet.iter_rows(min_row=2) if row[11].value is not None]
    assert [(cell.value, cell.data_type) for cell in funds] == [(1500.5, "n")]


def test_columns_have_widths(client, login, hazards):
    login("manager")
    sheet = xlsx_sheet(client.get(OCTOBER).data)
    assert sheet.column_dimensions["E"].width == HAZARD_COLUMNS[4].width


def test_csv_starts_with_the_utf8_byte_order_mark(client, login, hazards):
    login("manager")
    assert client.get("/ledgers/hazards.csv?month=2026-10").data.startswith(b"\xef\xbb\xbf")


def test_csv_round_trips_text_dates_and_funds(client, login, hazards):
    login("manager")
    rows = csv_rows(client.get("/ledgers/hazards.csv?month=2026-10").data)
    closed = next(row for row in rows if row[0] == hazards["closed"].number)
    assert rows[0] == [str(column.header) for column in HAZARD_COLUMNS]
    assert (closed[1], closed[4], closed[11], closed[12], closed[20]) == (
        "2026-10-12", '灭火器压力不足，"A区",第3个', "1500.50", "2026-10-19", "0")


def test_csv_text_that_looks_like_a_formula_is_quoted(client, login, ward):
    make_hazard(location=ward["location"], description="=HYPERLINK(\"http://x\")",
                found_at=october(9))
    db.session.commit()
    login("manager")
    rows = csv_rows(client.get("/ledgers/hazards.csv?month=2026-10").data)
    assert rows[1][4] == "'=HYPERLINK(\"http://x\")"


def test_xlsx_text_that_looks_like_a_formula_stays_text(client, login, ward):
    make_hazard(location=ward["location"], description="=1+1", found_at=october(9))
    db.session.commit()
    login("manager")
    cell = xlsx_sheet(client.get(OCTOBER).data)["E2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_file_is_an_attachment_named_after_the_month(client, login, hazards):
    login("manager")
    response = client.get(OCTOBER)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="hazard-ledger-2026-10.xlsx"')


def test_department_lead_gets_only_their_departments_hazards(client, login, ward, hazards):
    other = make_hazard(found_at=october(9))
    db.session.commit()
    login("dept_lead", department=ward["department"])
    numbers = [row[0] for row in csv_rows(
        client.get("/ledgers/hazards.csv?month=2026-10").data)[1:]]
    assert other.number not in numbers and hazards["closed"].number in numbers


def test_department_lead_asking_for_another_department_is_refused(client, login, ward):
    other = make_location().department
    db.session.commit()
    login("dept_lead", department=ward["department"])
    response = client.get(f"/ledgers/hazards.xlsx?month=2026-10&department={other.id}")
    assert response.status_code == 400
    assert "You can export only your own department" in response.text


def test_manager_can_choose_one_department(client, login, ward, hazards):
    other = make_hazard(found_at=october(9))
    db.session.commit()
    login("manager")
    url = f"/ledgers/hazards.csv?month=2026-10&department={other.department_id}"
    assert [row[0] for row in csv_rows(client.get(url).data)[1:]] == [other.number]


def test_hazard_found_after_local_midnight_is_in_the_next_months_ledger(app, ward):
    # 30 November 17:00 UTC is 1 December 01:00 in Shanghai.
    hazard = make_hazard(location=ward["location"], found_at=datetime(2026, 11, 30, 17, 0))
    admin = make_user("admin")
    december = [row[0] for row in hazard_ledger(admin, Period.month(2026, 12))]
    november = [row[0] for row in hazard_ledger(admin, Period.month(2026, 11))]
    assert (hazard.number in december, hazard.number in november) == (True, False)


def test_hazard_found_before_local_midnight_stays_in_its_month(app, ward):
    # 30 November 15:59 UTC is 23:59 the same day in Shanghai.
    hazard = make_hazard(location=ward["location"], found_at=datetime(2026, 11, 30, 15, 59))
    admin = make_user("admin")
    assert [row[0] for row in hazard_ledger(admin, Period.month(2026, 11))] == [hazard.number]


def test_ledger_of_six_hazards_is_one_query(app, hazards):
    admin = make_user("admin")
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    rows = hazard_ledger(admin, Period.month(2026, 10))
    assert (len(rows), len(statements)) == (6, 1)


@pytest.mark.parametrize(("status", "deadline", "closed_on", "days"), [
    ("rectifying", date(2026, 11, 20), None, 4),  # open, past its deadline: until today
    ("rectifying", date(2026, 11, 24), None, 0),  # due today: not yet late
    ("closed", date(2026, 11, 1), date(2026, 11, 5), 4),  # closed late: until it was closed
    ("closed", date(2026, 11, 20), date(2026, 11, 5), 0),
    ("cancelled", date(2026, 11, 1), None, 0),
    ("reported", None, None, 0),
])
def test_days_overdue(status, deadline, closed_on, days):
    assert days_overdue(status, deadline, closed_on, today=date(2026, 11, 24)) == days
