"""Inspection pages through the client: the checklist form, its refusals, detail, list, photos."""

import io
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import Inspection
from tests.factories import make_department, make_inspection, make_location, make_template
from tests.images import bad_photo, jpeg
from tests.sql import counted_statements


@pytest.fixture
def place(app):
    location = make_location(code="PWR-1F-01")
    template = make_template(location.location_type, items=2)
    template.current_version.items[0].photo_required_on_fail = True
    db.session.commit()
    return location, template.current_version


def _form(version, **fields):
    a, b = version.items
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(version.id),
            f"i{a.id}-outcome": "pass", f"i{b.id}-outcome": "pass"}
    data.update(fields)
    return data


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_checklist_page_carries_a_uuid_and_every_item(client, login, place):
    login("inspector")
    page = client.get("/locations/PWR-1F-01/inspect").text
    assert 'name="uuid"' in page and 'capture="environment"' in page
    assert page.count('<li class="q') == 2


def test_opening_the_checklist_freezes_its_version(client, login, place):
    login("inspector")
    client.get("/locations/PWR-1F-01/inspect")
    db.session.expire_all()
    assert place[1].first_served_at is not None


def test_the_checklist_page_reads_each_row_once(client, login, place):
    """Guards open it all shift: a commit before rendering would load the user, the place and
    the version again. (The template is still read twice, by its place type and then by the
    version, for a reason the commit has nothing to do with: left as it is.)"""
    login("inspector")
    client.get("/locations/PWR-1F-01/inspect")  # the first serve freezes the version
    db.session.expire_all()
    with counted_statements() as statements:
        assert client.get("/locations/PWR-1F-01/inspect").status_code == 200
    flat = [" ".join(s.split()) for s in statements]
    reads = [s.split(" FROM ")[1].split()[0] for s in flat if s.startswith("SELECT ")]
    assert {table: reads.count(table) for table in ("users", "locations", "checklist_versions")
            } == {"users": 1, "locations": 1, "checklist_versions": 1}, flat


def test_submission_redirects_to_the_inspection(client, login, place):
    login("inspector")
    response = client.post("/locations/PWR-1F-01/inspect", data=_form(place[1]))
    assert response.status_code == 303
    inspection = db.session.scalar(select(Inspection))
    assert response.location == f"/inspections/{inspection.id}"


def test_failure_with_photo_opens_a_card_with_the_photo(client, login, place):
    login("inspector")
    a = place[1].items[0]
    data = _form(place[1], **{f"i{a.id}-outcome": "fail", f"i{a.id}-note": "绝缘垫破损"})
    data[f"i{a.id}-photos"] = (io.BytesIO(jpeg(orientation=6)), "p.jpg")
    response = client.post("/locations/PWR-1F-01/inspect", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 303
    hazard = db.session.scalar(select(Hazard))
    assert hazard.description == "绝缘垫破损" and len(hazard.item_result.photos) == 1
    page = client.get(response.location).text
    assert hazard.number in page and "before-photo" in page


@pytest.mark.parametrize("name", ["text_named_jpg", "truncated_jpeg", "empty", "bomb_png"])
def test_each_bad_photo_gets_a_message_and_nothing_is_saved(client, login, place, name):
    login("inspector")
    a = place[1].items[0]
    data = _form(place[1], **{f"i{a.id}-outcome": "fail"})
    data[f"i{a.id}-photos"] = (io.BytesIO(bad_photo(name)), "photo.jpg")
    response = client.post("/locations/PWR-1F-01/inspect", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'class="q has-error"' in response.text
    assert _count(Inspection) == 0 and _count(Hazard) == 0


def test_thirty_megabyte_photo_is_refused_beside_its_item(client, login, place):
    login("inspector")
    a = place[1].items[0]
    data = _form(place[1], **{f"i{a.id}-outcome": "fail"})
    data[f"i{a.id}-photos"] = (io.BytesIO(b"\xff" * (30 * 1024 * 1024)), "huge.jpg")
    response = client.post("/locations/PWR-1F-01/inspect", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The photo is too large" in response.text and 'class="q has-error"' in response.text
    assert _count(Inspection) == 0


def test_request_over_the_limit_gets_a_readable_page(client, login, place, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    login("inspector")
    a = place[1].items[0]
    data = _form(place[1], **{f"i{a.id}-outcome": "fail"})
    data[f"i{a.id}-photos"] = (io.BytesIO(b"\xff" * (3 * 1024 * 1024)), "big.jpg")
    response = client.post("/locations/PWR-1F-01/inspect", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Upload too large" in response.text
    assert _count(Inspection) == 0


def test_refused_form_keeps_answers_and_photos(client, login, place):
    login("inspector")
    a, b = place[1].items
    data = _form(place[1], **{f"i{a.id}-outcome": "fail", f"i{a.id}-note": "漏电"})
    del data[f"i{b.id}-outcome"]
    data[f"i{a.id}-photos"] = (io.BytesIO(jpeg()), "p.jpg")
    response = client.post("/locations/PWR-1F-01/inspect", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.text
    assert "漏电" in page and f'name="i{a.id}-kept"' in page
    token = page.split(f'name="i{a.id}-kept" value="')[1].split('"')[0]
    retry = _form(place[1], uuid=data["uuid"], **{f"i{a.id}-outcome": "fail",
                                                   f"i{a.id}-kept": token})
    assert client.post("/locations/PWR-1F-01/inspect", data=retry).status_code == 303
    assert len(db.session.scalar(select(Hazard)).item_result.photos) == 1


def test_forged_kept_photo_token_is_ignored(client, login, place):
    login("inspector")
    a = place[1].items[0]
    data = _form(place[1], **{f"i{a.id}-outcome": "fail", f"i{a.id}-kept": "forged.token"})
    response = client.post("/locations/PWR-1F-01/inspect", data=data)
    assert response.status_code == 400  # the photo this failure needs is still missing
    assert _count(Inspection) == 0


def test_all_remaining_pass_shows_the_filled_form_and_stores_nothing(client, login, place):
    login("inspector")
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(place[1].id),
            "action": "all_pass"}
    response = client.post("/locations/PWR-1F-01/inspect", data=data)
    assert response.status_code == 200
    assert response.text.count('value="pass" checked') == 2
    assert 'id="allclear-summary" tabindex="-1" aria-labelledby="allclear-head">' in response.text
    assert _count(Inspection) == 0


def test_submit_after_all_remaining_pass_stores_every_item_pass(client, login, place):
    login("inspector")
    a, b = place[1].items
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(place[1].id),
            "action": "all_pass"}
    client.post("/locations/PWR-1F-01/inspect", data=data)
    data |= {"action": "submit", f"i{a.id}-outcome": "pass", f"i{b.id}-outcome": "pass"}
    assert client.post("/locations/PWR-1F-01/inspect", data=data).status_code == 303
    assert {r.outcome for r in db.session.scalar(select(Inspection)).results} == {"pass"}


def test_all_remaining_pass_summary_names_the_empty_required_reading(client, login, place,
                                                                     english):
    from app.checklists.models import ChecklistItem

    reading = ChecklistItem(position=3, kind="number", prompt_zh="储罐压力",
                            prompt_en="Tank pressure", min_value=0.2, max_value=0.8, unit="MPa")
    place[1].items.append(reading)
    db.session.commit()
    login("inspector")
    data = {"uuid": str(uuid.uuid4()), "kind": "patrol", "version_id": str(place[1].id),
            "action": "all_pass"}
    page = client.post("/locations/PWR-1F-01/inspect", data=data).text
    assert f'<a href="#i{reading.id}">Tank pressure</a> <span>Enter the reading.</span>' in page
    assert f'class="q is-missing" id="i{reading.id}"' in page
    assert _count(Inspection) == 0


def test_missing_required_photo_is_refused_beside_its_item(client, login, place, english):
    a, b = place[1].items
    b.photo_required = True
    db.session.commit()
    login("inspector")
    response = client.post("/locations/PWR-1F-01/inspect", data=_form(place[1]))
    assert response.status_code == 400
    after = response.text.split(f'id="i{b.id}"')[1]
    assert '<p class="error" role="alert">This item needs a photo.</p>' in after
    assert _count(Inspection) == 0


def test_item_needing_a_photo_says_so_on_the_checklist(client, login, place, english):
    place[1].items[1].photo_required = True
    db.session.commit()
    login("inspector")
    page = client.get("/locations/PWR-1F-01/inspect").text
    assert "data-photo-required" in page and "(photo needed)" in page


def test_all_remaining_pass_is_not_offered_for_leadership_inspections(client, login, place):
    login("manager")
    page = client.get("/locations/PWR-1F-01/inspect?kind=leadership").text
    assert 'value="all_pass"' not in page
    data = _form(place[1], kind="leadership", action="all_pass")  # every item answered
    assert client.post("/locations/PWR-1F-01/inspect", data=data).status_code == 400
    assert _count(Inspection) == 0


def test_unreadable_number_is_refused_beside_its_item(client, login, app):
    from app.checklists.models import ChecklistItem

    location = make_location(code="BLR-1F-01")
    template = make_template(location.location_type, items=0)
    template.current_version.items.append(ChecklistItem(
        position=1, kind="number", prompt_zh="压力", prompt_en="Pressure", max_value=1.25))
    db.session.commit()
    login("inspector")
    item = template.current_version.items[0]
    response = client.post("/locations/BLR-1F-01/inspect", data={
        "uuid": str(uuid.uuid4()), "kind": "patrol", f"i{item.id}-number": "about one"})
    assert response.status_code == 400 and "as a number" in response.text


def test_inspection_list_filters_by_result(client, login, app):
    failed = make_inspection(outcomes=("fail",))
    passed = make_inspection(outcomes=("pass",))
    db.session.commit()
    login("viewer")
    page = client.get("/inspections?result=failed").text
    assert f"/inspections/{failed.id}" in page and f"/inspections/{passed.id}" not in page


def test_lead_cannot_open_another_departments_inspection_or_photo(client, login, app):
    inspection = make_inspection()
    db.session.commit()
    login("dept_lead", department=make_department())
    assert client.get(f"/inspections/{inspection.id}").status_code == 404
    assert client.get(f"/inspections?location={inspection.location_id}").text.count(
        f"/inspections/{inspection.id}") == 0


def _refused_with_photo(client, place):
    """Post a form that is refused (item b unanswered) with a photo on item a; its kept token."""
    a, b = place[1].items
    data = _form(place[1], **{f"i{a.id}-outcome": "fail"})
    del data[f"i{b.id}-outcome"]
    data[f"i{a.id}-photos"] = (io.BytesIO(jpeg()), "p.jpg")
    page = client.post("/locations/PWR-1F-01/inspect", data=data,
                       content_type="multipart/form-data").text
    return data["uuid"], page.split(f'name="i{a.id}-kept" value="')[1].split('"')[0]


def test_kept_photo_records_the_stored_size(client, login, place):
    login("inspector")
    a = place[1].items[0]
    form_uuid, token = _refused_with_photo(client, place)
    retry = _form(place[1], uuid=form_uuid, **{f"i{a.id}-outcome": "fail",
                                               f"i{a.id}-kept": token})
    client.post("/locations/PWR-1F-01/inspect", data=retry)
    photo = db.session.scalar(select(Hazard)).item_result.photos[0]
    assert photo.size_bytes > 1000


def test_kept_photo_token_serves_only_its_own_form(client, login, place):
    login("inspector")
    a = place[1].items[0]
    _form_uuid, token = _refused_with_photo(client, place)
    other_form = _form(place[1], **{f"i{a.id}-outcome": "fail", f"i{a.id}-kept": token})
    response = client.post("/locations/PWR-1F-01/inspect", data=other_form)
    assert response.status_code == 400  # the photo does not carry over to another form
    assert _count(Inspection) == 0


def test_same_uuid_from_another_user_is_refused_and_changes_nothing(client, login, place):
    first_user = login("inspector")
    data = _form(place[1])
    client.post("/locations/PWR-1F-01/inspect", data=data)
    client.post("/logout")
    login("inspector")
    a = place[1].items[0]
    other = dict(data, **{f"i{a.id}-outcome": "fail"})
    other[f"i{a.id}-photos"] = (io.BytesIO(jpeg()), "p.jpg")
    response = client.post("/locations/PWR-1F-01/inspect", data=other,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "already submitted by someone else" in response.text
    assert _count(Inspection) == 1 and _count(Hazard) == 0
    assert db.session.scalar(select(Inspection)).inspector_id == first_user.id


def test_same_uuid_sent_again_by_the_same_person_shows_the_first_inspection(client, login,
                                                                            place):
    login("inspector")
    data = _form(place[1])
    first = client.post("/locations/PWR-1F-01/inspect", data=data)
    again = client.post("/locations/PWR-1F-01/inspect", data=data)
    assert (again.status_code, again.location) == (303, first.location)
    assert _count(Inspection) == 1


def test_same_uuid_for_another_place_is_refused_and_changes_nothing(client, login, place):
    location, version = place
    make_location(code="PWR-2F-01", location_type=location.location_type,
                  department=location.department)
    db.session.commit()
    login("inspector")
    data = _form(version)
    client.post("/locations/PWR-1F-01/inspect", data=data)
    response = client.post("/locations/PWR-2F-01/inspect", data=data)
    assert response.status_code == 400
    assert "for another place" in response.text
    assert _count(Inspection) == 1
    assert db.session.scalar(select(Inspection)).location_id == location.id


def test_lead_cannot_inspect_another_departments_place(client, login, place):
    login("dept_lead", department=make_department())
    assert "Start inspection" not in client.get("/locations/PWR-1F-01").text
    assert client.get("/locations/PWR-1F-01/inspect").status_code == 404
    assert client.post("/locations/PWR-1F-01/inspect", data=_form(place[1])).status_code == 404
    assert _count(Inspection) == 0


def test_form_opened_on_an_older_version_is_stored_against_it(client, login, place):
    from app.checklists import services as checklist_services
    from tests.factories import make_user

    login("inspector")
    client.get("/locations/PWR-1F-01/inspect")  # serves and freezes version 1
    old = place[1]
    checklist_services.update_item(make_user("admin"), old.template, 1, kind="pass_fail",
                                   prompt_zh="新", prompt_en="New", default_level="general",
                                   is_required=True)
    db.session.commit()
    assert old.template.current_version.number == 2
    client.post("/locations/PWR-1F-01/inspect", data=_form(old))
    assert db.session.scalar(select(Inspection)).version_id == old.id
