"""Every role against every page: the whole matrix, from one table."""

import pytest

from app.common.permissions import ROLES, can
from app.extensions import db
from app.photos.models import Photo
from app.photos.pipeline import Watermark, process
from app.photos.store import photo_store
from tests.factories import make_hazard, make_inspection, make_location, make_template, make_user
from tests.images import jpeg

ALL = set(ROLES)
ADMIN = {"admin"}
PERFORM = {"admin", "manager", "dept_lead", "inspector"}
PRINT = {"admin", "manager"}
EXPORT = {"admin", "manager", "dept_lead", "viewer"}
RECTIFY = {"admin", "manager", "dept_lead"}
MANAGE = {"admin", "manager"}
DASHBOARD = {"admin", "manager", "viewer"}
ASSESS = {"admin", "manager", "dept_lead", "viewer"}
ANON = "anonymous"


@pytest.fixture
def world(app):
    """One of each record the pages need, and the URL pieces that reach them."""
    location = make_location()
    template = make_template(location.location_type, items=2)
    other = make_user("viewer")
    inspection = make_inspection(location, template.current_version, outcomes=("fail", "pass"))
    photo = process(jpeg(), Watermark(location.code, "2026-11-24 14:00", "李强"))
    photo_store().save_processed(photo)
    inspection.results[0].photos.append(Photo(
        sha256=photo.sha256, thumb_sha256=photo.thumb_sha256, width=photo.width,
        height=photo.height, size_bytes=len(photo.image), uploaded_by=inspection.inspector))
    hazard = make_hazard(location=location)
    db.session.commit()
    return {
        "code": location.code, "token": location.qr_token, "tid": template.id,
        "uid": other.id, "did": location.department_id, "iid": inspection.id,
        "number": hazard.number, "sha": photo.sha256, "thumb": photo.thumb_sha256,
        "department": location.department,
    }


# (method, url pattern, roles allowed, status when allowed)
MATRIX = [
    ("GET", "/", ALL, 200),
    ("GET", "/admin", ADMIN, 200),
    ("GET", "/account", ALL, 200),
    ("POST", "/account/sessions/end-others", ALL, 302),
    ("POST", "/account/theme", ALL, 400),  # no theme given: refused, for everyone alike
    ("GET", "/account/password", ALL, 200),
    ("GET", "/account/tokens", ALL, 200),
    ("POST", "/account/tokens/999/revoke", ALL, 404),
    ("GET", "/locations", ALL, 200),
    ("GET", "/locations/{code}", ALL, 200),
    ("GET", "/q/{token}", ALL, 302),
    ("GET", "/locations/new", ADMIN, 200),
    ("GET", "/locations/{code}/edit", ADMIN, 200),
    ("POST", "/locations/{code}/rotate-token", ADMIN, 302),
    ("GET", "/checklists/", ADMIN, 200),
    ("GET", "/checklists/new", ADMIN, 200),
    ("GET", "/checklists/{tid}", ADMIN, 200),
    ("GET", "/checklists/{tid}/versions/1", ADMIN, 200),
    ("GET", "/checklists/{tid}/items/new", ADMIN, 200),
    ("GET", "/checklists/{tid}/items/1", ADMIN, 200),
    ("POST", "/checklists/{tid}/items/1/move", ADMIN, 302),
    ("POST", "/checklists/{tid}/items/2/remove", ADMIN, 302),
    ("GET", "/admin/users", ADMIN, 200),
    ("GET", "/admin/users/new", ADMIN, 200),
    ("GET", "/admin/users/{uid}", ADMIN, 200),
    ("POST", "/admin/users/{uid}/password", ADMIN, 400),
    ("POST", "/admin/users/{uid}/unlock", ADMIN, 302),
    ("GET", "/admin/departments", ADMIN, 200),
    ("GET", "/admin/departments/new", ADMIN, 200),
    ("GET", "/admin/departments/{did}", ADMIN, 200),
    ("GET", "/locations/{code}/inspect", PERFORM, 200),
    ("GET", "/scan", PERFORM, 200),
    ("GET", "/outbox", ALL, 200),
    ("GET", "/scan/code?code={code}", PERFORM, 302),
    ("GET", "/locations/{code}/label.png", PRINT, 200),
    ("GET", "/locations/labels", PRINT, 200),
    ("GET", "/inspections", ALL, 200),
    ("GET", "/inspections/{iid}", ALL, 200),
    ("GET", "/photos/{sha}.jpg", ALL, 200),
    ("GET", "/photos/{thumb}/thumb.jpg", ALL, 200),
    ("POST", "/hazards/{number}/amend", PERFORM, 409),
    ("GET", "/locations/{code}/risk-card", ALL, 404),  # not a major hazard source
    ("GET", "/hazards/", ALL, 200),
    ("GET", "/hazards/mine", ALL, 200),
    ("GET", "/hazards/new?location={code}", PERFORM, 200),
    ("GET", "/hazards/{number}", ALL, 200),
    ("GET", "/hazards/{number}/print", ALL, 200),
    # The world's hazard is only reported: past the role gate, the workflow refuses a start.
    ("POST", "/hazards/{number}/moves/start", PERFORM, 409),
    ("POST", "/hazards/{number}/plan", RECTIFY, 303),
    ("POST", "/hazards/{number}/extensions", RECTIFY, 409),
    ("POST", "/hazards/{number}/extensions/999", MANAGE, 404),
    # The four-don'ts review (四不放过): an empty form is refused for its fields.
    ("POST", "/hazards/{number}/review", RECTIFY, 400),
    ("GET", "/hazards/recurring", ALL, 200),
    ("GET", "/admin/recurrence", ADMIN, 200),
    ("POST", "/admin/recurrence", ADMIN, 400),
    ("GET", "/ledgers", EXPORT, 200),
    ("GET", "/ledgers/hazards.xlsx?month=2026-11", EXPORT, 200),
    ("GET", "/ledgers/inspections.csv?month=2026-11", EXPORT, 200),
    # Past the role gate an empty form is refused beside its fields; no schedule 999 here.
    ("POST", "/locations/{code}/schedules", MANAGE, 400),
    ("POST", "/locations/{code}/schedules/999", MANAGE, 404),
    ("GET", "/coverage", ALL, 200),
    ("GET", "/displays", MANAGE, 200),
    ("POST", "/displays/999/revoke", MANAGE, 404),
    ("GET", "/dashboard", DASHBOARD, 200),
    # An empty reassign form is refused beside its department field.
    ("POST", "/hazards/{number}/reassign", MANAGE, 400),
    ("GET", "/admin/escalation", ADMIN, 200),
    ("POST", "/admin/escalation", ADMIN, 400),  # no days given
    ("POST", "/account/digest", ALL, 303),  # switching it off is anyone's to do
    ("GET", "/assessment", ASSESS, 200),
    ("GET", "/assessment/print", ASSESS, 200),
    ("GET", "/assessment.xlsx", ASSESS, 200),
    ("GET", "/assessment/weights", ADMIN, 200),
]


@pytest.mark.parametrize("role", [*ROLES, ANON])
@pytest.mark.parametrize(("method", "pattern", "allowed", "ok_status"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_page_permission(client, login, world, role, method, pattern, allowed, ok_status):
    if role != ANON:
        # Leads and inspectors belong to the department that owns the records.
        login(role, **({"department": world["department"]}
                       if role in ("dept_lead", "inspector") else {}))
    url = pattern.format(**world)
    response = client.open(url, method=method)
    if role == ANON:
        assert response.status_code == 302
        assert response.location.startswith("/login?next=")
    elif role in allowed:
        assert response.status_code == ok_status
    else:
        assert response.status_code == 403


def test_matrix_covers_every_page(app):
    """A new page without a row here fails: the matrix stays whole."""
    covered = set()
    adapter = app.url_map.bind("localhost")
    for method, pattern, _, _ in MATRIX:
        url = pattern.format(code="X", token="t", tid=1, uid=1, did=1, iid=1, number="N",
                             sha="a" * 64, thumb="b" * 64)
        covered.add(adapter.match(url.partition("?")[0], method=method)[0])
    # The wall screen's pages need no login: its display token is the key (tests/wall).
    public = {"static", "auth.login", "auth.logout", "main.set_language", "wall.screen",
              "wall.data", "api-docs.openapi_json",
              "api-docs.openapi_swagger_ui",
              # The PWA's manifest, worker and offline page load before anyone logs in.
              "pwa.manifest", "pwa.service_worker", "pwa.offline", "pwa.favicon",
              # A monitor asks without logging in (tests/health).
              "health.live", "health.ready"}
    # The JSON API has its own matrix (tests/api/test_api_permissions.py).
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs.")}
    assert endpoints - covered - public == set()


def test_unknown_permission_is_an_error(app):
    with pytest.raises(KeyError):
        can(make_user("admin"), "no.such.permission")


def test_disabled_user_has_no_permission(app):
    user = make_user("admin", active=False)
    assert not can(user, "admin.manage")


def test_lead_does_not_see_another_departments_hazards_at_its_location(client, login):
    from tests.factories import make_hazard

    hazard = make_hazard(description="别科室的隐患")
    db.session.commit()
    login("dept_lead")
    page = client.get(f"/locations/{hazard.location.code}").text
    assert "别科室的隐患" not in page and hazard.number not in page


def test_lead_sees_own_departments_hazards(client, login):
    from tests.factories import make_hazard

    hazard = make_hazard(description="本科室的隐患")
    db.session.commit()
    login("dept_lead", department=hazard.department)
    assert "本科室的隐患" in client.get(f"/locations/{hazard.location.code}").text
