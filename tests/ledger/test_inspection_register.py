"""The inspection register (检查记录台账): one row per inspection, with its counts."""

from datetime import datetime

import pytest
from sqlalchemy import event

from app.common.time import local_to_utc
from app.extensions import db
from app.hazards import workflow
from app.ledger.queries import INSPECTION_COLUMNS, Period, inspection_register
from tests.factories import make_inspection, make_location, make_user
from tests.ledger.sheets import xlsx_rows, xlsx_sheet

OCTOBER = "/ledgers/inspections.xlsx?month=2026-10"


@pytest.fixture
def inspection(app):
    """A self-check of four items on 12 October, 14:30 local: two passed, one failed, one not
    applicable; hazard cards were opened from the failed item and the not-applicable one
    (`raised`), which the register lists whatever the item's outcome."""
    inspector = make_user("inspector", full_name="张伟")
    inspection = make_inspection(
        outcomes=("pass", "fail", "na", "pass"), kind="self_check", inspector=inspector,
        note="二楼走廊", received_at=local_to_utc(datetime(2026, 10, 12, 14, 30)))
    inspection.raised = [
        workflow.report(inspector, location=inspection.location, level="general",
                        description="隐患", item_result=result)
        for result in inspection.results[1:3]]
    db.session.commit()
    return inspection


def test_register_row_tells_the_inspection_and_its_counts(client, login, inspection):
    login("admin")
    location = inspection.location
    numbers = sorted(hazard.number for hazard in inspection.raised)
    rows = xlsx_rows(client.get(OCTOBER).data, INSPECTION_COLUMNS)
    assert rows[1:] == [[
        datetime(2026, 10, 12, 14, 30), "Department self-check", location.code,
        location.name_en, location.department.name_en, "张伟",
        f"{inspection.version.template.name_en} v1", 4, 2, 1, 1, ", ".join(numbers), "二楼走廊",
    ]]


def test_submitted_is_a_date_and_time_cell(client, login, inspection):
    login("admin")
    cell = xlsx_sheet(client.get(OCTOBER).data)["A2"]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm"


def test_register_is_two_queries(app, inspection):
    make_inspection(received_at=local_to_utc(datetime(2026, 10, 20, 9, 0)))
    admin = make_user("admin")
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    rows = inspection_register(admin, Period.month(2026, 10))
    assert (len(rows), len(statements)) == (2, 2)


def test_department_lead_sees_only_inspections_of_their_departments_places(app, inspection):
    ours = make_location()
    make_inspection(ours, received_at=local_to_utc(datetime(2026, 10, 20, 9, 0)))
    lead = make_user("dept_lead", department=ours.department)
    rows = inspection_register(lead, Period.month(2026, 10))
    assert [row[2] for row in rows] == [ours.code]


def test_inspection_received_after_local_midnight_is_in_the_next_month(app):
    # 31 October 16:30 UTC is 1 November 00:30 in Shanghai.
    make_inspection(received_at=datetime(2026, 10, 31, 16, 30))
    admin = make_user("admin")
    counts = [len(inspection_register(admin, Period.month(2026, month))) for month in (10, 11)]
    assert counts == [0, 1]
