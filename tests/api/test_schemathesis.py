"""Schemathesis sends requests generated from the OpenAPI document: none may fail the server.

Calls are made as an admin with a personal token on a small hospital. Half the generated
cases have their path parameters and label token swapped for real ones, so that requests
also get past "not found" into the services. Then every query and path parameter gets, one at a
time, each edge value random generation almost never draws (the first and last month `date`
can hold, ids beyond 64 bits). What is checked is that no answer is a 5xx. (JSON nested past
the recursion limit cannot be sent from this process, which shares the limit with the server:
tests/api/test_errors_api.py sends it as bytes.)"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from app.extensions import db
from tests.api.conftest import bearer
from tests.factories import make_hazard, make_inspection, make_location, make_template, make_user

EXAMPLES = 50
EDGE_VALUES = ("9999-12", "0001-01", "9999-12-31", "0001-01-01", "99999999999999999999",
               "-99999999999999999999", "1e309", "NaN", "\x00", "%_%")


def test_no_generated_request_makes_a_server_error(app):
    location = make_location()
    template = make_template(location.location_type, items=2)
    inspection = make_inspection(location, template.current_version, outcomes=("fail", "pass"))
    hazard = make_hazard(location=location)
    headers = bearer(make_user("admin"))
    db.session.commit()
    real = {"code": location.code, "token": location.qr_token, "template_id": template.id,
            "inspection_id": inspection.id, "number": hazard.number,
            "action": "assign", "location_token": location.qr_token,
            "department_id": location.department_id}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, tried = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tried += 1
        try:
            _fuzz(operation, headers, real)
        except Exception as error:  # noqa: BLE001 - gather every operation's failure
            failures[operation.label] = error
    assert tried == sum(method in ("get", "post") for item in schema.raw_schema["paths"].values()
                        for method in item)
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())


def _fuzz(operation, headers: dict, real: dict) -> None:
    """Generated cases, half of them on real records; then every edge value in every place."""

    @given(case=operation.as_strategy(), use_real=st.booleans())
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case, use_real):
        if use_real:
            _use_real(case, real)
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    call()
    for case in _edge_cases(operation, real):
        case.call_and_validate(headers=headers, checks=[not_a_server_error])


def _use_real(case, real: dict) -> None:
    for name in case.path_parameters or {}:
        case.path_parameters[name] = real[name]
    if isinstance(case.body, dict) and "location_token" in case.body:
        case.body["location_token"] = real["location_token"]


def _edge_cases(operation, real: dict):
    """One edge value at a time, everything else real, so that no other refusal masks it."""
    path = {name: real[name] for name in (p.name for p in operation.path_parameters)}
    for parameter in operation.query:
        for value in EDGE_VALUES:
            yield operation.Case(path_parameters=path, query={parameter.name: value})
    for name in path:
        for value in EDGE_VALUES:
            yield operation.Case(path_parameters={**path, name: value})
