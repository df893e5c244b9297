"""Demo recurring hazards (重复隐患): the same checklist item failing again at the same places,
with their four-don'ts reviews (四不放过) — one closed after its review, one waiting for it."""

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from app.auth.models import User
from app.checklists.models import ChecklistTemplate
from app.demo.photos import AFTER, BEFORE, demo_photo
from app.extensions import db
from app.hazards import workflow
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location

NAMESPACE = uuid.UUID("0b7a9f53-2a53-4f0e-9a1c-7d2f5c3e8b41")

# Per place: the failures of one item, each (days ago, what the guard saw, how far its card
# goes, whether its four-don'ts review is filed).
STORIES = {
    "KIT-1F-01": [
        (75, "燃气报警器探头被油污覆盖 gas detector head covered in grease", "closed", False),
        (44, "燃气报警器探头再次被油污覆盖 gas detector greasy again", "closed", True),
        (4, "燃气报警器探头第三次被油污覆盖 gas detector greasy a third time",
         "awaiting_verification", False),
    ],
    "PWR-B1-01": [
        (21, "配电柜前绝缘垫缺失 insulating mat missing", "rectifying", False),
        (6, "配电柜前绝缘垫仍缺失 insulating mat still missing", "rectifying", True),
    ],
    "CSH-1F-01": [
        (62, "防盗报警按钮未测试 panic button untested", "closed", False),
        (16, "防盗报警按钮再次未测试 panic button untested again", "closed", True),
    ],
}
REVIEWS = {
    "KIT-1F-01": {
        "cause": "灶台排烟不畅，探头装在油烟直冲处；清洁表未列此项 the hood draws poorly and the "
                 "detector sits in the fumes; the cleaning list missed it",
        "responsibility": "厨房主管书面检查，扣当月安全考核分 the kitchen head wrote a "
                          "statement; points taken off this month's assessment",
        "measures": "探头移位并加防油罩，每日清洁表增加此项 detector moved, grease shield "
                    "fitted, added to the daily cleaning list",
        "training": "厨房全员燃气安全培训，签到存档 gas-safety session for all kitchen staff, "
                    "attendance kept",
    },
    "PWR-B1-01": {
        "cause": "检修后绝缘垫被移走未放回 the mat was moved for maintenance and not put back",
        "responsibility": "检修班组长已约谈 the maintenance team leader was spoken to",
        "measures": "绝缘垫固定在柜前地面，检修交接单增加复位项 mat fixed to the floor; "
                    "hand-over form now asks for it",
        "training": "配电班组现场教育一次 one on-site briefing for the power-room team",
    },
    "CSH-1F-01": {
        "cause": "测试记录表放在另一办公室，交接遗漏 the test log lived in another office",
        "responsibility": "收费处负责人已通报 the cashier office head was named in the notice",
        "measures": "测试表挂在按钮旁，每周一测试 log hung by the button; tested each Monday",
        "training": "收费处全员应急演练 an alarm drill for all cashier staff",
    },
}


def make(now: datetime, log=print) -> None:
    """Add the recurring stories once (nothing when their first inspection exists); flushes."""
    if db.session.scalar(select(exists().where(Inspection.uuid == _uuid("KIT-1F-01", 0)))):
        return
    rng = random.Random(16)
    guard = _user("guard1")
    managers = [_user("manager"), _user("manager2")]
    made = 0
    for code, story in STORIES.items():
        location = db.session.scalar(select(Location).where(Location.code == code))
        if location is None or guard is None:
            continue
        template = db.session.scalar(select(ChecklistTemplate).where(
            ChecklistTemplate.location_type_id == location.location_type_id))
        version = template.current_version
        item = next(i for i in version.items
                    if i.kind == "pass_fail" and i.default_level == "general" and i.position > 1)
        lead = _user(f"lead_{location.department.code.lower()}")
        for n, (days_ago, note, target, reviewed) in enumerate(story):
            at = now - timedelta(days=days_ago, hours=rng.randint(1, 5))
            hazard = _failure(location, version, item, guard, at, note, n, rng)
            _walk(hazard, target, reviewed, at, now, lead, rng.choice(managers), rng,
                  REVIEWS[code])
            made += 1
    db.session.flush()
    log(f"Recurring hazards: {made} cards at {len(STORIES)} places.")


def _uuid(code: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{code}/{n}"))


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _failure(location, version, failed_item, guard, at, note, n, rng):
    """A patrol at `at` where `failed_item` failed, and the card its submit opens."""
    inspection = Inspection(uuid=_uuid(location.code, n), location=location, version=version,
                            inspector=guard, kind="patrol", started_at=at - timedelta(minutes=6),
                            submitted_at=at, received_at=at + timedelta(seconds=20))
    db.session.add(inspection)
    for item in version.items:
        if item.id == failed_item.id:
            result = ItemResult(item=item, outcome="fail", note=note)
            result.photos.append(demo_photo(BEFORE, location, guard, at, rng))
        elif item.kind == "number":
            result = ItemResult(item=item, outcome="pass",
                                number_value=item.min_value if item.min_value is not None
                                else item.max_value)
        elif item.kind == "text":
            result = ItemResult(item=item, outcome=None, text_value=guard.full_name)
        else:
            result = ItemResult(item=item, outcome="pass")
        inspection.results.append(result)
    db.session.flush()
    failed = next(r for r in inspection.results if r.item_id == failed_item.id)
    return workflow.report(guard, location=location, description=note,
                           level=failed_item.default_level, item_result=failed, found_at=at,
                           category="重复隐患")


def _walk(hazard, target, reviewed, found_at, now, lead, manager, rng, review):
    clock = iter(min(found_at + timedelta(days=d, hours=2), now) for d in range(8))
    workflow.apply(hazard, "assign", actor=manager, responsible=lead, at=next(clock))
    workflow.apply(hazard, "start", actor=lead, note="已安排整改", at=next(clock))
    if reviewed:
        workflow.review(hazard, actor=lead, at=next(clock), **review)
    if target == "rectifying":
        return
    workflow.apply(hazard, "submit", actor=lead, note="已整改完毕，请复查", at=(at := next(clock)),
                   photos=[demo_photo(AFTER, hazard.location, lead, at, rng)])
    if target == "closed":
        if workflow.current_review(hazard) is None and workflow.needs_review(hazard):
            # the history happened to leave an earlier card of this item open
            workflow.review(hazard, actor=lead, at=next(clock), **review)
        workflow.apply(hazard, "verify", actor=manager, note="复查合格，予以销号",
                       at=next(clock))
