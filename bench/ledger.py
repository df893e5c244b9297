"""Benchmark of the ledger export: the hazard ledger of 10,000 hazards as XLSX and as CSV.

Run `.venv/bin/python bench/ledger.py [--runs 5] [--hazards 10000]`. It builds a throwaway
SQLite database in a temporary folder (bulk inserts: realistic rows in every status, no events),
then times what the download view does (the query and the file) several times, and prints the
median, min and max, the file sizes and the number of SQL queries. The aim is an XLSX of
10,000 hazards in under 5 s on the 2-core machine, with a number of queries that does not grow
with the rows. Last, it requests the hazard list pages and prints the queries and median time
of each.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SAFEROUND_ENV"] = "testing"

AIM_XLSX_SECONDS = 5.0
FIRST_DAY = date(2025, 11, 25)  # the export covers a year up to the bench's "today"
LAST_DAY = date(2026, 11, 24)

DESCRIPTIONS = (
    "灭火器压力不足，指针处于红区", "疏散通道堆放杂物，宽度不足1.4米", "氧气汇流排压力表未校验",
    "配电箱门未关闭，内部积灰", "安全出口指示灯不亮", "消防栓箱被推车遮挡",
    "化学试剂未分类存放，酸碱混放", "锅炉房值班记录缺失两个班次", "电动车在楼内充电",
    "医用气体管道标识脱落", "应急照明自检按钮无反应", "危化品柜未双人双锁",
)
MEASURES = ("更换灭火器并登记", "清理杂物，划定禁放区域", "送检压力表，张贴合格标签",
            "关闭并加锁，每周清洁", "更换灯具，纳入月查", None)
INTERIM = ("设置警示标识，专人看守", "临时隔离，限制进入", None, None)
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰")


def build(app, hazards: int, seed: int = 11) -> None:
    """Fill the database with departments, people, places, inspections and `hazards` hazards."""
    from app.auth.models import Department, User
    from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
    from app.common.time import local_to_utc
    from app.extensions import db
    from app.hazards.models import Hazard
    from app.inspections.models import Inspection, ItemResult
    from app.locations.models import Location, LocationType

    rnd = random.Random(seed)
    person = lambda: rnd.choice(NAMES) + rnd.choice(GIVEN)  # noqa: E731
    run = lambda model, rows: db.session.execute(insert(model.__table__), rows)  # noqa: E731
    departments, types, items_per = 20, 10, 5
    run(Department, [{"id": d, "code": f"D{d:02d}", "name_zh": f"科室{d}",
                      "name_en": f"Department {d}", "is_active": True,
                      "created_at": datetime(2025, 1, 1)} for d in range(1, departments + 1)])
    users = [{"id": n, "username": role, "full_name": person(), "role": role,
              "department_id": None, "password_hash": "x", "active": True,
              "created_at": datetime(2025, 1, 1)} for n, role in ((1, "admin"), (2, "manager"))]
    for d in range(1, departments + 1):
        for role, n in (("dept_lead", 1), ("inspector", 2)):
            for i in range(n):
                users.append({"id": len(users) + 1, "username": f"{role}{d}_{i}",
                              "full_name": person(), "role": role, "department_id": d,
                              "password_hash": "x", "active": True,
                              "created_at": datetime(2025, 1, 1)})
    run(User, users)
    leads = {u["department_id"]: u["id"] for u in users if u["role"] == "dept_lead"}
    inspectors = [u for u in users if u["role"] == "inspector"]
    run(LocationType, [{"id": t, "code": f"type{t}", "name_zh": f"类型{t}",
                        "name_en": f"Type {t}"} for t in range(1, types + 1)])
    run(ChecklistTemplate, [{"id": t, "location_type_id": t, "name_zh": f"检查表{t}",
                             "name_en": f"Checklist {t}", "quick_pass_kinds": "patrol",
                             "created_at": datetime(2025, 1, 1)} for t in range(1, types + 1)])
    run(ChecklistVersion, [{"id": t, "template_id": t, "number": 1, "note": "",
                            "created_at": datetime(2025, 1, 1)} for t in range(1, types + 1)])
    run(ChecklistItem, [{"id": (t - 1) * items_per + i, "version_id": t, "position": i,
                         "kind": "pass_fail", "prompt_zh": f"检查项{i}", "prompt_en": f"Item {i}"}
                        for t in range(1, types + 1) for i in range(1, items_per + 1)])
    locations = [{"id": n, "code": f"B{n // 40 + 1}-{n % 40 + 1:02d}", "name_zh": f"地点{n}",
                  "name_en": f"Place {n}", "building": "", "floor": "",
                  "location_type_id": n % types + 1, "department_id": n % departments + 1,
                  "risk_level": rnd.choice(("red", "orange", "yellow", "blue")),
                  "qr_token": uuid.uuid4().hex, "is_active": True, "is_major_source": False,
                  "created_at": datetime(2025, 1, 1)} for n in range(1, 201)]
    run(Location, locations)

    span = (LAST_DAY - FIRST_DAY).days
    inspections, results, rows = [], [], []
    for n in range(1, hazards + 1):
        location = rnd.choice(locations)
        found_local = datetime.combine(FIRST_DAY + timedelta(days=rnd.randrange(span)),
                                       datetime.min.time()) + timedelta(minutes=rnd.randrange(
                                           7 * 60, 19 * 60))
        found_at = local_to_utc(found_local)
        item_result_id = None
        if rnd.random() < 0.6:  # found by a checklist: an inspection with one failed item
            inspection_id = len(inspections) + 1
            inspector = rnd.choice(inspectors)
            inspections.append({
                "id": inspection_id, "uuid": str(uuid.uuid4()), "location_id": location["id"],
                "version_id": location["location_type_id"], "inspector_id": inspector["id"],
                "kind": rnd.choice(("patrol", "self_check", "leadership", "special")),
                "note": "", "received_at": found_at})
            failed = rnd.randrange(1, items_per + 1)
            for i in range(1, items_per + 1):
                results.append({"id": len(results) + 1, "inspection_id": inspection_id,
                                "item_id": (location["location_type_id"] - 1) * items_per + i,
                                "outcome": "fail" if i == failed else "pass", "note": ""})
                if i == failed:
                    item_result_id = len(results)
        level = "major" if rnd.random() < 0.08 else "general"
        status = rnd.choices(("reported", "assigned", "rectifying", "awaiting_verification",
                              "closed", "cancelled"), (5, 10, 15, 5, 60, 5))[0]
        on_site = status == "closed" and level == "general" and rnd.random() < 0.3
        row = {"id": n, "number": f"YH-{found_local.year}-{n:05d}",
               "location_id": location["id"], "item_result_id": item_result_id,
               "description": rnd.choice(DESCRIPTIONS), "category": rnd.choice(
                   ("消防", "用电", "危化品", "特种设备", "医用气体", "")),
               "level": level, "status": status, "department_id": location["department_id"],
               "responsible_id": None, "reported_by_id": rnd.choice(inspectors)["id"],
               "found_at": found_at, "deadline_on": None, "measures": None,
               "funds_yuan": None, "contingency_plan": None, "interim_controls": None,
               "rectified_on_site": on_site, "rectified_at": None, "verified_by_id": None,
               "verified_at": None, "cancel_reason": None, "closed_at": None}
        later = lambda days: found_at + timedelta(days=days, hours=rnd.randrange(1, 9))  # noqa: E731,B023
        if on_site:
            row.update(rectified_at=later(0), closed_at=later(0))
        elif status != "reported" and status != "cancelled":
            row.update(responsible_id=leads[location["department_id"]],
                       deadline_on=found_local.date() + timedelta(days=30 if level == "major"
                                                                  else 7),
                       measures=rnd.choice(MEASURES), interim_controls=rnd.choice(INTERIM),
                       funds_yuan=rnd.choice((None, 200, 1500.5)) if level == "general"
                       else 20000)
            if status in ("awaiting_verification", "closed"):
                row["rectified_at"] = later(rnd.randrange(1, 12))
            if status == "closed":
                row.update(verified_by_id=2, verified_at=later(12), closed_at=later(12))
        elif status == "cancelled":
            row["cancel_reason"] = rnd.choice(("duplicate", "false_report", "other"))
        rows.append(row)
    run(Inspection, inspections)
    run(ItemResult, results)
    run(Hazard, rows)
    db.session.commit()


def measure(app, runs: int) -> dict:
    """Time the hazard ledger export `runs` times per format; count the queries of one."""
    from app.auth.models import User
    from app.extensions import db
    from app.ledger import export, queries

    period = queries.Period(FIRST_DAY, LAST_DAY)
    statements = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))

    def once(fmt: str) -> tuple[float, bytes, int, int]:
        db.session.remove()
        admin = db.session.get(User, 1)  # as the view has it: the logged-in user
        before = len(statements)
        started = time.perf_counter()
        rows = queries.hazard_ledger(admin, period)
        if fmt == "xlsx":
            data = export.to_xlsx(queries.HAZARD_COLUMNS, rows, "隐患排查治理台账")
        else:
            data = export.to_csv(queries.HAZARD_COLUMNS, rows)
        return time.perf_counter() - started, data, len(statements) - before, len(rows)

    figures = {}
    for fmt in ("xlsx", "csv"):
        once(fmt)  # warm-up: imports, the first connection, openpyxl's first workbook
        timed = [once(fmt) for _ in range(runs)]
        figures[fmt] = {"seconds": [t for t, *_ in timed], "bytes": len(timed[-1][1]),
                        "queries": timed[-1][2], "rows": timed[-1][3]}
    return figures


LIST_PAGES = ["/hazards/", "/hazards/?page=40", "/hazards/?status=open&overdue=1",
              "/hazards/?q=YH-2026", "/hazards/mine", "/"]


def list_pages(app, runs: int) -> dict:
    """SQL statements and median time of each hazard list page, as the admin, through the app."""
    from app.extensions import db

    statements = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    client = app.test_client()
    with client.session_transaction() as session:  # logged in as user 1, the admin
        session["_user_id"] = "1"
        session["_fresh"] = True
    figures = {}
    for url in LIST_PAGES:
        client.get(url)  # warm-up
        times, counts = [], []
        for _ in range(runs):
            before = len(statements)
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            counts.append(len(statements) - before)
            assert response.status_code == 200, (url, response.status_code)
        figures[url] = {"queries": counts[-1], "median": statistics.median(times)}
    return figures


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed exports per format (5)")
    parser.add_argument("--hazards", type=int, default=10_000, help="hazards to build (10000)")
    args = parser.parse_args()

    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        os.environ["SAFEROUND_INSTANCE"] = str(Path(folder) / "instance")
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}"})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            build(app, args.hazards)
            built = time.perf_counter() - started
            figures = measure(app, args.runs)
            pages = list_pages(app, args.runs)
            db.session.remove()
            db.engine.dispose()

    print(f"Database: SQLite, {args.hazards} hazards in every status over "
          f"{FIRST_DAY} to {LAST_DAY}, built in {built:.1f} s; {os.cpu_count()} cores")
    for fmt in ("xlsx", "csv"):
        f = figures[fmt]
        seconds = f["seconds"]
        median = statistics.median(seconds)
        aim = (f" -- aim < {AIM_XLSX_SECONDS:.0f} s: {met(median < AIM_XLSX_SECONDS)}"
               if fmt == "xlsx" else "")
        print(f"{fmt.upper()}: {f['rows']} rows, median {median:.2f} s, min {min(seconds):.2f} s,"
              f" max {max(seconds):.2f} s over {len(seconds)} runs; {f['bytes'] / 1e6:.2f} MB; "
              f"SQL queries: {f['queries']}{aim}")
    print("Hazard list pages (25 rows a page, as the admin; queries do not grow with the rows):")
    for url, f in pages.items():
        print(f"  {url:34} {f['queries']:2d} SQL queries, median {f['median'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
