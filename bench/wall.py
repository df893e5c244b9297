"""Benchmark of the wall screen's data request and the managers' dashboard on a large hospital.

Run `.venv/bin/python bench/wall.py [--runs 15] [--scale 1] [--backend sqlite|postgres|both]`.
It builds a hospital of 2,000 locations (with their inspection schedules), 50,000 inspections
of the last year with 500,000 item results, and 100,000 hazards over two years in every status
(each with its chain of events, some with photos), first in a throwaway SQLite file, then in a
private PostgreSQL cluster (tests/servers.py's running_postgres). Through the Flask test client
it then times GET /wall/<token>/data computed (the shared cache emptied before each request)
and with the ETag it returned (a 304), and GET /dashboard as a manager the same two ways, and
computed cold: "computed" is the answer after a change made this month, which keeps the figures
of the months before this one (they have their own version, app/dashboard/models.py's SETTLED);
"cold" computes those too, as after a change to an earlier month. It prints per database the
medians, the ratio of the wall's full answer to its 304, and whether the aims are met: the full
answers within 50 ms, the 304 at least 10 times cheaper. Then the slowest statements of the
wall's and the dashboard's full answers with their query plans; for a request over the aim (or
all, with `--explain`) the Python functions that took the time. `--scale 0.1` builds a tenth of
the hospital, for development. The whole run takes about three minutes on 2 cores.
"""

import argparse
import cProfile
import gc
import hashlib
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, text
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SAFEROUND_ENV"] = "testing"

from bench.ledger import DESCRIPTIONS, GIVEN, MEASURES, NAMES, met  # noqa: E402
from tests.servers import running_postgres  # noqa: E402

AIM_MS = 50
AIM_RATIO = 10  # the 304 at least this many times cheaper than the full answer
SEED = 5
LOCATIONS, INSPECTIONS, HAZARDS = 2_000, 50_000, 100_000
ITEMS_PER_VERSION = 10
WALL_TOKEN = "bench-wall-token-5f0c2d7a9e3b41c8a6d2"
MANAGER, PASSWORD = "manager", "bench-password"
CHUNK = 20_000
PLAN_LINES = 16

DEPARTMENTS = (
    ("急诊科", "Emergency"), ("心内科", "Cardiology"), ("普外科", "General Surgery"),
    ("儿科", "Paediatrics"), ("妇产科", "Obstetrics"), ("药剂科", "Pharmacy"),
    ("检验科", "Laboratory"), ("放射科", "Radiology"), ("手术麻醉科", "Operating Theatres"),
    ("后勤保障部", "Facilities"), ("信息中心", "IT Centre"), ("设备科", "Equipment"),
    ("消毒供应中心", "Sterile Supply"), ("行政办公室", "Administration"),
    ("营养膳食科", "Catering"),
)
LOCATION_TYPES = (
    ("oxygen", "氧气站", "Oxygen store"), ("boiler", "锅炉房", "Boiler room"),
    ("power", "配电室", "Switch room"), ("pharmacy", "药库", "Pharmacy store"),
    ("chemicals", "危化品库", "Chemical store"), ("ward", "病区", "Ward"),
    ("clinic", "门诊诊室", "Outpatient clinic"), ("theatre", "手术室", "Operating theatre"),
    ("lab", "实验室", "Laboratory"), ("kitchen", "厨房", "Kitchen"),
    ("server", "机房", "Server room"), ("garage", "地下车库", "Car park"),
)
CATEGORIES = ("消防", "用电", "危化品", "特种设备", "医用气体", "")


def scaled(n: int, scale: float) -> int:
    return max(1, round(n * scale))


def generate(scale: float, now: datetime, tz: ZoneInfo, seed: int = SEED) -> dict:
    """Every row of the hospital, per model name, as complete dicts (same keys in each row).

    `now` is naive UTC; local times are the hospital's (a fixed offset: the default zone,
    Asia/Shanghai, has no summer time)."""
    rnd = random.Random(seed)
    offset = tz.utcoffset(now)
    local = lambda utc: utc + offset  # noqa: E731
    utc_of = lambda loc: loc - offset  # noqa: E731
    today = local(now).date()
    year_ago, long_ago = now - timedelta(days=365), now - timedelta(days=730)
    hexid = lambda *parts: hashlib.sha256(repr(parts).encode()).hexdigest()  # noqa: E731
    person = lambda: rnd.choice(NAMES) + rnd.choice(GIVEN)  # noqa: E731
    rows: dict[str, list[dict]] = {}

    rows["Department"] = [{"id": d, "code": f"D{d:02d}", "name_zh": zh, "name_en": en,
                           "is_active": True, "created_at": long_ago}
                          for d, (zh, en) in enumerate(DEPARTMENTS, 1)]
    departments = len(DEPARTMENTS)
    users = [{"id": 1, "username": "admin", "role": "admin", "department_id": None},
             {"id": 2, "username": MANAGER, "role": "manager", "department_id": None},
             {"id": 3, "username": "viewer", "role": "viewer", "department_id": None}]
    for d in range(1, departments + 1):
        users.append({"id": len(users) + 1, "username": f"lead{d}", "role": "dept_lead",
                      "department_id": d})
        for i in range(2):
            users.append({"id": len(users) + 1, "username": f"inspector{d}_{i}",
                          "role": "inspector", "department_id": d})
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    for user in users:
        user.update(full_name=person(), email=None, phone=None, locale=None, active=True,
                    password_hash=password_hash if user["id"] == 2 else "x",
                    created_at=long_ago)
    rows["User"] = users
    leads = {u["department_id"]: u["id"] for u in users if u["role"] == "dept_lead"}
    inspectors = [u["id"] for u in users if u["role"] == "inspector"]

    # One template per location type, two versions (the second from six months ago).
    types = len(LOCATION_TYPES)
    rows["LocationType"] = [{"id": t, "code": code, "name_zh": zh, "name_en": en}
                            for t, (code, zh, en) in enumerate(LOCATION_TYPES, 1)]
    rows["ChecklistTemplate"] = [{"id": t, "location_type_id": t, "name_zh": f"{zh}检查表",
                                  "name_en": f"{en} checklist", "quick_pass_kinds": "patrol",
                                  "created_at": long_ago}
                                 for t, (_code, zh, en) in enumerate(LOCATION_TYPES, 1)]
    second_version_at = now - timedelta(days=182)
    rows["ChecklistVersion"] = [
        {"id": (t - 1) * 2 + n, "template_id": t, "number": n, "note": "",
         "created_at": long_ago if n == 1 else second_version_at,
         "first_served_at": long_ago if n == 1 else second_version_at, "created_by_id": 1}
        for t in range(1, types + 1) for n in (1, 2)]
    rows["ChecklistItem"] = [
        {"id": (v["id"] - 1) * ITEMS_PER_VERSION + p, "version_id": v["id"], "position": p,
         "item_key": hexid("item", v["template_id"], p)[:32],
         "kind": "pass_fail", "prompt_zh": f"检查项{p}", "prompt_en": f"Item {p}",
         "guidance_zh": "", "guidance_en": "", "is_required": True,
         "photo_required_on_fail": p == 1, "default_level": "general", "min_value": None,
         "max_value": None, "unit": ""}
        for v in rows["ChecklistVersion"] for p in range(1, ITEMS_PER_VERSION + 1)]

    locations, schedules = [], []
    for n in range(1, scaled(LOCATIONS, scale) + 1):
        risk = rnd.choices(("red", "orange", "yellow", "blue"), (5, 15, 35, 45))[0]
        major = rnd.random() < (0.5 if risk in ("red", "orange") else 0.03)
        building, floor = rnd.randrange(1, 13), rnd.randrange(-2, 21) or 1
        locations.append({
            "id": n, "code": f"B{building}-{floor}F-{n:04d}", "name_zh": f"地点{n}",
            "name_en": f"Place {n}", "building": f"{building}号楼", "floor": f"{floor}F",
            "location_type_id": rnd.randrange(1, types + 1),
            "department_id": rnd.randrange(1, departments + 1), "risk_level": risk,
            "qr_token": f"{rnd.getrandbits(128):032x}", "is_active": rnd.random() > 0.01,
            "is_major_source": major,
            "source_hazards": "火灾、爆炸" if major else None,
            "source_controls": "双人双锁，每日巡查" if major else None,
            "source_responsible": person() if major else None,
            "source_emergency": "启动应急预案，疏散并报告" if major else None,
            "source_monitoring": "压力、温度在线监测" if major else None,
            "created_at": year_ago - timedelta(days=30)})
    for loc in locations:
        owed = [("patrol", "shift" if rnd.random() < 0.05 else "daily", None, "inspector"),
                ("self_check", "monthly", loc["department_id"], None)]
        if loc["is_major_source"]:
            owed.append(("leadership", "quarterly", None, "manager"))
        for kind, frequency, department_id, role in owed:
            schedules.append({"id": len(schedules) + 1, "location_id": loc["id"], "kind": kind,
                              "frequency": frequency, "owner_department_id": department_id,
                              "owner_role": role, "is_active": True, "created_at": year_ago})
    rows["Location"], rows["InspectionSchedule"] = locations, schedules
    active = [loc for loc in locations if loc["is_active"]]
    majors = [loc for loc in active if loc["is_major_source"]] or active

    # Inspections of the last year, in time order, ten item results each; 45 % find one
    # failed item, which opens a hazard card.
    inspections, results, found = [], [], []
    moments = sorted(now - timedelta(seconds=rnd.uniform(60, 365 * 86400))
                     for _ in range(scaled(INSPECTIONS, scale)))
    for received_at in moments:
        kind = rnd.choices(("patrol", "self_check", "leadership", "special"), (80, 15, 3, 2))[0]
        loc = rnd.choice(majors if kind == "leadership" else active)
        inspector = (leads[loc["department_id"]] if kind == "self_check"
                     else rnd.choice((1, 2)) if kind == "leadership" else rnd.choice(inspectors))
        late = rnd.random() < 0.03  # an offline round, synced hours later
        submitted_at = received_at - (timedelta(hours=rnd.uniform(1, 6)) if late
                                      else timedelta(seconds=rnd.uniform(0.5, 90)))
        version_id = (loc["location_type_id"] - 1) * 2 + (
            2 if received_at >= second_version_at else 1)
        inspection_id = len(inspections) + 1
        inspections.append({
            "id": inspection_id, "uuid": f"{rnd.getrandbits(128):032x}", "location_id": loc["id"],
            "version_id": version_id, "inspector_id": inspector, "kind": kind, "note": "",
            "started_at": submitted_at - timedelta(minutes=rnd.uniform(2, 15)),
            "submitted_at": submitted_at, "received_at": received_at})
        failed = rnd.randrange(1, ITEMS_PER_VERSION + 1) if rnd.random() < 0.45 else None
        for p in range(1, ITEMS_PER_VERSION + 1):
            outcome = "fail" if p == failed else ("na" if rnd.random() < 0.03 else "pass")
            results.append({"id": len(results) + 1, "inspection_id": inspection_id,
                            "item_id": (version_id - 1) * ITEMS_PER_VERSION + p,
                            "outcome": outcome, "number_value": None, "text_value": None,
                            "note": "指针在红区" if outcome == "fail" else ""})
            if outcome == "fail":
                found.append((received_at, loc, len(results), inspector))
    rows["Inspection"], rows["ItemResult"] = inspections, results

    # The rest of the hazards were reported directly, over two years.
    for _ in range(max(0, scaled(HAZARDS, scale) - len(found))):
        found.append((now - timedelta(seconds=rnd.uniform(60, 730 * 86400)),
                      rnd.choice(active), None, rnd.choice(inspectors + list(leads.values()))))
    found.sort(key=lambda f: f[0])

    hazards, events, photos, counters = [], [], [], {}
    for hazard_id, (found_at, loc, item_result_id, reporter) in enumerate(found, 1):
        year = local(found_at).year
        counters[year] = counters.get(year, 0) + 1
        level = "major" if rnd.random() < 0.05 else "general"
        age = (now - found_at).days
        stays_open = rnd.random() < (0.6 if age < 7 else 0.3 if age < 30 else 0.1 if age < 90
                                     else 0.02)
        if stays_open:
            plan = rnd.choices(("reported", "assigned", "rectifying", "awaiting_verification"),
                               (50, 20, 20, 10) if age < 2 else (3, 37, 45, 15))[0]
        else:
            plan = rnd.choices(("closed", "on_site", "cancelled"),
                               (70, 0 if level == "major" else 26, 4))[0]
        hazard = {
            "id": hazard_id, "number": f"YH-{year}-{counters[year]:05d}",
            "location_id": loc["id"], "item_result_id": item_result_id,
            "description": rnd.choice(DESCRIPTIONS), "category": rnd.choice(CATEGORIES),
            "level": level, "status": "reported", "department_id": loc["department_id"],
            "responsible_id": None, "reported_by_id": reporter, "found_at": found_at,
            "deadline_on": None, "measures": None, "funds_yuan": None, "contingency_plan": None,
            "interim_controls": None, "rectified_on_site": False, "rectified_at": None,
            "verified_by_id": None, "verified_at": None, "cancel_reason": None,
            "closed_at": None, "closed_on_time": None}
        chain = [("report", None, "reported", reporter, found_at, {})]
        if plan == "on_site":
            at = found_at + timedelta(minutes=rnd.uniform(5, 120))
            if at < now:
                chain.append(("fix_on_site", "reported", "closed", reporter, at, {}))
                hazard.update(rectified_on_site=True, rectified_at=at, closed_at=at,
                              closed_on_time=True)
        elif plan == "cancelled":
            at = found_at + timedelta(hours=rnd.uniform(1, 72))
            if at < now:
                reason = rnd.choice(("duplicate", "false_report", "other"))
                chain.append(("cancel", "reported", "cancelled", 2, at, {"reason": reason}))
                hazard["cancel_reason"] = reason
        elif plan != "reported":
            allowed = 30 if level == "major" else 7
            assign_at = found_at + timedelta(hours=rnd.uniform(1, 48))
            deadline = local(assign_at).date() + timedelta(days=allowed)
            start_at = assign_at + timedelta(hours=rnd.uniform(1, 72))
            if rnd.random() < 0.85:  # rectified by the deadline day
                rectified_at = max(start_at + timedelta(hours=1), utc_of(datetime.combine(
                    deadline, datetime.min.time())) - timedelta(days=rnd.uniform(0, allowed - 1)))
            else:
                rectified_at = utc_of(datetime.combine(deadline, datetime.min.time())) \
                    + timedelta(days=rnd.uniform(1, 25))
            verify_at = rectified_at + timedelta(hours=rnd.uniform(2, 72))
            responsible = leads[loc["department_id"]]
            moves = [("assign", "reported", "assigned", 2, assign_at,
                      {"responsible_id": responsible, "deadline_on": deadline.isoformat()}),
                     ("start", "assigned", "rectifying", responsible, start_at, {}),
                     ("submit", "rectifying", "awaiting_verification", responsible,
                      rectified_at, {}),
                     ("verify", "awaiting_verification", "closed", 2, verify_at, {})]
            for move in moves:
                if move[4] >= now or chain[-1][2] == plan:
                    break
                chain.append(move)
                action, at = move[0], move[4]
                if action == "assign":
                    hazard.update(responsible_id=responsible, deadline_on=deadline,
                                  measures=rnd.choice(MEASURES) or "整改", funds_yuan=(
                                      20000 if level == "major" else rnd.choice((0, 200, 1500))),
                                  contingency_plan="应急预案" if level == "major" else None,
                                  interim_controls="设置警示标识")
                elif action == "submit":
                    hazard["rectified_at"] = at
                elif action == "verify":
                    hazard.update(verified_by_id=2, verified_at=at, closed_at=at,
                                  closed_on_time=local(rectified_at).date() <= deadline)
        hazard["status"] = chain[-1][2]
        hazards.append(hazard)
        prev = "0" * 64
        for seq, (action, from_status, to_status, actor, at, data) in enumerate(chain, 1):
            digest = hexid(hazard_id, seq)
            events.append({"id": len(events) + 1, "hazard_id": hazard_id, "seq": seq,
                           "action": action, "from_status": from_status, "to_status": to_status,
                           "actor_id": actor, "at": at, "note": "", "data": data,
                           "prev_hash": prev, "hash": digest})
            prev = digest
        # A third of the open cards show a before-photo: the item's, or the report's.
        if hazard["status"] not in ("closed", "cancelled") and rnd.random() < 1 / 3:
            report_event_id = len(events) - len(chain) + 1
            photos.append({
                "id": len(photos) + 1, "sha256": hexid("photo", hazard_id),
                "thumb_sha256": hexid("thumb", hazard_id), "width": 1600, "height": 1200,
                "size_bytes": rnd.randrange(200_000, 600_000),
                "taken_at": found_at - timedelta(minutes=2),
                "is_possibly_off_site": False, "client_uuid": None, "uploaded_by_id": reporter,
                "uploaded_at": found_at, "item_result_id": item_result_id,
                "hazard_event_id": None if item_result_id else report_event_id})
    rows["Hazard"], rows["HazardEvent"], rows["Photo"] = hazards, events, photos
    rows["HazardCounter"] = [{"year": y, "last": n} for y, n in sorted(counters.items())]
    rows["DisplayToken"] = [
        {"id": 1, "name": "门诊大厅大屏", "token": WALL_TOKEN, "created_by_id": 2,
         "created_at": now - timedelta(days=60), "revoked_at": None},
        {"id": 2, "name": "旧大屏", "token": "bench-revoked-token-00000000000000",
         "created_by_id": 2, "created_at": now - timedelta(days=400),
         "revoked_at": now - timedelta(days=60)}]
    open_ = [h for h in hazards if h["status"] not in ("closed", "cancelled")]
    rows["_summary"] = {  # not a table
        "open": len(open_), "overdue": sum(1 for h in open_ if h["deadline_on"] is not None
                                           and h["deadline_on"] < today),
        "closed": sum(1 for h in hazards if h["status"] == "closed"),
        "cancelled": sum(1 for h in hazards if h["status"] == "cancelled")}
    return rows


LOAD_ORDER = ("Department", "User", "LocationType", "ChecklistTemplate", "ChecklistVersion",
              "ChecklistItem", "Location", "InspectionSchedule", "Inspection", "ItemResult",
              "Hazard", "HazardEvent", "Photo", "HazardCounter", "DisplayToken")


def _default(column):
    """A new column's value for generated rows: its scalar default, else NULL if it may be."""
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    assert column.nullable, f"{column} has no scalar default: the bench must fill it"
    return None


def load(rows: dict) -> None:
    """Bulk-insert the generated rows: core executemany on SQLite, COPY on PostgreSQL."""
    from app import models
    from app.extensions import db

    postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # the app bounds each statement; a COPY of 400,000 rows takes longer
        db.session.execute(text("SET statement_timeout = 0"))
    for name in LOAD_ORDER:
        table = getattr(models, name).__table__
        columns = [c.name for c in table.columns]
        data = rows[name]
        missing = set(columns) - set(data[0]) if data else set()
        if missing:  # columns added since this bench was written: their defaults
            filled = {c: _default(table.columns[c]) for c in missing}
            for row in data:
                row.update(filled)
        if postgres:
            driver = db.session.connection().connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(
                    f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row([json.dumps(v) if isinstance(v, dict) else v
                                    for v in (row[c] for c in columns)])
            if "id" in columns:
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence("
                                        f"'{table.name}', 'id'), {len(data)})"))
        else:
            for start in range(0, len(data), CHUNK):
                db.session.execute(insert(table), data[start:start + CHUNK])
    db.session.commit()
    # On PostgreSQL, VACUUM as autovacuum would have by then (index-only scans need the
    # visibility map), then statistics for the planners.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")


# Timing through the app.

class Statements:
    """Every SQL statement the engine runs, with its parameters and duration."""

    def __init__(self, engine):
        self.log = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, _cursor, statement, parameters, _context, _many):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, _cursor, statement, parameters, _context, _many):
        self.log.append((statement, parameters,
                         time.perf_counter() - conn.info.pop("bench_started")))


def timed(client, statements, url, runs, headers=None, before=None) -> dict:
    """Warm up, then time `runs` requests (each after `before()`); the statements of the last
    one are kept."""
    for _ in range(2):
        if before:
            before()
        response = client.get(url, headers=headers)
    seconds, sql_seconds = [], []
    for _ in range(runs):
        if before:
            before()
        before_count = len(statements.log)
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        seconds.append(time.perf_counter() - started)
        last = statements.log[before_count:]
        sql_seconds.append(sum(d for *_, d in last))
    return {"status": response.status_code, "seconds": seconds, "sql": sql_seconds,
            "statements": last, "bytes": len(response.data), "etag": response.headers.get("ETag")}


def measure(app, runs: int) -> dict:
    """The wall's data (computed, and its 304) and the dashboard as a manager, outside any app
    context, as the server runs them: a fresh context, session and `g` per request. The full
    answers are timed with the shared cache emptied before each: the figures computed."""
    from app.common import shared
    from app.extensions import db

    def forget():
        """What a change made this month leaves in the shared cache: the figures of the months
        before this one (app/dashboard/stats.py, _settled_figures), nothing else."""
        settled = {key: value for key, value in app.extensions[shared.EXTENSION]._values.items()
                   if key.startswith("settled-months:")}
        app.extensions[shared.EXTENSION] = shared.MemoryCache()
        app.extensions[shared.EXTENSION]._values.update(settled)

    def forget_all():
        """After a change to a month before this one, or a start: everything computed."""
        app.extensions[shared.EXTENSION] = shared.MemoryCache()

    with app.app_context():
        statements = Statements(db.engine)
    figures = {}
    wall = app.test_client()  # the screen: no login, only the token
    data_url = f"/wall/{WALL_TOKEN}/data"
    figures["wall data"] = timed(wall, statements, data_url, runs, before=forget)
    etag = figures["wall data"]["etag"]
    if figures["wall data"]["status"] == 200 and etag:
        figures["wall data, If-None-Match (304)"] = timed(
            wall, statements, data_url, runs, headers={"If-None-Match": etag})
    manager = app.test_client()
    login = manager.post("/login", data={"username": MANAGER, "password": PASSWORD})
    assert login.status_code == 302, ("login failed", login.status_code)
    figures["dashboard"] = timed(manager, statements, "/dashboard", runs, before=forget)
    figures["dashboard, cold"] = timed(manager, statements, "/dashboard", runs,
                                       before=forget_all)
    etag = figures["dashboard"]["etag"]
    if figures["dashboard"]["status"] == 200 and etag:
        figures["dashboard, If-None-Match (304)"] = timed(
            manager, statements, "/dashboard", runs, headers={"If-None-Match": etag})
    figures["_clients"] = {"wall data": (wall, data_url), "dashboard": (manager, "/dashboard")}
    figures["_forget"] = forget
    return figures


def plans(app, figures: dict, name: str, count: int = 4) -> list[str]:
    """The slowest statements of one request, with their query plans."""
    from app.extensions import db

    f = figures[name]
    lines = [f"    {name}: {statistics.median(f['sql']) * 1000:.1f} ms of "
             f"{statistics.median(f['seconds']) * 1000:.1f} ms in SQL ({len(f['statements'])} "
             "statements); the slowest, with their plans:"]
    slowest = sorted(f["statements"], key=lambda s: -s[2])[:count]
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        prefix = "EXPLAIN (ANALYZE, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
        for statement, parameters, seconds in slowest:
            flat = " ".join(statement.split())
            lines.append(f"    - {seconds * 1000:.1f} ms: {flat[:300]}"
                         f"{' …' if len(flat) > 300 else ''}")
            with db.engine.connect() as conn:
                plan = conn.exec_driver_sql(prefix + statement, parameters).all()
            for row in plan[:PLAN_LINES]:
                line = row[0] if postgres else row[-1]
                lines.append("        " + (line if len(line) < 160 else line[:157] + "..."))
            if len(plan) > PLAN_LINES:
                lines.append("        ...")
    return lines


def diagnose(app, figures: dict, name: str) -> list[str]:
    """Why a request is slow: the Python functions with the most time of their own in one
    profiled request."""
    lines = []
    client, url = figures["_clients"][name]
    figures["_forget"]()
    profile = cProfile.Profile()
    profile.enable()
    client.get(url)
    profile.disable()
    lines.append("    One request under cProfile (slower than unprofiled); the app's functions "
                 "by cumulative time, then all by own time (ms cumulative, ms own, calls):")

    def show(entries):
        for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in entries:
            where = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
            lines.append(f"      {cumtime * 1000:7.1f} {tottime * 1000:7.1f} {calls:7d}x "
                         f"{function} ({where}:{line})")

    entries = pstats.Stats(profile).stats.items()
    show(sorted(((k, v) for k, v in entries if k[0].startswith(str(ROOT / "app"))),
                key=lambda kv: -kv[1][3])[:8])
    lines.append("      ...")
    show(sorted(entries, key=lambda kv: -kv[1][2])[:6])
    return lines


def report(backend: str, figures: dict, app, explain: bool) -> list[str]:
    lines = []
    urls = {"wall data": "GET /wall/<token>/data (computed)",
            "wall data, If-None-Match (304)": "GET /wall/<token>/data, If-None-Match",
            "dashboard": "GET /dashboard (manager, computed)",
            "dashboard, cold": "GET /dashboard, settled months too",
            "dashboard, If-None-Match (304)": "GET /dashboard, If-None-Match"}
    medians, slow = {}, []
    for name, f in figures.items():
        if name.startswith("_"):
            continue
        seconds = [s * 1000 for s in f["seconds"]]
        median = medians[name] = statistics.median(seconds)
        if f["status"] not in (200, 304):
            lines.append(f"  {urls[name]:42} HTTP {f['status']}: not measured")
            continue
        lines.append(
            f"  {urls[name]:42} HTTP {f['status']}, median {median:.1f} ms (min "
            f"{min(seconds):.1f}, max {max(seconds):.1f}) over {len(seconds)} runs; "
            f"{len(f['statements'])} SQL queries taking {statistics.median(f['sql']) * 1000:.1f}"
            f" ms; {f['bytes'] / 1000:.1f} kB")
        if name in figures["_clients"] and (median >= AIM_MS or explain):
            slow.append(name)
    full, cheap = medians.get("wall data"), medians.get("wall data, If-None-Match (304)")
    dashboard = medians.get("dashboard")
    if full and cheap and dashboard:
        ratio = full / cheap
        lines.append(
            f"  {backend}: wall full {full:.1f} ms / 304 {cheap:.1f} ms = {ratio:.0f}x; "
            f"dashboard {dashboard:.1f} ms (304: "
            f"{medians.get('dashboard, If-None-Match (304)', float('nan')):.1f} ms) -- aims: "
            f"wall full <= {AIM_MS} ms {met(full <= AIM_MS)}, dashboard <= {AIM_MS} ms "
            f"{met(dashboard <= AIM_MS)}, 304 >= {AIM_RATIO}x cheaper {met(ratio >= AIM_RATIO)}")
    else:
        lines.append("  (no ETag on the wall's data or the dashboard: no 304 measured)")
    lines.append(f"  The main statements ({backend}):")
    for name in ("wall data", "dashboard"):
        lines.extend(plans(app, figures, name))
    for name in slow:
        lines.append(f"  Where the time goes ({backend}):")
        lines.extend(diagnose(app, figures, name))
    return lines


def run_backend(backend: str, args, now: datetime, folder: Path) -> list[str]:
    """Build the hospital in `backend`, time the requests, and return the lines to print."""
    from app import create_app
    from app.extensions import db

    if backend == "postgres":
        # Durability off and no checkpoints during the load; the reads are unaffected.
        server = running_postgres(("fsync=off", "synchronous_commit=off",
                                   "full_page_writes=off", "max_wal_size=4GB"))
        try:
            url = server.__enter__()
        except Exception as e:  # say why, and carry on without it
            return [f"PostgreSQL: could not be started, so not measured: {e}"]
    else:
        server, url = None, f"sqlite:///{folder / 'bench.db'}"
    try:
        os.environ["SAFEROUND_INSTANCE"] = str(folder / f"instance-{backend}")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            rows = generate(args.scale, now, ZoneInfo(app.config["HOSPITAL_TIMEZONE"]))
            generated = time.perf_counter() - started
            load(rows)
            built = time.perf_counter() - started
            version = db.session.execute(text(
                "SELECT version()" if backend == "postgres" else "SELECT sqlite_version()"
            )).scalar()
            db.session.remove()
        lines = [f"{'PostgreSQL' if backend == 'postgres' else 'SQLite'} "
                 f"{version.split(' (')[0].replace('PostgreSQL ', '')}: built in {built:.1f} s "
                 f"(rows generated in {generated:.1f} s, loaded and analysed in "
                 f"{built - generated:.1f} s)"]
        if backend == "sqlite" or args.backend == "postgres":
            lines.insert(0, summary(rows, args.scale))
        # The million generated rows would make every full garbage collection during the
        # requests take a third of a second: the server holds none of them.
        del rows
        gc.collect()
        load_before = os.getloadavg()[0]
        figures = measure(app, args.runs)
        lines.append(f"  Load average {load_before:.1f} before the requests, "
                     f"{os.getloadavg()[0]:.1f} after (on {os.cpu_count()} cores; other work "
                     "on the machine slows the requests down)")
        lines.extend(report(backend, figures, app, args.explain))
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return lines
    finally:
        if server is not None:
            server.__exit__(None, None, None)


def summary(rows: dict, scale: float) -> str:
    s = rows["_summary"]
    return (f"Hospital (seed {SEED}, scale {scale:g}): {len(rows['Department'])} departments, "
            f"{len(rows['LocationType'])} location types, {len(rows['Location']):,} locations, "
            f"{len(rows['InspectionSchedule']):,} schedules, {len(rows['Inspection']):,} "
            f"inspections, {len(rows['ItemResult']):,} item results, {len(rows['Hazard']):,} "
            f"hazards ({s['open']:,} open of which {s['overdue']:,} overdue, {s['closed']:,} "
            f"closed, {s['cancelled']:,} cancelled), {len(rows['HazardEvent']):,} hazard "
            f"events, {len(rows['Photo']):,} photos; {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per URL (15)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the hospital: 1 is 2,000 locations, 50,000 inspections "
                             "and 100,000 hazards (1)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--explain", action="store_true",
                        help="show the slowest statements and functions even when under the aim")
    args = parser.parse_args()

    now = datetime.now(UTC).replace(tzinfo=None)  # both backends get the same hospital
    with tempfile.TemporaryDirectory() as name:
        backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
        for backend in backends:
            for line in run_backend(backend, args, now, Path(name)):
                print(line, flush=True)


if __name__ == "__main__":
    main()
