"""Schemathesis sends requests generated from the OpenAPI document: none may fail the server.

Calls are made as an admin with a personal token on a small hospital. Half the generated
cases have their path parameters and label token swapped for real ones, so that requests
also get past "not found" into the services; what is checked is that no answer is a 5xx."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from app.extensions import db
from tests.api.conftest import bearer
from tests.factories import make_hazard, make_inspection, make_location, make_template, make_user

EXAMPLES = 40


def test_no_generated_request_makes_a_server_error(app):
    location = make_location()
    template = make_template(location.location_type, items=2)
    inspection = make_inspection(location, template.current_version, outcomes=("fail", "pass"))
    hazard = make_hazard(location=location)
    headers = bearer(make_user("admin"))
    db.session.commit()
    real = {"code": location.code, "token": location.qr_token, "template_id": template.id,
            "inspection_id": inspection.id, "number": hazard.number,
            "action": "assign", "location_token": location.qr_token}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, tried = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1

        @given(case=operation.as_strategy(), use_real=st.booleans())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case, use_real):
            if use_real:
                for name in case.path_parameters or {}:
                    case.path_parameters[name] = real[name]
                if isinstance(case.body, dict) and "location_token" in case.body:
                    case.body["location_token"] = real["location_token"]
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            call()
        except Exception as error:  # noqa: BLE001 - gather every operation's failure
            failures[operation.label] = error
    assert tried == sum(method in ("get", "post") for item in schema.raw_schema["paths"].values()
                        for method in item)
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())
