"""The OpenAPI document and its docs page, served without any outside address."""

import re
from pathlib import Path

from openapi_spec_validator import validate

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").json
    validate(document)
    assert document["openapi"].startswith("3.")


def test_the_document_describes_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    routes = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint.partition(".")[0] != "api-docs"}
    assert routes == set(document["paths"])


def test_both_ways_of_logging_in_are_declared(client):
    document = client.get("/api/v1/openapi.json").json
    assert set(document["components"]["securitySchemes"]) == {"token", "session"}


def test_the_docs_page_loads_only_local_files(client):
    page = client.get("/api/v1/docs").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/static/") for s in sources)
    assert any(s.startswith("/static/vendor/swagger-ui/") for s in sources)
    for source in sources:
        assert (STATIC / source.removeprefix("/static/")).is_file()
