"""Build the demo hospital. Reference data is matched by code; history is made once."""

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from app.auth.models import Department, User
from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from app.common.time import local_to_utc, to_local, utcnow
from app.common.vocab import OPEN_HAZARD_STATUSES
from app.demo import assessment, content, ladder, recurring
from app.demo.anchors import make as make_anchors
from app.demo.photos import AFTER, BEFORE, demo_photo
from app.extensions import db
from app.hazards import workflow
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location, LocationType
from app.schedules.coverage import shift_starts
from app.schedules.models import InspectionSchedule
from app.schedules.periods import periods_between

DEMO_PASSWORD = "saferound"  # the demo's only; README says so
HISTORY_DAYS = 120
# Patrols: the boiler rooms each shift (锅炉房每班巡检), the other red and orange places daily,
# the rest weekly. The history walks each schedule period by period and skips a few.
SHIFT_PATROL_TYPES = {"boiler_room"}
DAILY_PATROL_RISKS = {"red", "orange"}
MISS_RATE = {"shift": 0.05, "daily": 0.08, "weekly": 0.06, "monthly": 0.08, "quarterly": 0.0}
# The chance a checklist item fails: on a patrol, about once per 330 days of a place, so it
# grows with the time a patrol covers; 1.2 % on a self-check or leadership inspection.
FAIL_RATE = {"shift": 0.0015, "daily": 0.003, "weekly": 0.021, "monthly": 0.012,
             "quarterly": 0.012}
DEMO_NAMESPACE = uuid.UUID("6f1d2c1e-9d5b-4c5e-8f0a-2a6b2d9e7c11")

# (username, full name, role, department code)
DEMO_USERS = [
    ("admin", "系统管理员 Admin", "admin", "YB"),
    ("manager", "王建华", "manager", "BWK"),
    ("manager2", "刘敏", "manager", "ZWK"),
    ("guard1", "李强", "inspector", "BWK"),
    ("guard2", "赵磊", "inspector", "BWK"),
    ("viewer", "陈院长", "viewer", "YB"),
]
LEAD_NAMES = ["周静", "吴涛", "郑霞", "孙明", "马丽", "黄伟", "林芳", "何军", "高洁", "罗斌",
              "梁红", "宋平", "谢晨", "韩雪"]
CATEGORIES = {
    "oxygen_store": "医用气体", "boiler_room": "特种设备", "power_room": "用电安全",
    "pharmacy": "药品安全", "radiation_store": "辐射安全", "chemicals_store": "危险化学品",
    "ct_room": "辐射安全", "computer_room": "防雷静电", "cashier_room": "治安防范",
    "fire_control_room": "消防安全", "kitchen": "燃气及食品安全",
}


def load_demo(now: datetime | None = None, log=print) -> None:
    """Create whatever of the demo hospital is missing; commit."""
    now = now or utcnow()
    departments = _departments()
    types = _location_types()
    users = _users(departments)
    templates = _templates(types)
    locations = _locations(types, departments)
    _schedules(locations, since=now - timedelta(days=HISTORY_DAYS))
    db.session.flush()
    if db.session.scalar(select(exists().where(Inspection.id.is_not(None)))):
        log("Inspections exist already: demo history left as it is.")
    else:
        History(random.Random(2026), now, users, templates, locations).make()
    assessment.make(now, log)
    recurring.make(now, log)
    ladder.make(now, log)
    make_anchors(now, log)  # last: it anchors what the others made
    db.session.commit()
    log(f"Demo hospital ready: {len(departments)} departments, {len(locations)} locations, "
        f"{len(users)} users (password '{DEMO_PASSWORD}').")


def _by_code(model, code_column, code):
    return db.session.scalar(select(model).where(code_column == code))


def _departments() -> dict[str, Department]:
    result = {}
    for code, zh, en in content.DEPARTMENTS:
        dept = _by_code(Department, Department.code, code)
        if dept is None:
            dept = Department(code=code, name_zh=zh, name_en=en)
            db.session.add(dept)
        result[code] = dept
    return result


def _location_types() -> dict[str, LocationType]:
    result = {}
    for code, zh, en in content.LOCATION_TYPES:
        kind = _by_code(LocationType, LocationType.code, code)
        if kind is None:
            kind = LocationType(code=code, name_zh=zh, name_en=en)
            db.session.add(kind)
        result[code] = kind
    return result


def _users(departments) -> dict[str, User]:
    wanted = list(DEMO_USERS)
    for i, (code, zh, _en) in enumerate(content.DEPARTMENTS):
        wanted.append((f"lead_{code.lower()}", f"{LEAD_NAMES[i % len(LEAD_NAMES)]}（{zh}）",
                       "dept_lead", code))
    result = {}
    for username, full_name, role, dept_code in wanted:
        user = _by_code(User, User.username, username)
        if user is None:
            user = User(username=username, full_name=full_name, role=role,
                        department=departments[dept_code])
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        result[username] = user
    return result


def _templates(types) -> dict[str, ChecklistTemplate]:
    result = {}
    for code, spec in content.TEMPLATES.items():
        template = db.session.scalar(
            select(ChecklistTemplate).where(ChecklistTemplate.location_type == types[code])
        )
        if template is None:
            template = ChecklistTemplate(location_type=types[code], name_zh=spec["name_zh"],
                                         name_en=spec["name_en"])
            version = ChecklistVersion(number=1, note="示范 demo")
            for position, item in enumerate(spec["items"], start=1):
                version.items.append(ChecklistItem(
                    position=position, kind=item["kind"], prompt_zh=item["zh"],
                    prompt_en=item["en"], guidance_zh=item.get("guidance_zh", ""),
                    guidance_en=item.get("guidance_en", ""),
                    photo_required_on_fail=item.get("photo_on_fail", False),
                    photo_required=item.get("photo_always", False),
                    default_level=item.get("level", "general"),
                    # Readings and names are optional unless marked, so an all-clear patrol
                    # stays a three-tap round; a reading outside its range still fails. The
                    # liquid-oxygen tank's pressure and gauge photo are always wanted.
                    is_required=item.get("required", item["kind"] == "pass_fail"),
                    min_value=item.get("min"), max_value=item.get("max"),
                    unit=item.get("unit") or "",
                ))
            template.versions.append(version)
            db.session.add(template)
        result[code] = template
    return result


def _locations(types, departments) -> list[Location]:
    result = []
    for spec in content.LOCATIONS:
        location = _by_code(Location, Location.code, spec["code"])
        if location is None:
            source = spec.get("major_source") or {}
            location = Location(
                code=spec["code"], name_zh=spec["zh"], name_en=spec["en"],
                location_type=types[spec["type"]], department=departments[spec["dept"]],
                building=spec["building"], floor=spec["floor"], risk_level=spec["risk"],
                is_major_source=bool(source),
                **{f"source_{key}": value for key, value in source.items()},
            )
            db.session.add(location)
        result.append(location)
    return result


def patrol_frequency(location: Location) -> str:
    if location.location_type.code in SHIFT_PATROL_TYPES:
        return "shift"
    return "daily" if location.risk_level in DAILY_PATROL_RISKS else "weekly"


def _schedules(locations, since: datetime) -> None:
    """Each place's schedules, owed since the history began (`since`, UTC)."""
    db.session.flush()
    for location in locations:
        wanted = [("patrol", patrol_frequency(location), None, "inspector"),
                  ("self_check", "monthly", location.department_id, None)]
        if location.is_major_source:
            wanted.append(("leadership", "quarterly", None, "manager"))
        have = {s.kind for s in location.schedules}
        for kind, frequency, dept_id, role in wanted:
            if kind not in have:
                db.session.add(InspectionSchedule(
                    location=location, kind=kind, frequency=frequency,
                    owner_department_id=dept_id, owner_role=role, created_at=since))


class History:
    """Months of inspections; each failure becomes a hazard walked through the workflow."""

    def __init__(self, rng, now, users, templates, locations):
        self.rng, self.now, self.users = rng, now, users
        self.templates, self.locations = templates, locations
        self.guards = [users["guard1"], users["guard2"]]
        self.managers = [users["manager"], users["manager2"]]
        # The latest cards go through each open state in turn, so the demo shows every state
        # whatever the date it is loaded on; older cards are left to chance.
        self.open_states = iter(OPEN_HAZARD_STATUSES)

    def make(self) -> None:
        """Every period of every schedule since the history began, a few of them missed; the
        current period done when its random moment is already past. Two daily places missed
        yesterday and one boiler room its last shift, so the wall screen has misses to show."""
        shifts = shift_starts()
        since = to_local(self.now - timedelta(days=HISTORY_DAYS)).replace(tzinfo=None)
        now_local = to_local(self.now).replace(tzinfo=None)
        today = datetime.combine(now_local.date(), datetime.min.time())
        by_frequency = {}
        for location in self.locations:
            by_frequency.setdefault(patrol_frequency(location), []).append(location)
        daily = by_frequency.get("daily", [])
        skipped = {(loc.code, today - timedelta(days=1))
                   for loc in self.rng.sample(daily, min(2, len(daily)))}
        if by_frequency.get("shift"):
            last_shift = next(p for p in reversed(periods_between(
                "shift", now_local - timedelta(days=1), now_local, shifts)) if p.end <= now_local)
            skipped.add((self.rng.choice(by_frequency["shift"]).code, last_shift.start))
        for location in self.locations:
            for schedule in sorted((s for s in location.schedules if s.is_active),
                                   key=lambda s: s.kind):
                inspectors = self.inspectors(location, schedule.kind)
                fail_rate = FAIL_RATE[schedule.frequency]
                for period in periods_between(schedule.frequency, since, now_local, shifts):
                    if (self.rng.random() < MISS_RATE[schedule.frequency]
                            or (location.code, period.start) in skipped):
                        continue
                    at = local_to_utc(self.moment(period))
                    self.inspect(location, schedule.kind, self.rng.choice(inspectors), at,
                                 fail_rate)
        db.session.flush()

    def inspectors(self, location, kind) -> list[User]:
        if kind == "patrol":
            return self.guards
        if kind == "leadership":
            return self.managers[:1]
        return [self.users[f"lead_{location.department.code.lower()}"]]

    def moment(self, period) -> datetime:
        """When, on the hospital's clock, the period's inspection was done: anywhere in a
        shift; in the day shift's hours (weekdays, early in the month or quarter) otherwise."""
        if period.frequency == "shift":
            span = (period.end - period.start).total_seconds()
            return period.start + timedelta(seconds=self.rng.uniform(0.05, 0.95) * span)
        days = {"daily": 1, "weekly": 5, "monthly": 25, "quarterly": 80}[period.frequency]
        return period.start + timedelta(days=self.rng.randrange(days),
                                        hours=self.rng.randint(8, 20),
                                        minutes=self.rng.randrange(60))

    def inspect(self, location, kind, inspector, at, fail_rate) -> None:
        if at > self.now:
            return
        version = self.templates[location.location_type.code].current_version
        inspection = Inspection(
            uuid=str(uuid.uuid5(DEMO_NAMESPACE, f"{location.code}/{kind}/{at.isoformat()}")),
            location=location, version=version, inspector=inspector, kind=kind,
            started_at=at - timedelta(minutes=self.rng.randint(2, 9)), submitted_at=at,
            received_at=at + timedelta(seconds=self.rng.randint(1, 40)),
        )
        db.session.add(inspection)
        failures = []
        for item in version.items:
            result = self.answer(item, inspector, fail_rate)
            inspection.results.append(result)
            if result.outcome == "fail":
                failures.append(result)
        if failures:
            db.session.flush()
        for result in failures:
            self.hazard(location, result, inspector, at)

    def answer(self, item, inspector, fail_rate) -> ItemResult:
        failed = self.rng.random() < fail_rate
        if item.kind == "number":
            low = item.min_value if item.min_value is not None else 0.0
            high = item.max_value if item.max_value is not None else low * 2 + 10
            value = round(self.rng.uniform(low, high), 2)
            if failed:
                value = round(high + (high - low) * 0.15 + 0.1, 2)
            return ItemResult(item=item, outcome="fail" if failed else "pass", number_value=value)
        if item.kind == "text":
            return ItemResult(item=item, outcome=None, text_value=inspector.full_name)
        if failed:
            notes = content.FAILURE_NOTES[item.version.template.location_type.code]
            return ItemResult(item=item, outcome="fail", note=self.rng.choice(notes))
        return ItemResult(item=item, outcome="na" if self.rng.random() < 0.02 else "pass")

    def hazard(self, location, result, inspector, found_at) -> None:
        description = result.note or f"{result.item.prompt_zh}：读数 {result.number_value}" \
            f"{result.item.unit}，超出允许范围"
        result.photos.append(demo_photo(BEFORE, location, inspector, found_at, self.rng))
        hazard = workflow.report(
            inspector, location=location, description=description,
            level=result.item.default_level, item_result=result, found_at=found_at,
            category=CATEGORIES[location.location_type.code])
        age = (self.now - found_at).days
        roll = self.rng.random()
        if hazard.level == "general" and roll < 0.08:
            target = "fix_on_site"
        elif age > 90:  # a season ago: nearly all put right; the odd one still drags on
            target = "closed" if roll < 0.95 else ("cancelled" if roll < 0.985 else "rectifying")
        elif age > 30:
            target = "closed" if roll < 0.85 else ("cancelled" if roll < 0.9 else "rectifying")
        elif age > 10:
            target = ["closed", "awaiting_verification", "rectifying", "assigned",
                      "reported"][self._pick(roll, [0.5, 0.65, 0.85, 0.95])]
        else:
            target = next(self.open_states, None) or ["reported", "assigned", "rectifying",
                                                      "awaiting_verification"][
                self._pick(roll, [0.3, 0.6, 0.85])]
        self.walk(hazard, target, found_at)

    @staticmethod
    def _pick(roll, bounds) -> int:
        return next((i for i, bound in enumerate(bounds) if roll < bound), len(bounds))

    def walk(self, hazard, target, found_at) -> None:
        manager = self.rng.choice(self.managers)
        lead = self.users[f"lead_{hazard.department.code.lower()}"]
        clock = iter(found_at + timedelta(days=d, hours=self.rng.randint(1, 8))
                     for d in (0, 1, 2, 3, 4, 5, 6, 7))

        def step(action, actor, **kwargs):
            at = min(next(clock), self.now)
            if action in workflow.NEEDS_PHOTO:
                kwargs["photos"] = [demo_photo(AFTER, hazard.location, actor, at, self.rng)]
            workflow.apply(hazard, action, actor=actor, at=at, **kwargs)

        if target == "reported":
            return
        if target == "fix_on_site" and hazard.recurring:  # 重复隐患 go through verification
            target = "closed"
        if target == "fix_on_site":
            step("fix_on_site", hazard.reported_by, note="已现场整改 fixed on the spot")
            return
        if target == "cancelled":
            step("cancel", manager, note="与前一张卡重复 same as an earlier card",
                 reason="duplicate")
            return
        step("assign", manager, responsible=lead)
        if target == "assigned":
            return
        workflow.plan(hazard, actor=lead, measures="停用相关设备，联系厂家检修并更换损坏部件",
                      funds_yuan=5000 if hazard.level == "major" else None,
                      contingency_plan="启用备用设备；现场设警戒，专人值守直至整改完毕"
                      if hazard.level == "major" else "",
                      interim_controls="现场设警示标志，每班加密巡查",
                      at=min(next(clock), self.now))
        step("start", lead, note="已安排整改")
        if target == "rectifying":
            if self.rng.random() < 0.3:
                workflow.request_extension(
                    hazard, actor=lead, deadline_on=hazard.deadline_on + timedelta(days=14),
                    reason="配件需向厂家订购，到货约两周 parts on order, about two weeks",
                    at=min(next(clock), self.now))
            return
        step("submit", lead, note="已整改完毕，请复查")
        if target == "awaiting_verification":
            return
        if self.rng.random() < 0.15:
            step("reject", manager, note="整改不彻底，请继续处理")
            step("submit", lead, note="已重新整改")
        at = min(next(clock), self.now)
        if workflow.needs_review(hazard):  # 四不放过, filed just before verification
            workflow.review(hazard, actor=lead, at=at, **content.REVIEW_TEXTS)
        workflow.apply(hazard, "verify", actor=manager, at=at, note="复查合格，予以销号")
