"""Small factories: the smallest valid object, with overrides."""

import itertools
import uuid

from app.auth.models import Department, User
from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from app.extensions import db
from app.hazards import workflow
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location, LocationType
from app.photos.models import Photo

_seq = itertools.count(1)


def make_department(**fields) -> Department:
    n = next(_seq)
    fields = {"code": f"D{n}", "name_zh": f"科室{n}", "name_en": f"Department {n}", **fields}
    department = Department(**fields)
    db.session.add(department)
    db.session.flush()
    return department


def make_user(role="inspector", password="secret-pass", **fields) -> User:
    n = next(_seq)
    if "department" not in fields and role in ("dept_lead", "inspector"):
        fields["department"] = make_department()
    user = User(username=fields.pop("username", f"user{n}"),
                full_name=fields.pop("full_name", f"用户{n}"), role=role, **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_location_type(**fields) -> LocationType:
    n = next(_seq)
    kind = LocationType(**{"code": f"type_{n}", "name_zh": f"类型{n}", "name_en": f"Type {n}",
                           **fields})
    db.session.add(kind)
    db.session.flush()
    return kind


def make_location(**fields) -> Location:
    n = next(_seq)
    fields.setdefault("location_type", make_location_type())
    fields.setdefault("department", make_department())
    location = Location(**{"code": f"LOC-{n}", "name_zh": f"地点{n}", "name_en": f"Place {n}",
                           "risk_level": "yellow", **fields})
    db.session.add(location)
    db.session.flush()
    return location


def make_template(location_type=None, items=3, **fields) -> ChecklistTemplate:
    n = next(_seq)
    template = ChecklistTemplate(
        location_type=location_type or make_location_type(),
        **{"name_zh": f"检查表{n}", "name_en": f"Checklist {n}", **fields},
    )
    version = ChecklistVersion(number=1)
    for i in range(1, items + 1):
        version.items.append(ChecklistItem(position=i, kind="pass_fail",
                                           prompt_zh=f"检查项{i}", prompt_en=f"Item {i}"))
    template.versions.append(version)
    db.session.add(template)
    db.session.flush()
    return template


def make_inspection(location=None, version=None, inspector=None, outcomes=("pass",),
                    **fields) -> Inspection:
    location = location or make_location()
    if version is None:
        version = make_template(location.location_type, items=len(outcomes)).current_version
    inspection = Inspection(uuid=str(uuid.uuid4()), location=location, version=version,
                            inspector=inspector or make_user(), kind=fields.pop("kind", "patrol"),
                            **fields)
    for item, outcome in zip(version.items, outcomes, strict=False):
        inspection.results.append(ItemResult(item=item, outcome=outcome))
    db.session.add(inspection)
    db.session.flush()
    return inspection


def make_schedule(location=None, kind="patrol", frequency="daily", **fields):
    """An active schedule owed by the patrol inspectors unless told otherwise."""
    from app.schedules.models import InspectionSchedule

    if "owner_department" not in fields and "owner_department_id" not in fields:
        fields.setdefault("owner_role", "inspector")
    schedule = InspectionSchedule(location=location or make_location(), kind=kind,
                                  frequency=frequency, **fields)
    db.session.add(schedule)
    db.session.flush()
    return schedule


def make_photo(uploader=None, **fields) -> Photo:
    """A photo row (no file on disk) to hand to the workflow, e.g. as an after-photo."""
    n = next(_seq)
    return Photo(**{"sha256": f"{n:064x}", "thumb_sha256": f"{n + 10**6:064x}", "width": 800,
                    "height": 600, "size_bytes": 1000,
                    "uploaded_by": uploader or make_user(), **fields})


# How to walk a new hazard to each state: (action, who) steps after reporting.
_PATHS = {
    "reported": [],
    "assigned": [("assign", "manager")],
    "rectifying": [("assign", "manager"), ("start", "lead")],
    "awaiting_verification": [("assign", "manager"), ("start", "lead"), ("submit", "lead")],
    "closed": [("assign", "manager"), ("start", "lead"), ("submit", "lead"),
               ("verify", "manager")],
    "cancelled": [("cancel", "manager")],
}


def make_hazard(status="reported", level="general", location=None, **fields):
    """A hazard walked through the real workflow to `status`."""
    location = location or make_location()
    reporter = fields.pop("reporter", None) or make_user("inspector")
    hazard = workflow.report(reporter, location=location, level=level,
                             description=fields.pop("description", "灭火器压力不足"), **fields)
    actors = {"manager": make_user("manager"),
              "lead": make_user("dept_lead", department=hazard.department)}
    if level == "major":
        hazard.measures, hazard.funds_yuan, hazard.contingency_plan = "更换", 100, "预案"
    for action, who in _PATHS[status]:
        note = "reason" if action in ("cancel", "reject", "reopen") else ""
        extra = {"reason": "duplicate"} if action == "cancel" else {}
        if action in workflow.NEEDS_PHOTO:
            extra["photos"] = [make_photo(actors[who])]
        if action == "assign" and level == "major":  # a named person is one of the five
            extra["responsible"] = actors["lead"]
        if action == "verify" and workflow.needs_review(hazard):  # 四不放过 before closing
            workflow.review(hazard, actor=actors["lead"], cause="阀门老化", responsibility="已约谈",
                            measures="更换阀门", training="全科培训")
        workflow.apply(hazard, action, actor=actors[who], note=note, **extra)
    return hazard


def make_failed_item_hazard(location, version, *, at, item=0, reporter=None):
    """A card opened by a checklist whose `item`-th item failed at `location` at `at`, as the
    inspection's submit opens it (重复隐患 are looked for here)."""
    reporter = reporter or make_user("inspector")
    outcomes = ["pass"] * len(version.items)
    outcomes[item] = "fail"
    inspection = make_inspection(location=location, version=version, inspector=reporter,
                                 outcomes=outcomes, received_at=at)
    result = inspection.results[item]
    return workflow.report(reporter, location=location, description="压力表指针在红区",
                           level=result.item.default_level, item_result=result, found_at=at)
