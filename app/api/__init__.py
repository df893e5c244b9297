"""The JSON API under /api/v1, described by OpenAPI 3 at /api/v1/openapi.json (flask-smorest).

Used by the phone's offline outbox and by integrations; the same services and permission
table as the pages. Its docs page (/api/v1/docs) is Swagger UI, served from static/vendor.
"""

from flask import Flask, current_app, render_template, url_for
from flask_smorest import Api

from app.api.auth import authenticate_api_request
from app.api.errors import API_PREFIX, error_response, is_api_request
from app.api.problems import ErrorSchema, catalogue_table
from app.extensions import csrf

SETTINGS = {
    "API_TITLE": "SafeRound API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None, "withCredentials": True},
}

DESCRIPTION = """Hospital safety inspections and hazard rectification.

Log in through the pages (session cookie; writes then need the `X-CSRFToken` header from
`GET /api/v1/me`), or send `Authorization: Bearer <token>` with a personal API token made at
/account/tokens. Every call has exactly the rights of its user's role on the pages.
Errors are JSON: `{"code", "status", "message", "errors", "request_id"}`; `code` is stable (the
`Error` schema lists every one), `message` is for the person, `request_id` (also the
`X-Request-ID` header of every answer) finds the request in the server's log."""


class SafeRoundApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        # flask-smorest registers this for the whole app; the pages keep their HTML errors.
        if not is_api_request():
            return error
        return error_response(error)


def init_api(app: Flask) -> Api:
    from app.api import assessment, checklists, hazards, inspections, locations, me, photos, wall

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = SafeRoundApi(app, spec_kwargs={
        "info": {"description": DESCRIPTION},
        "security": [{"token": []}, {"session": []}],
    })
    api.spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "description": "A personal API token."})
    api.spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"})
    for module in (me, locations, checklists, inspections, photos, hazards, wall, assessment):
        api.register_blueprint(module.blp)
        csrf.exempt(module.blp)  # session writes are checked in authenticate_api_request
    api.spec.components.schemas["Error"]["description"] = (
        "Every refusal, by its stable `code`:\n\n" + catalogue_table())
    app.before_request(authenticate_api_request)
    # Same address and endpoint, our page: flask-smorest's starts Swagger UI inline.
    app.view_functions["api-docs.openapi_swagger_ui"] = docs_page
    return api


def docs_page():
    """Swagger UI with its settings in a JSON block and its start in static/js/api-docs.js, so
    that the page holds under the Content-Security-Policy (no inline script)."""
    config = current_app.config
    settings = {**config["OPENAPI_SWAGGER_UI_CONFIG"], "url": url_for("api-docs.openapi_json")}
    return render_template("api/docs.html", title=config["API_TITLE"], settings=settings,
                           ui_url=config["OPENAPI_SWAGGER_UI_URL"])
