"""Every role against every API route: the pages' permission table, answered in JSON."""

import pytest

from app.common.permissions import ROLES
from app.extensions import db
from tests.api.conftest import bearer
from tests.factories import make_hazard, make_inspection, make_location, make_template, make_user

ALL = set(ROLES)
ADMIN = {"admin"}
PERFORM = {"admin", "manager", "dept_lead", "inspector"}
DASHBOARD = {"admin", "manager", "viewer"}
RECTIFY = {"admin", "manager", "dept_lead"}
ASSESS = {"admin", "manager", "dept_lead", "viewer"}
ANON = "anonymous"


@pytest.fixture
def world(app):
    location = make_location()
    template = make_template(location.location_type, items=1)
    inspection = make_inspection(location, template.current_version)
    hazard = make_hazard(location=location)
    db.session.commit()
    return {"code": location.code, "token": location.qr_token, "tid": template.id,
            "iid": inspection.id, "number": hazard.number, "department": location.department,
            "did": location.department_id}


# (method, url, roles allowed, status once allowed); writes carry an empty body, so past the
# role gate they are refused for their content (422) or the card's state (409).
MATRIX = [
    ("GET", "/api/v1/me", ALL, 200),
    ("GET", "/api/v1/me/locations", PERFORM, 200),
    ("GET", "/api/v1/locations", ALL, 200),
    ("GET", "/api/v1/locations/{code}", ALL, 200),
    ("GET", "/api/v1/locations/by-token/{token}", ALL, 200),
    ("GET", "/api/v1/locations/{code}/checklist", PERFORM, 200),
    ("GET", "/api/v1/checklists", ADMIN, 200),
    ("GET", "/api/v1/checklists/{tid}", ADMIN, 200),
    ("GET", "/api/v1/inspections", ALL, 200),
    ("POST", "/api/v1/inspections", PERFORM, 422),
    ("GET", "/api/v1/inspections/{iid}", ALL, 200),
    ("POST", "/api/v1/photos", PERFORM, 422),
    ("GET", "/api/v1/hazards", ALL, 200),
    ("GET", "/api/v1/hazards/{number}", ALL, 200),
    ("POST", "/api/v1/hazards/{number}/moves/start", PERFORM, 409),
    ("POST", "/api/v1/hazards/{number}/review", RECTIFY, 422),
    ("GET", "/api/v1/wall", DASHBOARD, 200),
    ("POST", "/api/v1/hazards/{number}/reassign", {"admin", "manager"}, 422),  # no reason
    ("GET", "/api/v1/assessment", ASSESS, 200),
    ("GET", "/api/v1/assessment/{did}", ASSESS, 200),
]


@pytest.mark.parametrize("role", [*ROLES, ANON])
@pytest.mark.parametrize(("method", "pattern", "allowed", "ok_status"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_api_permission(client, world, role, method, pattern, allowed, ok_status):
    headers = {}
    if role != ANON:
        # Leads and inspectors belong to the department that owns the records.
        user = make_user(role, **({"department": world["department"]}
                                  if role in ("dept_lead", "inspector") else {}))
        headers = bearer(user)
    response = client.open(pattern.format(**world), method=method, headers=headers,
                           **({"json": {}} if method == "POST" else {}))
    assert response.is_json
    if role == ANON:
        assert response.status_code == 401
    elif role in allowed:
        assert response.status_code == ok_status
    else:
        assert response.status_code == 403


def test_matrix_covers_every_api_route(app):
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(pattern.format(code="X", token="t", tid=1, iid=1, number="N", did=1),
                             method=method)[0] for method, pattern, _, _ in MATRIX}
    api = {rule.endpoint for rule in app.url_map.iter_rules()
           if rule.rule.startswith("/api/v1/") and not rule.endpoint.startswith("api-docs.")}
    assert api - covered == set()
