"""The hazard card and its actions through the Flask test client."""

import io
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.common.time import local_today
from app.extensions import db
from app.hazards import workflow
from app.hazards.models import DeadlineExtension, Hazard
from tests.factories import make_department, make_hazard, make_location, make_photo, make_user
from tests.images import jpeg


def photo_upload(name="after.jpg"):
    return (io.BytesIO(jpeg()), name)


def post_move(client, hazard, action, **data):
    return client.post(f"/hazards/{hazard.number}/moves/{action}", data=data,
                       content_type="multipart/form-data")


# -- the card ---------------------------------------------------------------------------------

def test_card_shows_the_facts_commitments_and_timeline(client, login):
    hazard = make_hazard(status="rectifying", level="major", description="氧气瓶未固定")
    db.session.commit()
    login("manager")
    page = client.get(f"/hazards/{hazard.number}").text
    assert hazard.number in page and "氧气瓶未固定" in page
    assert hazard.location.code in page and hazard.department.name_en in page
    assert "Five commitments" in page and "Complete" in page
    assert page.count('class="timeline"') == 1
    assert "Rectification started" in page and "Assigned" in page


def test_card_shows_days_left(client, login):
    hazard = make_hazard(status="assigned")
    hazard.deadline_on = local_today() + timedelta(days=5)
    db.session.commit()
    login("manager")
    assert "5 days left" in client.get(f"/hazards/{hazard.number}").text


def test_card_shows_days_overdue(client, login):
    hazard = make_hazard(status="rectifying")
    hazard.deadline_on = local_today() - timedelta(days=3)
    db.session.commit()
    login("manager")
    assert "Overdue by 3 days" in client.get(f"/hazards/{hazard.number}").text


def test_card_puts_before_and_after_photos_side_by_side(client, login):
    reporter = make_user()
    before = make_photo(reporter)
    hazard = workflow.report(reporter, location=make_location(), description="x",
                             level="general", photos=[before])
    workflow.apply(hazard, "fix_on_site", actor=reporter, photos=[after := make_photo(reporter)])
    db.session.commit()
    login("manager")
    page = client.get(f"/hazards/{hazard.number}").text
    section = page.split('class="before-after"')[1].split("</section>")[0]
    before_part, after_part = section.split("<h3>After</h3>")
    assert before.thumb_sha256 in before_part and after.thumb_sha256 in after_part


def test_card_offers_only_the_moves_of_the_users_role(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    page = client.get(f"/hazards/{hazard.number}").text
    assert "/moves/verify" not in page and "/moves/reject" not in page


def test_manager_sees_verify_reject_and_cancel(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("manager")
    page = client.get(f"/hazards/{hazard.number}").text
    assert {m for m in re.findall(r"/moves/(\w+)", page)} == {"verify", "reject", "cancel"}


def test_lead_of_another_department_gets_404(client, login):
    hazard = make_hazard()
    db.session.commit()
    login("dept_lead", department=make_department())
    assert client.get(f"/hazards/{hazard.number}").status_code == 404
    assert client.get(f"/hazards/{hazard.number}/print").status_code == 404


# -- moves through the pages --------------------------------------------------------------------

def test_lead_submits_with_an_after_photo(client, login):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    response = post_move(client, hazard, "submit", note="已更换", photos=photo_upload())
    assert response.status_code == 303
    db.session.refresh(hazard)
    assert hazard.status == "awaiting_verification"
    assert len(hazard.events[-1].photos) == 1 and hazard.events[-1].note == "已更换"


def test_submit_without_a_photo_is_refused_and_nothing_changes(client, login):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    response = post_move(client, hazard, "submit", note="已更换")
    assert response.status_code == 400
    assert "Add at least one photo" in response.text and "已更换" in response.text
    db.session.refresh(hazard)
    assert hazard.status == "rectifying"


def test_a_move_refused_for_who_asks_stores_no_photo(app, client, login):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("manager")
    post_move(client, hazard, "submit", photos=photo_upload())
    stored = sorted(Path(app.config["PHOTO_DIR"]).rglob("*"))
    # The one who rectified may not verify: refused before the upload is read.
    response = post_move(client, hazard, "verify", photos=(io.BytesIO(jpeg(color="navy")), "v.jpg"))
    assert response.status_code == 403
    assert "Someone other than the person who rectified it" in response.text
    assert 'name="kept"' not in response.text
    assert sorted(Path(app.config["PHOTO_DIR"]).rglob("*")) == stored
    db.session.refresh(hazard)
    assert hazard.status == "awaiting_verification"


def test_kept_photos_are_sent_again_without_retaking_them(client, login):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    # Seven photos are one too many: refused, the first six are kept.
    refused = post_move(client, hazard, "submit", photos=[photo_upload() for _ in range(7)])
    assert refused.status_code == 400 and "At most 6 photos" in refused.text
    tokens = re.findall(r'name="kept" value="([^"]+)"', refused.text)
    assert len(tokens) == 6
    assert post_move(client, hazard, "submit", kept=tokens).status_code == 303
    db.session.refresh(hazard)
    assert hazard.status == "awaiting_verification" and len(hazard.events[-1].photos) == 6


def test_kept_photos_serve_only_the_form_they_were_kept_for(client, login):
    hazard, other = make_hazard(status="rectifying"), make_hazard(status="rectifying")
    other.department = hazard.department
    db.session.commit()
    login("dept_lead", department=hazard.department)
    refused = post_move(client, hazard, "submit", photos=[photo_upload() for _ in range(7)])
    tokens = re.findall(r'name="kept" value="([^"]+)"', refused.text)
    response = post_move(client, other, "submit", kept=tokens)
    assert response.status_code == 400  # the tokens name another card: no photo at all
    db.session.refresh(other)
    assert other.status == "rectifying"


def test_verify_by_another_manager_closes_the_card(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    manager = login("manager")
    assert post_move(client, hazard, "verify", note="复查合格").status_code == 303
    db.session.refresh(hazard)
    assert hazard.status == "closed" and hazard.verified_by_id == manager.id


def test_reject_without_a_reason_is_refused(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("manager")
    response = post_move(client, hazard, "reject", note="")
    assert response.status_code == 400 and "Give a reason." in response.text
    assert 'id="do-reject" open' in response.text


def test_assign_names_the_person_and_the_deadline(client, login):
    hazard = make_hazard()
    lead = make_user("dept_lead", department=hazard.department)
    db.session.commit()
    login("manager")
    deadline = local_today() + timedelta(days=10)
    response = post_move(client, hazard, "assign", responsible_id=str(lead.id),
                         deadline_on=deadline.isoformat())
    assert response.status_code == 303
    db.session.refresh(hazard)
    assert (hazard.status, hazard.responsible_id, hazard.deadline_on) == (
        "assigned", lead.id, deadline)


def test_assign_with_a_garbled_date_says_how_to_write_it(client, login):
    hazard = make_hazard()
    db.session.commit()
    login("manager")
    response = post_move(client, hazard, "assign", deadline_on="31/12/2026")
    assert response.status_code == 400 and "year-month-day" in response.text
    assert 'value="31/12/2026"' in response.text


def test_assign_to_an_unknown_person_is_refused_on_that_field(client, login):
    hazard = make_hazard()
    db.session.commit()
    login("manager")
    response = post_move(client, hazard, "assign", responsible_id="999999")
    assert response.status_code == 400
    assert 'id="assign-responsible_id-err"' in response.text
    db.session.refresh(hazard)
    assert hazard.status == "reported"


def test_a_move_the_role_may_not_make_is_403(client, login):
    hazard = make_hazard(status="awaiting_verification")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    response = post_move(client, hazard, "verify")
    assert response.status_code == 403
    db.session.refresh(hazard)
    assert hazard.status == "awaiting_verification"


def test_cancel_keeps_the_card_with_its_reason(client, login):
    hazard = make_hazard()
    db.session.commit()
    login("manager")
    response = post_move(client, hazard, "cancel", reason="false_report", note="现场无此问题")
    assert response.status_code == 303
    db.session.refresh(hazard)
    assert (hazard.status, hazard.cancel_reason) == ("cancelled", "false_report")
    assert client.get(f"/hazards/{hazard.number}").status_code == 200


def test_unknown_move_is_404(client, login):
    hazard = make_hazard()
    db.session.commit()
    login("manager")
    assert post_move(client, hazard, "delete").status_code == 404


# -- plan and extensions ------------------------------------------------------------------------

def test_plan_with_bad_funds_is_refused_with_the_input_kept(client, login):
    hazard = make_hazard(status="assigned", level="major")
    db.session.commit()
    login("manager")
    response = client.post(f"/hazards/{hazard.number}/plan",
                           data={"measures": "更换阀门", "funds_yuan": "一千"})
    assert response.status_code == 400 and "funds in yuan" in response.text
    assert "更换阀门" in response.text


def test_plan_saves_the_commitments(client, login):
    hazard = make_hazard(status="assigned", level="major")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    response = client.post(f"/hazards/{hazard.number}/plan", data={
        "measures": "更换阀门", "funds_yuan": "1,200.50", "contingency_plan": "停用",
        "interim_controls": "设警戒"})
    assert response.status_code == 303
    db.session.refresh(hazard)
    assert (hazard.measures, float(hazard.funds_yuan), hazard.interim_controls) == (
        "更换阀门", 1200.5, "设警戒")


def test_extension_is_asked_and_approved_through_the_pages(client, login):
    hazard = make_hazard(status="rectifying")
    first = hazard.deadline_on
    lead = make_user("dept_lead", department=hazard.department, password="correct horse")
    db.session.commit()
    client.post("/login", data={"username": lead.username, "password": "correct horse"})
    wanted = first + timedelta(days=10)
    response = client.post(f"/hazards/{hazard.number}/extensions",
                           data={"deadline_on": wanted.isoformat(), "reason": "等配件"})
    assert response.status_code == 303
    client.post("/logout")
    login("manager")
    page = client.get(f"/hazards/{hazard.number}").text
    assert "An extension request waits for your decision." in page
    extension = db.session.scalar(select(DeadlineExtension))
    response = client.post(f"/hazards/{hazard.number}/extensions/{extension.id}",
                           data={"decision": "approve"})
    assert response.status_code == 303
    db.session.refresh(hazard)
    assert hazard.deadline_on == wanted
    page = client.get(f"/hazards/{hazard.number}").text
    assert first.isoformat() in page and wanted.isoformat() in page


def test_extension_for_an_earlier_day_is_refused(client, login):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    response = client.post(f"/hazards/{hazard.number}/extensions", data={
        "deadline_on": hazard.deadline_on.isoformat(), "reason": "x"})
    assert response.status_code == 400 and "after the current deadline" in response.text


# -- print -------------------------------------------------------------------------------------

def test_print_view_carries_a_qr_code_to_the_live_card(client, login, app):
    hazard = make_hazard(status="rectifying")
    db.session.commit()
    login("manager")
    page = client.get(f"/hazards/{hazard.number}/print").text
    assert "css/print-a4.css" in page and "<svg" in page and f'aria-label="{hazard.number}"' in page


def test_print_view_in_a5(client, login):
    hazard = make_hazard()
    db.session.commit()
    login("manager")
    assert "css/print-a5.css" in client.get(f"/hazards/{hazard.number}/print?size=a5").text


def test_print_qr_encodes_the_live_card_address(app):
    import zxingcpp
    from PIL import Image

    from app.common.qr import qr_matrix

    with app.test_request_context():
        from app.hazards.views import live_card_url

        url = live_card_url("YH-2026-00042")
    assert url == app.config["PUBLIC_BASE_URL"].rstrip("/") + "/hazards/YH-2026-00042"
    matrix = qr_matrix(url)
    image = Image.new("L", (len(matrix), len(matrix)), 255)
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    image = image.resize((len(matrix) * 8,) * 2, Image.NEAREST)
    assert zxingcpp.read_barcodes(image)[0].text == url


# -- direct reports ------------------------------------------------------------------------------

def report_form(location, **data):
    return {"location": location.code, "level": "general", "description": "配电室门口堆放纸箱",
            "photos": photo_upload("before.jpg"), "form_id": "f1", **data}


def test_inspector_reports_a_hazard_with_a_photo(client, login):
    location = make_location()
    db.session.commit()
    login("inspector")
    response = client.post("/hazards/new", data=report_form(location),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    hazard = db.session.scalar(select(Hazard))
    assert hazard.item_result is None and hazard.status == "reported"
    assert len(hazard.events[0].photos) == 1


def test_direct_report_needs_a_photo(client, login):
    location = make_location()
    db.session.commit()
    login("inspector")
    data = report_form(location)
    del data["photos"]
    response = client.post("/hazards/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "photo of the hazard" in response.text
    assert "配电室门口堆放纸箱" in response.text
    assert db.session.scalar(select(Hazard)) is None


def test_direct_report_fixed_on_the_spot_closes_marked_so(client, login):
    location = make_location()
    db.session.commit()
    login("inspector")
    response = client.post("/hazards/new", data=report_form(
        location, fixed_on_site="1", after_photos=photo_upload(), fix_note="已清理"),
        content_type="multipart/form-data")
    assert response.status_code == 303
    hazard = db.session.scalar(select(Hazard))
    assert hazard.status == "closed" and hazard.rectified_on_site


def test_a_major_hazard_cannot_be_reported_as_fixed_on_the_spot(client, login):
    location = make_location()
    db.session.commit()
    login("inspector")
    response = client.post("/hazards/new", data=report_form(
        location, level="major", fixed_on_site="1", after_photos=photo_upload()),
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert db.session.scalar(select(Hazard)) is None


def test_report_without_a_location_offers_the_places(client, login):
    location = make_location()
    db.session.commit()
    login("inspector")
    page = client.get("/hazards/new").text
    assert f'value="{location.code}"' in page


# -- the risk-source card (一险一卡) ----------------------------------------------------------

def test_risk_source_card_prints_with_the_places_qr_code(client, login):
    location = make_location(is_major_source=True, risk_level="red", source_hazards="液氧泄漏",
                             source_responsible="王建华", source_emergency="关闭总阀，疏散")
    db.session.commit()
    login("viewer")
    page = client.get(f"/locations/{location.code}/risk-card?size=a5").text
    assert "css/print-a5.css" in page  # its @page size
    assert "液氧泄漏" in page and "王建华" in page and "关闭总阀" in page
    assert "<svg" in page and f'aria-label="{location.code}"' in page


def test_location_page_links_to_its_risk_source_card_print(client, login):
    location = make_location(is_major_source=True, source_responsible="王建华")
    db.session.commit()
    login("inspector")
    assert f"/locations/{location.code}/risk-card" in client.get(
        f"/locations/{location.code}").text


# -- from the inspection's confirm step --------------------------------------------------------

def test_finder_closes_on_the_spot_from_the_confirm_step(client, login):
    inspector = login("inspector")
    hazard = make_hazard(reporter=inspector)
    db.session.commit()
    response = post_move(client, hazard, "fix_on_site", photos=photo_upload(),
                         next="/inspections/1#" + hazard.number)
    assert response.status_code == 303 and response.location.startswith("/inspections/1")
    db.session.refresh(hazard)
    assert hazard.status == "closed" and hazard.rectified_on_site
