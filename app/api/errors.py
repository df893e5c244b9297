"""Errors of the JSON API: every refusal is JSON with a sentence a person can act on.

The body is `{"code", "status", "message", "errors", "request_id"}`: `code` one of
app/api/problems.py's catalogue, `status` the HTTP status; `errors` (when present) maps each
field at fault to its messages, and `answers` maps checklist item ids to theirs; `request_id`
finds the request's line in the log.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.problems import PROBLEMS, code_for_status, problem
from app.common.errors import DomainError
from app.common.logs import request_id

API_PREFIX = "/api/v1"


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def _field_errors(data: dict) -> dict | None:
    """webargs nests errors by where they were found (json, form, files, query): flatten that."""
    errors = data.get("errors") or data.get("messages")
    if not errors:
        return None
    if set(errors) <= {"json", "form", "files", "query", "headers", "cookies", "path"}:
        merged = {}
        for by_field in errors.values():
            merged.update(by_field if isinstance(by_field, dict) else {"_": by_field})
        return merged
    return errors


def error_response(error: HTTPException):
    """The JSON body and status for an HTTP error raised in the API: a catalogued code
    (app/api/problems.py), given by whoever raised it or else the status's own."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if isinstance(error, CSRFError):
        code = "auth.csrf_missing"
    else:
        code = data.get("code") or code_for_status(status)
    message = data.get("message") or PROBLEMS[code].text(**data.get("params", {}))
    payload = {"code": code, "status": status, "message": message}
    errors = _field_errors(data)
    if errors:
        payload["errors"] = errors
    payload["request_id"] = request_id()
    response = jsonify(payload)
    response.status_code = status
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def refuse(error: DomainError, conflict: str, *, forbidden: str = "auth.forbidden"):
    """Abort with a service's refusal, in its own words: about who asks → `forbidden` (403);
    about a field → validation.invalid_fields (422) with that field's message; about the
    record's state → `conflict` (409)."""
    if error.forbidden:
        problem(forbidden, message=error.message)
    if error.field:
        problem("validation.invalid_fields", message=error.message,
                errors={error.field: [error.message]})
    problem(conflict, message=error.message)


def abort_label_replaced():
    """The QR token names no place in use: the label was replaced (or the place retired)."""
    problem("location.label_replaced",
            errors={"location_token": [_("Unknown or replaced label.")]})
