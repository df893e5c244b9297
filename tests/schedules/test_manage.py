"""Adding, changing and stopping a location's inspection schedules."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditRecord
from app.common.errors import DomainError
from app.extensions import db
from app.schedules.models import InspectionSchedule
from app.schedules.services import save_schedule
from tests.factories import make_department, make_location, make_schedule, make_user

BEFORE = datetime(2026, 11, 1, 0, 0)
NOW = datetime(2026, 11, 24, 7, 0)


def _count():
    return db.session.scalar(select(func.count()).select_from(InspectionSchedule))


def _fields(**overrides):
    return {"kind": "patrol", "frequency": "daily", "owner_department_id": None,
            "owner_role": "inspector", "is_active": True, **overrides}


def test_a_new_schedule_is_owed_from_now_and_audited(app):
    manager, location = make_user("manager"), make_location()
    schedule = save_schedule(manager, location, now=NOW, **_fields())
    assert (schedule.kind, schedule.frequency, schedule.owner_role) == ("patrol", "daily",
                                                                       "inspector")
    assert schedule.is_active and schedule.created_at == NOW
    audit = db.session.scalar(select(AuditRecord))
    assert (audit.action, audit.actor_id, audit.target_type, audit.target_id) == (
        "schedule.create", manager.id, "inspection_schedules", schedule.id)
    assert audit.details["location"] == location.code
    assert audit.details["after"]["frequency"] == "daily"


def test_a_department_may_owe_a_schedule(app):
    department = make_department()
    schedule = save_schedule(make_user("manager"), make_location(), **_fields(
        kind="self_check", frequency="monthly", owner_department_id=department.id,
        owner_role=None))
    assert schedule.owner_department == department and schedule.owner_role is None


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"kind": "stroll"}, "kind", "inspection kind"),
    ({"frequency": "hourly"}, "frequency", "how often"),
    ({"owner_role": "janitor"}, "owner", "who owes it"),
    ({"owner_role": "viewer"}, "owner", "viewer cannot inspect"),
    ({"owner_role": None, "owner_department_id": 99999}, "owner", "who owes it"),
    ({"owner_role": None}, "owner", "who owes it"),
    ({"owner_role": ""}, "owner", "who owes it"),
])
def test_bad_schedule_input_is_refused(app, english, overrides, field, words):
    with pytest.raises(DomainError) as refused:
        save_schedule(make_user("manager"), make_location(), **_fields(**overrides))
    assert refused.value.field == field
    assert words in refused.value.message.lower()
    assert _count() == 0


def test_an_inactive_department_cannot_be_given_a_schedule(app):
    department = make_department(is_active=False)
    with pytest.raises(DomainError) as refused:
        save_schedule(make_user("manager"), make_location(),
                      **_fields(owner_role=None, owner_department_id=department.id))
    assert refused.value.field == "owner"


def test_a_schedule_keeps_its_department_after_the_department_closes(app):
    department = make_department()
    schedule = make_schedule(owner_department=department, owner_role=None)
    department.is_active = False
    save_schedule(make_user("manager"), schedule.location, schedule=schedule, **_fields(
        frequency="weekly", owner_role=None, owner_department_id=department.id))
    assert schedule.frequency == "weekly" and schedule.owner_department_id == department.id


def test_a_second_active_schedule_of_a_kind_points_to_the_first(app, english):
    existing = make_schedule(kind="patrol")
    with pytest.raises(DomainError) as refused:
        save_schedule(make_user("manager"), existing.location, **_fields(frequency="weekly"))
    assert refused.value.field == "kind"
    assert "already has a Patrol schedule: change that one instead" in refused.value.message


def test_a_second_schedule_of_a_kind_points_to_the_stopped_one(app, english):
    existing = make_schedule(kind="patrol", is_active=False)
    with pytest.raises(DomainError) as refused:
        save_schedule(make_user("manager"), existing.location, **_fields())
    assert refused.value.field == "kind"
    assert "has a stopped Patrol schedule: make it active again" in refused.value.message
    assert _count() == 1


def test_changing_the_frequency_restarts_the_schedule(app):
    schedule = make_schedule(frequency="weekly", created_at=BEFORE)
    save_schedule(make_user("manager"), schedule.location, schedule=schedule, now=NOW,
                  **_fields(frequency="daily"))
    assert schedule.frequency == "daily" and schedule.created_at == NOW
    audit = db.session.scalar(select(AuditRecord))
    assert audit.action == "schedule.update"
    assert (audit.details["before"]["frequency"], audit.details["after"]["frequency"]) == (
        "weekly", "daily")


def test_changing_the_owner_keeps_the_schedules_history(app):
    schedule = make_schedule(created_at=BEFORE)
    department = make_department()
    save_schedule(make_user("manager"), schedule.location, schedule=schedule, now=NOW,
                  **_fields(owner_role=None, owner_department_id=department.id))
    assert schedule.owner_department_id == department.id and schedule.owner_role is None
    assert schedule.created_at == BEFORE


def test_stopping_keeps_the_history_and_reactivating_restarts(app):
    schedule = make_schedule(created_at=BEFORE)
    manager = make_user("manager")
    save_schedule(manager, schedule.location, schedule=schedule, now=NOW,
                  **_fields(is_active=False))
    assert not schedule.is_active and schedule.created_at == BEFORE
    later = datetime(2026, 12, 2, 1, 0)
    save_schedule(manager, schedule.location, schedule=schedule, now=later, **_fields())
    assert schedule.is_active and schedule.created_at == later
    actions = db.session.scalars(select(AuditRecord.action)).all()
    assert actions == ["schedule.update", "schedule.update"]


def test_saving_without_a_change_records_nothing(app):
    schedule = make_schedule(created_at=BEFORE)
    save_schedule(make_user("manager"), schedule.location, schedule=schedule, now=NOW,
                  **_fields())
    assert schedule.created_at == BEFORE
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == 0


# The pages.

def _url(location, schedule=None):
    suffix = f"/{schedule.id}" if schedule else ""
    return f"/locations/{location.code}/schedules{suffix}"


def test_everyone_sees_a_locations_schedules(client, login):
    schedule = make_schedule(frequency="weekly")
    stopped = make_schedule(location=schedule.location, kind="self_check", frequency="monthly",
                            owner_department=schedule.location.department, owner_role=None,
                            is_active=False)
    db.session.commit()
    login("viewer")
    page = client.get(f"/locations/{schedule.location.code}").text
    assert "Inspection schedules" in page
    assert "Weekly" in page and "Patrol inspector" in page
    assert "Monthly" in page and stopped.location.department.name_en in page
    assert "Stopped" in page and "Active" in page
    assert "Add a schedule" not in page and 'name="frequency"' not in page


def test_manager_adds_a_schedule(client, login):
    location = make_location()
    db.session.commit()
    login("manager")
    response = client.post(_url(location), data={"kind": "patrol", "frequency": "shift",
                                                  "owner": "role:inspector"})
    assert response.status_code == 303
    assert response.location.endswith(f"/locations/{location.code}#schedules")
    schedule = db.session.scalar(select(InspectionSchedule))
    assert (schedule.location_id, schedule.kind, schedule.frequency, schedule.owner_role) == (
        location.id, "patrol", "shift", "inspector")
    page = client.get(response.location).text
    assert "Patrol schedule added." in page and "Every shift" in page


def test_manager_gives_a_department_a_schedule(client, login):
    location = make_location()
    db.session.commit()
    login("manager")
    client.post(_url(location), data={"kind": "self_check", "frequency": "monthly",
                                      "owner": f"department:{location.department_id}"})
    schedule = db.session.scalar(select(InspectionSchedule))
    assert schedule.owner_department_id == location.department_id
    assert schedule.owner_role is None


def test_manager_changes_frequency_and_owner(client, login):
    schedule = make_schedule(frequency="daily", created_at=BEFORE)
    department = make_department()
    db.session.commit()
    login("manager")
    response = client.post(_url(schedule.location, schedule), data={
        "frequency": "weekly", "owner": f"department:{department.id}", "is_active": "1"})
    assert response.status_code == 303
    db.session.refresh(schedule)
    assert (schedule.frequency, schedule.owner_department_id, schedule.owner_role) == (
        "weekly", department.id, None)
    assert schedule.is_active and schedule.created_at > BEFORE


def test_manager_stops_a_schedule(client, login):
    schedule = make_schedule(created_at=BEFORE)
    db.session.commit()
    login("admin")
    response = client.post(_url(schedule.location, schedule),
                           data={"frequency": "daily", "owner": "role:inspector"})
    assert response.status_code == 303
    db.session.refresh(schedule)
    assert not schedule.is_active and schedule.created_at == BEFORE
    assert "Patrol schedule stopped" in client.get(response.location).text


@pytest.mark.parametrize("role", ["dept_lead", "inspector", "viewer"])
def test_only_managers_change_schedules(client, login, role):
    schedule = make_schedule()
    db.session.commit()
    login(role, **({"department": schedule.location.department}
                   if role in ("dept_lead", "inspector") else {}))
    data = {"kind": "self_check", "frequency": "weekly", "owner": "role:inspector"}
    assert client.post(_url(schedule.location), data=data).status_code == 403
    assert client.post(_url(schedule.location, schedule), data=data).status_code == 403
    db.session.refresh(schedule)
    assert schedule.frequency == "daily" and _count() == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"kind": "", "frequency": "daily", "owner": "role:inspector"}, "kind",
     "Choose an inspection kind"),
    ({"kind": "patrol", "frequency": "hourly", "owner": "role:inspector"}, "frequency",
     "Choose how often"),
    ({"kind": "patrol", "frequency": "daily", "owner": ""}, "owner", "Say who owes it"),
    ({"kind": "patrol", "frequency": "daily", "owner": "role:janitor"}, "owner",
     "Choose who owes it"),
    ({"kind": "patrol", "frequency": "daily", "owner": "department:x"}, "owner",
     "Choose who owes it"),
    ({"kind": "patrol", "frequency": "daily", "owner": "department:" + "9" * 30}, "owner",
     "Choose who owes it"),
    ({"kind": "patrol", "frequency": "daily", "owner": "role:inspector+role:manager"}, "owner",
     "Choose who owes it"),
])
def test_bad_input_is_shown_beside_the_field(client, login, data, field, message):
    location = make_location()
    db.session.commit()
    login("manager")
    response = client.post(_url(location), data=data)
    assert response.status_code == 400
    assert f'id="schedule-new-{field}-err"' in response.text
    assert message in response.text
    assert 'id="schedule-new" open' in response.text
    assert _count() == 0


def test_a_refused_change_keeps_the_input_and_the_schedule(client, login):
    schedule = make_schedule(frequency="daily")
    db.session.commit()
    login("manager")
    response = client.post(_url(schedule.location, schedule),
                           data={"frequency": "weekly", "owner": "", "is_active": "1"})
    assert response.status_code == 400
    assert f'id="schedule-{schedule.id}-owner-err"' in response.text
    assert '<option value="weekly" selected>' in response.text
    db.session.refresh(schedule)
    assert schedule.frequency == "daily" and schedule.owner_role == "inspector"


def test_a_duplicate_kind_is_refused_on_the_page(client, login):
    schedule = make_schedule(kind="patrol")
    db.session.commit()
    login("manager")
    response = client.post(_url(schedule.location), data={
        "kind": "patrol", "frequency": "weekly", "owner": "role:inspector"})
    assert response.status_code == 400
    assert 'id="schedule-new-kind-err"' in response.text
    assert "change that one instead" in response.text
    assert _count() == 1


def test_another_locations_schedule_is_not_found(client, login):
    schedule = make_schedule()
    other = make_location()
    db.session.commit()
    login("manager")
    response = client.post(_url(other, schedule), data={
        "frequency": "weekly", "owner": "role:inspector", "is_active": "1"})
    assert response.status_code == 404


def test_a_form_without_its_csrf_token_is_refused(app, client, login):
    location = make_location()
    db.session.commit()
    login("manager")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(_url(location), data={"kind": "patrol", "frequency": "daily",
                                                  "owner": "role:inspector"})
    assert response.status_code == 400
    assert _count() == 0


def test_a_department_and_role_owner_is_offered_and_kept(client, login):
    department = make_department(name_en="Nursing")
    schedule = make_schedule(kind="self_check", frequency="monthly",
                             owner_department=department, owner_role="dept_lead")
    db.session.commit()
    login("manager")
    value = f"department:{department.id}+role:dept_lead"
    page = client.get(f"/locations/{schedule.location.code}").text
    assert f'<option value="{value}" selected>Nursing · Department safety lead</option>' in page
    client.post(_url(schedule.location, schedule), data={
        "frequency": "monthly", "owner": value, "is_active": "1"})
    db.session.refresh(schedule)
    assert (schedule.owner_department_id, schedule.owner_role) == (department.id, "dept_lead")
