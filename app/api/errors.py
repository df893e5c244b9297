"""Errors of the JSON API: every refusal is JSON with a sentence a person can act on.

The body is `{"code", "status", "message", "errors"}`; `errors` (when present) maps each field
at fault to its messages, and `answers` maps checklist item ids to theirs.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_smorest import abort
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app.common.errors import DomainError

API_PREFIX = "/api/v1"


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def default_message(code: int) -> str:
    messages = {
        400: _("The request could not be read. Check its fields and send it again."),
        401: _("Log in, or send a valid personal API token, to use the API."),
        403: _("Your role may not do this."),
        404: _("Not found, or not yours to see."),
        405: _("This address does not accept that method."),
        409: _("This conflicts with the record as it is now. Reload it and try again."),
        413: _("This upload is larger than the server accepts. Send photos one at a time or "
               "take them at a lower resolution."),
        422: _("Some fields are not valid; see the message beside each."),
        429: _("Too many requests. Wait a moment and try again."),
    }
    return messages.get(code, _("The server could not complete this. Nothing was saved; try "
                                "again in a moment."))


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
    """The JSON body and status for an HTTP error raised in the API."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    if isinstance(error, CSRFError):
        message = _("Send the X-CSRFToken header (from GET /api/v1/me) with a logged-in "
                    "session, or use a personal API token.")
    else:
        message = data.get("message") or default_message(code)
    payload = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message}
    errors = _field_errors(data)
    if errors:
        payload["errors"] = errors
    response = jsonify(payload)
    response.status_code = code
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def refuse(error: DomainError, *, errors: dict | None = None):
    """Abort with a service's refusal: about who asks → 403; about a field → 422 with that
    field's message; about the record's state → 409."""
    if error.forbidden:
        abort(403, message=error.message)
    if error.field or errors:
        abort(422, message=error.message, errors=errors or {error.field: [error.message]})
    abort(409, message=error.message)


def abort_label_replaced():
    """The QR token names no place in use: the label was replaced (or the place retired)."""
    abort(409, message=_("This place's QR label was replaced or the place is no longer "
                         "inspected. Open the place's checklist again (scan its new label) and "
                         "send the form from there."),
          errors={"location_token": [_("Unknown or replaced label.")]})
