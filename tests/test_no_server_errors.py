"""Nothing a client can send makes a 5xx: every route in the URL map, as each role and anonymous,
with out-of-range and junk values in every path converter and every query parameter the code
reads.

The path sweep is exhaustive over a fixed list of junk; the query sweep draws combinations with
Hypothesis (derandomized, so a failure reproduces) on real records, so requests get past "not
found" into the views and queries."""

import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter, PathConverter

from app.auth.tokens import create_api_token
from app.extensions import db
from app.hazards.models import DeadlineExtension
from app.wall.services import create_display
from tests.factories import (
    make_hazard,
    make_inspection,
    make_schedule,
    make_template,
    make_user,
)
from tests.stamp import stamp

ROOT = Path(__file__).resolve().parent.parent
ROLES = (None, "inspector", "dept_lead", "viewer", "manager", "admin")

# Every query parameter a view or schema reads (test_every_query_parameter_is_swept keeps this
# list whole).
QUERY_NAMES = ("department", "page", "type", "q", "month", "kind", "from", "to", "state", "size",
               "obj", "next", "location", "frequency", "code", "status", "result", "overdue",
               "level", "ledger", "lang", "format", "locked", "item", "quarter", "figure")

# Out of range for an id, a page, a number, a month or a day; malformed; hostile.
JUNK = ("", " ", "x", "0", "-1", "1.5", "2147483648", "99999999999999999999",
        "-99999999999999999999", "1e309", "NaN", "9999-12", "0001-01", "2026-13", "9999-12-31",
        "0001-01-01", "2026-02-30", "%", "_", "\\", "'", "\x00", "<script>", "//evil.example",
        "🙂", "A" * 500)
INT_JUNK = ("0", "2147483648", "9223372036854775808", "99999999999999999999",
            "00000000000000000001")
TEXT_JUNK = ("x", "A" * 300, "🙂", "%00", "..", "YH-9999-99999", "-1")
PATH_JUNK = ("../../config.py", "x", "%2e%2e/%2e%2e/config.py")

_ARGUMENT = re.compile(r"<(?:[^>]*:)?(\w+)>")


@pytest.fixture
def world(app):
    """One small hospital: a real value for every path argument in the URL map."""
    manager = make_user("manager")
    hazard = make_hazard(status="rectifying")
    location = hazard.location
    template = make_template(location.location_type, items=2)
    inspection = make_inspection(location, template.current_version, outcomes=("fail", "pass"))
    extension = DeadlineExtension(hazard=hazard, requested_by_id=manager.id, reason="parts",
                                  old_deadline_on=hazard.deadline_on,
                                  requested_deadline_on=hazard.deadline_on)
    db.session.add(extension)
    schedule = make_schedule(location)
    display = create_display(manager, "wall")
    token, _secret = create_api_token(manager, "fuzz")
    db.session.commit()
    # Ready, so that /readyz answers 200 and any 503 from it is a fault (tests/health).
    stamp(app)
    app.config["PHOTO_MIN_FREE_MB"] = 0
    return {"code": location.code, "token": location.qr_token, "template_id": template.id,
            "position": 1, "number": 1, "inspection_id": inspection.id,
            "hazard_number": hazard.number, "extension_id": extension.id,
            "schedule_id": schedule.id, "display_id": display.id, "token_id": token.id,
            "user_id": manager.id, "department_id": location.department_id,
            "action": "assign", "fmt": "xlsx", "ledger": "hazards", "sha256": "0" * 64,
            "filename": "css/app.css", "wall_token": display.token}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _url(rule, value_for) -> str:
    return _ARGUMENT.sub(lambda m: quote(str(value_for(m.group(1))), safe="/"), rule.rule)


def _real(world, rule):
    def value_for(name):
        if name == "number":
            return world["hazard_number"] if "hazards" in rule.rule else 1
        if name == "token" and rule.rule.startswith("/wall/"):
            return world["wall_token"]
        return world[name]
    return value_for


def _log_in(client, role):
    if role is None:
        return
    user = make_user(role, password="correct horse")
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": "correct horse"})
    assert response.status_code == 302


def _send(client, method, url):
    """The status, or the exception a server error would have been."""
    try:
        return client.open(url, method=method).status_code
    except Exception as error:  # noqa: BLE001 - a raised error is the 500 we look for
        return f"{type(error).__name__}: {error}"


def _is_server_error(status) -> bool:
    return not isinstance(status, int) or status >= 500


def _junk_for(rule, name):
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        return INT_JUNK
    if isinstance(converter, PathConverter):
        return PATH_JUNK
    return TEXT_JUNK


# Logging out would end the sweep's session; its refusals are tested in tests/auth.
SKIPPED = {"auth.logout"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_junk_in_any_path_argument_is_never_a_server_error(app, client, world, role):
    _log_in(client, role)
    failures = []
    for rule in _rules(app):
        if rule.endpoint in SKIPPED or not rule.arguments:
            continue
        real = _real(world, rule)
        for name in sorted(rule.arguments):
            for junk in _junk_for(rule, name):
                url = _url(rule, lambda n, name=name, junk=junk, real=real:
                           junk if n == name else real(n))
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    status = _send(client, method, url)
                    if _is_server_error(status):
                        failures.append(f"{method} {url[:120]} → {status}")
    assert failures == []


def test_a_path_id_beyond_the_column_is_not_found(client, login):
    login("admin")
    for url in ("/inspections/99999999999999999999", "/admin/users/99999999999999999999",
                "/admin/departments/99999999999999999999", "/checklists/2147483648",
                "/api/v1/inspections/9223372036854775808"):
        assert client.get(url).status_code == 404, url


def _get_rules(app):
    return [rule for rule in _rules(app) if "GET" in rule.methods and rule.endpoint not in SKIPPED]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_junk_in_every_query_parameter_is_never_a_server_error(app, client, world, role):
    """Each GET route on real records, with every known parameter set to each junk value."""
    _log_in(client, role)
    failures = []
    for rule in _get_rules(app):
        path = _url(rule, _real(world, rule))
        for junk in JUNK:
            url = f"{path}?{urlencode(dict.fromkeys(QUERY_NAMES, junk))}"
            status = _send(client, "GET", url)
            if _is_server_error(status):
                failures.append(f"GET {url[:160]} → {status}")
    assert failures == []


@pytest.mark.parametrize("role", ["dept_lead", "manager"])
def test_mixed_query_parameters_are_never_a_server_error(app, client, world, role):
    """Hypothesis mixes parameters and values, valid with junk, that one value for all misses."""
    _log_in(client, role)
    rules = _get_rules(app)
    failures = []
    values = st.one_of(st.sampled_from(JUNK), st.text(max_size=12), st.integers().map(str),
                       st.sampled_from(("1", "2026-11", "2026-11-03", "open", "major", "fail")))

    @given(rule=st.sampled_from(rules),
           query=st.dictionaries(st.sampled_from(QUERY_NAMES), values, max_size=5))
    @settings(max_examples=200, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def sweep(rule, query):
        url = f"{_url(rule, _real(world, rule))}?{urlencode(query)}"
        status = _send(client, "GET", url)
        if _is_server_error(status):
            failures.append(f"GET {url[:160]} → {status}")

    sweep()
    assert failures == []


@pytest.mark.parametrize("query", [
    "department=x", "type=x", "department=99999999999999999999", "month=9999-12",
    "month=0001-01", "page=0", "page=99999999999999999999", "from=0001-01-01&to=9999-12-31",
])
@pytest.mark.parametrize("path", ["/locations", "/hazards/", "/inspections", "/coverage",
                                  "/ledgers", "/api/v1/hazards", "/api/v1/inspections",
                                  "/api/v1/locations"])
def test_known_bad_filters_are_answered(client, login, path, query):
    login("manager")
    assert client.get(f"{path}?{query}").status_code in (200, 422)


def test_every_query_parameter_is_swept():
    """A view that starts reading a new query parameter must add it to QUERY_NAMES."""
    read = set()
    for source in (ROOT / "app").rglob("*.py"):
        read |= set(re.findall(r"args\.get(?:list)?\(\"(\w+)\"", source.read_text()))
    assert read - set(QUERY_NAMES) == set()
