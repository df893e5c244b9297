"""A checklist version is frozen once used: editing it makes a new version."""

import pytest

from app.checklists import services
from app.common.errors import DomainError
from app.extensions import db
from tests.factories import make_inspection, make_location, make_template, make_user

ITEM = {"kind": "pass_fail", "prompt_zh": "灭火器在位", "prompt_en": "Extinguisher in place",
        "guidance_zh": "", "guidance_en": "", "is_required": True,
        "photo_required_on_fail": True, "photo_required": False, "default_level": "general",
        "min_value": None, "max_value": None, "unit": ""}


def test_editing_an_unused_version_changes_it_in_place(app):
    template = make_template(items=2)
    services.update_item(make_user("admin"), template, 1, **ITEM)
    assert [v.number for v in template.versions] == [1]
    assert template.current_version.items[0].prompt_en == "Extinguisher in place"


def test_editing_a_used_version_makes_a_new_one_and_keeps_the_old(app):
    location = make_location()
    template = make_template(location.location_type, items=2)
    used = template.current_version
    inspection = make_inspection(location, used, outcomes=("pass", "fail"))
    services.update_item(make_user("admin"), template, 1, **ITEM)
    db.session.commit()
    db.session.expire_all()
    assert [v.number for v in template.versions] == [1, 2]
    assert used.items[0].prompt_en == "Item 1"
    assert template.current_version.items[0].prompt_en == "Extinguisher in place"
    assert inspection.version_id == used.id
    assert [r.item.prompt_en for r in inspection.results] == ["Item 1", "Item 2"]


def test_a_photo_always_required_is_kept_in_the_new_version(app):
    location = make_location()
    template = make_template(location.location_type, items=2)
    admin = make_user("admin")
    services.update_item(admin, template, 2, **ITEM | {"photo_required": True})
    make_inspection(location, template.current_version, outcomes=("pass", "pass"))
    services.update_item(admin, template, 1, **ITEM)
    assert [v.number for v in template.versions] == [1, 2]
    assert [i.photo_required for i in template.current_version.items] == [False, True]


def test_several_edits_after_use_make_only_one_new_version(app):
    location = make_location()
    template = make_template(location.location_type, items=3)
    make_inspection(location, template.current_version, outcomes=("pass",) * 3)
    admin = make_user("admin")
    services.update_item(admin, template, 1, **ITEM)
    services.remove_item(admin, template, 3)
    services.add_item(admin, template, **ITEM)
    assert [v.number for v in template.versions] == [1, 2]
    assert len(template.versions[0].items) == 3


def test_moving_an_item_swaps_positions(app):
    template = make_template(items=3)
    services.move_item(make_user("admin"), template, 3, -1)
    db.session.expire_all()
    assert [i.prompt_en for i in template.current_version.items] == ["Item 1", "Item 3", "Item 2"]


def test_removing_an_item_closes_the_gap(app):
    template = make_template(items=3)
    services.remove_item(make_user("admin"), template, 1)
    db.session.expire_all()
    assert [i.position for i in template.current_version.items] == [1, 2]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": "number"}, "min_value"),
    ({"kind": "number", "min_value": 5.0, "max_value": 1.0}, "min_value"),
    ({"kind": "pass_fail", "max_value": 3.0}, "min_value"),
    ({"kind": "dance"}, "kind"),
    ({"default_level": "huge"}, "default_level"),
])
def test_inconsistent_items_are_refused_and_nothing_forks(app, overrides, field):
    location = make_location()
    template = make_template(location.location_type, items=1)
    make_inspection(location, template.current_version)
    with pytest.raises(DomainError) as refused:
        services.add_item(make_user("admin"), template, **{**ITEM, **overrides})
    assert refused.value.field == field
    assert [v.number for v in template.versions] == [1]
    assert len(template.current_version.items) == 1


def test_item_form_shows_range_error_beside_the_field(client, login):
    template = make_template(items=1)
    db.session.commit()
    login("admin")
    data = {k: ("" if v is None else v) for k, v in ITEM.items()}
    data.update(kind="number", min_value="10", max_value="2", is_required="y")
    response = client.post(f"/checklists/{template.id}/items/new", data=data)
    assert response.status_code == 400
    assert 'id="min_value-err"' in response.text
    assert "lowest allowed value is above the highest" in response.text


def test_item_form_refuses_a_word_where_a_number_belongs(client, login):
    template = make_template(items=1)
    db.session.commit()
    login("admin")
    data = {k: ("" if v is None else v) for k, v in ITEM.items()}
    data.update(kind="number", min_value="lots")
    response = client.post(f"/checklists/{template.id}/items/new", data=data)
    assert response.status_code == 400
    assert 'id="min_value-err"' in response.text
    db.session.expire_all()
    assert len(template.current_version.items) == 1


def test_item_form_keeps_a_photo_always_required(client, login):
    template = make_template(items=1)
    db.session.commit()
    login("admin")
    page = client.get(f"/checklists/{template.id}/items/new").text
    assert 'name="photo_required"' in page
    data = {"kind": "pass_fail", "prompt_zh": "压力表", "prompt_en": "Gauge",
            "default_level": "general", "is_required": "y", "photo_required": "y"}
    assert client.post(f"/checklists/{template.id}/items/new", data=data).status_code == 302
    db.session.expire_all()
    assert [i.photo_required for i in template.current_version.items] == [False, True]


def test_second_template_for_a_type_is_refused(client, login):
    template = make_template(items=1)
    db.session.commit()
    login("admin")
    response = client.post("/checklists/new", data={
        "location_type_id": str(template.location_type_id), "name_zh": "另一个",
        "name_en": "Another"})
    assert response.status_code == 400
    assert "has a checklist already" in response.text


def test_admin_chooses_the_kinds_that_offer_all_remaining_pass(client, login):
    template = make_template(items=1)
    db.session.commit()
    login("admin")
    response = client.post(f"/checklists/{template.id}", data={
        "name_zh": "检查表", "name_en": "Checklist",
        "quick_pass_kinds": ["patrol", "self_check"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert template.allows_quick_pass("self_check") and not template.allows_quick_pass(
        "leadership")


def test_unknown_quick_pass_kind_is_refused(client, login):
    template = make_template(items=1)
    db.session.commit()
    login("admin")
    response = client.post(f"/checklists/{template.id}", data={
        "name_zh": "检查表", "name_en": "Checklist", "quick_pass_kinds": ["sleeping"]})
    assert response.status_code == 400
    db.session.expire_all()
    assert template.quick_pass_kinds == "patrol"


def test_forking_a_version_whose_items_are_not_loaded_warns_of_nothing(app, recwarn):
    location = make_location()
    template = make_template(location.location_type, items=2)
    make_inspection(location, template.current_version, outcomes=("pass", "pass"))
    db.session.commit()
    db.session.expire_all()
    fork = services.editable_version(make_user("admin"), template)
    assert [w.message for w in recwarn] == []
    assert [i.prompt_en for i in fork.items] == ["Item 1", "Item 2"]
