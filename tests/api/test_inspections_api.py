"""Submitting and reading inspections through the API."""

from sqlalchemy import func, select

from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import Inspection
from app.photos.models import Photo
from tests.api.conftest import inspection_body, upload
from tests.factories import make_inspection, make_location, make_template, make_user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_checklist_is_submitted_as_one_inspection(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", json=inspection_body(location, version),
                           headers=headers)
    assert response.status_code == 201
    inspection = db.session.get(Inspection, response.json["id"])
    assert [r.outcome for r in inspection.results] == ["pass", "pass"]
    assert response.json["url"] == f"/inspections/{inspection.id}"


def test_the_same_uuid_again_is_the_same_inspection(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    body = inspection_body(location, version, outcomes=("fail", "pass"))
    first = client.post("/api/v1/inspections", json=body, headers=headers)
    again = client.post("/api/v1/inspections", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert count(Inspection) == 1 and count(Hazard) == 1


def test_a_failed_item_opens_a_hazard_card(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", headers=headers,
                           json=inspection_body(location, version, outcomes=("fail", "pass")))
    [hazard] = response.json["hazards"]
    assert db.session.scalar(select(Hazard.status).where(Hazard.number == hazard["number"])) \
        == "reported"


def test_photos_uploaded_first_are_attached_to_their_item(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    photo_ids = [upload(client, headers, location).json["uuid"] for _ in range(2)]
    body = inspection_body(location, version, outcomes=("fail", "pass"))
    body["answers"][0]["photos"] = photo_ids
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 201
    inspection = db.session.get(Inspection, response.json["id"])
    assert sorted(p.client_uuid for p in inspection.results[0].photos) == sorted(photo_ids)


def test_a_missing_answer_is_refused_beside_its_item(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", headers=headers,
                           json=inspection_body(location, version, outcomes=("pass",)))
    assert response.status_code == 422
    assert response.json["message"]
    assert list(response.json["errors"]["answers"]) == [str(version.items[1].id)]
    assert count(Inspection) == 0


def test_a_missing_required_photo_is_refused_beside_its_item(client, place, api_user):
    location, version = place
    version.items[0].photo_required = True
    db.session.commit()
    _user, headers = api_user()
    response = client.post("/api/v1/inspections", json=inspection_body(location, version),
                           headers=headers | {"Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert response.json["errors"]["answers"] == {str(version.items[0].id): ["此项需要照片。"]}
    assert count(Inspection) == 0


def test_a_replaced_label_is_refused_with_what_to_do(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    body = inspection_body(location, version)
    location.qr_token = "r" * 32  # the label was rotated after the form was filled
    db.session.commit()
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 409
    assert "label" in response.json["message"]
    assert "location_token" in response.json["errors"]


def test_an_item_of_another_checklist_is_refused(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    other = make_template(items=1).current_version
    db.session.commit()
    body = inspection_body(location, version)
    body["answers"].append({"item_id": other.items[0].id, "outcome": "pass"})
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 422
    assert str(other.items[0].id) in response.json["errors"]["answers"]


def test_someone_elses_photo_cannot_be_claimed(client, place, api_user):
    location, version = place
    _owner, owner_headers = api_user()
    _user, headers = api_user()
    photo_id = upload(client, owner_headers, location).json["uuid"]
    body = inspection_body(location, version)
    body["answers"][0]["photos"] = [photo_id]
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 422
    assert db.session.scalar(select(Photo.item_result_id)) is None


def test_a_uuid_used_by_someone_else_is_a_conflict(client, place, api_user):
    location, version = place
    _first, first_headers = api_user()
    _second, second_headers = api_user()
    body = inspection_body(location, version)
    client.post("/api/v1/inspections", json=body, headers=first_headers)
    response = client.post("/api/v1/inspections", json=body, headers=second_headers)
    assert response.status_code == 409
    assert count(Inspection) == 1


def test_a_uuid_sent_again_for_another_place_is_a_conflict(client, place, api_user):
    location, version = place
    elsewhere = make_location(location_type=location.location_type)
    db.session.commit()
    _user, headers = api_user()
    body = inspection_body(location, version)
    client.post("/api/v1/inspections", json=body, headers=headers)
    response = client.post("/api/v1/inspections", headers=headers,
                           json=dict(body, location_token=elsewhere.qr_token))
    assert response.status_code == 409
    assert count(Inspection) == 1
    assert db.session.scalar(select(Inspection)).location_id == location.id


def test_a_lead_may_not_inspect_another_departments_place(client, place, api_user):
    location, version = place
    _lead, headers = api_user("dept_lead")
    response = client.post("/api/v1/inspections", json=inspection_body(location, version),
                           headers=headers)
    assert response.status_code == 403
    assert response.json["message"]


def test_device_times_are_stored_as_utc(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    body = inspection_body(location, version, started_at="2026-11-24T08:00:00+08:00",
                           submitted_at="2026-11-24T08:05:00+08:00")
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    inspection = db.session.get(Inspection, response.json["id"])
    assert inspection.started_at.isoformat() == "2026-11-24T00:00:00"
    assert inspection.submitted_at.isoformat() == "2026-11-24T00:05:00"


def test_the_list_shows_a_lead_only_its_departments_inspections(client, api_user):
    own = make_inspection()
    make_inspection()
    db.session.commit()
    _lead, headers = api_user("dept_lead", department=own.location.department)
    response = client.get("/api/v1/inspections", headers=headers)
    assert [row["id"] for row in response.json["items"]] == [own.id]
    assert response.json["total"] == 1


def test_the_list_filters_by_result(client, api_user):
    failed = make_inspection(outcomes=("fail",))
    make_inspection(outcomes=("pass",))
    db.session.commit()
    _user, headers = api_user("manager")
    response = client.get("/api/v1/inspections?result=failed", headers=headers)
    assert [(row["id"], row["failures"]) for row in response.json["items"]] == [(failed.id, 1)]


def test_one_inspection_has_its_answers(client, api_user):
    inspection = make_inspection(outcomes=("fail", "pass"))
    db.session.commit()
    _user, headers = api_user("viewer")
    response = client.get(f"/api/v1/inspections/{inspection.id}", headers=headers)
    assert [r["outcome"] for r in response.json["results"]] == ["fail", "pass"]


def test_another_departments_inspection_is_not_found_for_a_lead(client, api_user):
    inspection = make_inspection()
    db.session.commit()
    _lead, headers = api_user("dept_lead")
    assert client.get(f"/api/v1/inspections/{inspection.id}", headers=headers).status_code == 404


def test_the_checklist_of_a_place_lists_its_items(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    response = client.get(f"/api/v1/locations/{location.code}/checklist", headers=headers)
    assert response.json["version"]["id"] == version.id
    assert [i["id"] for i in response.json["version"]["items"]] == [i.id for i in version.items]


def test_the_checklist_served_over_the_api_is_frozen(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    client.get(f"/api/v1/locations/{location.code}/checklist", headers=headers)
    db.session.expire_all()
    assert version.first_served_at is not None


def test_a_place_is_found_by_its_label_token(client, place, api_user):
    location, _version = place
    _user, headers = api_user("viewer")
    response = client.get(f"/api/v1/locations/by-token/{location.qr_token}", headers=headers)
    assert response.json["code"] == location.code


def test_own_locations_are_the_scheduled_and_the_lately_inspected(client, api_user):
    from tests.factories import make_schedule

    user, headers = api_user()
    scheduled = make_schedule(owner_role="inspector").location
    visited = make_inspection(inspector=user).location
    make_schedule(owner_role="dept_lead", owner_department=make_location().department)
    db.session.commit()
    response = client.get("/api/v1/me/locations", headers=headers)
    codes = {item["code"] for item in response.json["items"]}
    assert codes == {scheduled.code, visited.code}
    item = next(i for i in response.json["items"] if i["code"] == scheduled.code)
    assert item["checklist_url"] == f"/locations/{scheduled.code}/inspect"
    assert item["scan_url"] == f"/q/{scheduled.qr_token}"


def test_a_leads_own_locations_are_in_its_department(client, api_user):
    from tests.factories import make_schedule

    schedule = make_schedule(owner_role="dept_lead")
    _lead, headers = api_user("dept_lead", department=make_user("dept_lead").department)
    db.session.commit()
    response = client.get("/api/v1/me/locations", headers=headers)
    assert schedule.location.code not in {i["code"] for i in response.json["items"]}


def test_one_photo_named_under_two_items_is_refused(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    photo_id = upload(client, headers, location).json["uuid"]
    body = inspection_body(location, version)
    body["answers"][0]["photos"] = body["answers"][1]["photos"] = [photo_id]
    response = client.post("/api/v1/inspections", json=body, headers=headers)
    assert response.status_code == 422 and "answers" in response.json["errors"]
    assert count(Inspection) == 0


def test_an_over_long_note_is_refused_in_the_callers_language(client, place, api_user):
    location, version = place
    _user, headers = api_user()
    response = client.post("/api/v1/inspections",
                           headers={**headers, "Accept-Language": "zh-CN"},
                           json=inspection_body(location, version, note="长" * 2001))
    assert response.status_code == 422
    assert response.json["errors"]["note"] == ["最多 2000 个字：请删减后再提交。"]
    assert count(Inspection) == 0
