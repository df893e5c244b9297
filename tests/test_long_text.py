"""Pages refuse over-long text beside its field and save nothing; they never cut it."""

import io
import uuid

from sqlalchemy import func, select

from app.common.forms import PLAN_TEXT_MAX, TEXT_MAX
from app.extensions import db
from app.hazards.models import DeadlineExtension, Hazard, HazardEvent
from app.inspections.models import Inspection
from tests.factories import make_hazard, make_location, make_template
from tests.images import jpeg

LONG = "长" * (TEXT_MAX + 1)


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _refused_beside(response, error_id):
    assert response.status_code == 400
    assert f'id="{error_id}"' in response.text
    assert f"At most {TEXT_MAX} characters, and this has {TEXT_MAX + 1}" in response.text


def test_reject_note_of_2001_characters_is_refused_beside_the_note(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("manager")
    events = _count(HazardEvent)
    response = client.post(f"/hazards/{hazard.number}/moves/reject", data={"note": LONG})
    _refused_beside(response, "reject-note-err")
    assert LONG in response.text  # the person's text comes back whole, to shorten
    db.session.expire_all()
    assert hazard.status == "awaiting_verification" and _count(HazardEvent) == events


def test_a_note_of_2000_characters_is_taken_whole(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("manager")
    note = "长" * TEXT_MAX
    response = client.post(f"/hazards/{hazard.number}/moves/reject", data={"note": note})
    assert response.status_code == 303
    db.session.expire_all()
    assert hazard.events[-1].note == note


def test_line_breaks_count_once_as_the_browser_counted_them(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("manager")
    note = "长" * (TEXT_MAX - 2) + "\r\n" + "长"  # 2,000 characters in the textarea
    response = client.post(f"/hazards/{hazard.number}/moves/reject", data={"note": note})
    assert response.status_code == 303


def test_amended_description_of_2001_characters_is_refused(client, login):
    finder = login("inspector")
    hazard = make_hazard(reporter=finder, description="灭火器压力不足")
    db.session.commit()
    response = client.post(f"/hazards/{hazard.number}/amend",
                           data={"level": "general", "description": LONG})
    _refused_beside(response, "amend-description-err")
    db.session.expire_all()
    assert hazard.description == "灭火器压力不足"


def test_extension_reason_of_2001_characters_is_refused(client, login):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    response = client.post(f"/hazards/{hazard.number}/extensions", data={
        "deadline_on": hazard.deadline_on.replace(year=hazard.deadline_on.year + 1).isoformat(),
        "reason": LONG})
    _refused_beside(response, "extend-reason-err")
    assert _count(DeadlineExtension) == 0


def test_plan_measures_over_the_limit_are_refused(client, login):
    hazard = make_hazard(status="assigned", level="major")
    db.session.commit()
    login("manager")
    response = client.post(f"/hazards/{hazard.number}/plan",
                           data={"measures": "长" * (PLAN_TEXT_MAX + 1)})
    assert response.status_code == 400 and 'id="plan-measures-err"' in response.text
    db.session.expire_all()
    assert hazard.measures == "更换"


def test_reported_description_of_2001_characters_is_refused(client, login):
    location = make_location()
    db.session.commit()
    login("inspector")
    response = client.post("/hazards/new", data={
        "location": location.code, "level": "general", "description": LONG, "form_id": "f1",
        "photos": (io.BytesIO(jpeg()), "before.jpg")}, content_type="multipart/form-data")
    _refused_beside(response, "description-err")
    assert 'name="kept"' in response.text  # the photo is kept for the next try
    assert _count(Hazard) == 0


def test_checklist_note_of_2001_characters_is_refused(client, login):
    location = make_location(code="PWR-1F-01")
    version = make_template(location.location_type, items=1).current_version
    db.session.commit()
    login("inspector")
    item = version.items[0]
    response = client.post("/locations/PWR-1F-01/inspect", data={
        "uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(version.id),
        f"i{item.id}-outcome": "pass", "note": LONG})
    _refused_beside(response, "note-err")
    assert _count(Inspection) == 0


def test_checklist_item_note_of_2001_characters_is_refused_beside_its_item(client, login):
    location = make_location(code="PWR-1F-01")
    version = make_template(location.location_type, items=1).current_version
    db.session.commit()
    login("inspector")
    item = version.items[0]
    response = client.post("/locations/PWR-1F-01/inspect", data={
        "uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(version.id),
        f"i{item.id}-outcome": "fail", f"i{item.id}-note": LONG})
    assert response.status_code == 400
    assert f"At most {TEXT_MAX} characters" in response.text
    assert f'id="i{item.id}"' in response.text and "q has-error" in response.text
    assert _count(Inspection) == 0


def test_the_refusal_is_in_chinese_for_a_chinese_browser(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("manager")
    response = client.post(f"/hazards/{hazard.number}/moves/reject", data={"note": LONG},
                           headers={"Accept-Language": "zh-CN"})
    assert "最多 2000 个字" in response.text
