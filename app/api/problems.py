"""Every refusal the API gives, with a stable code (compare ODK Central's lib/util/problem.js).

A client decides what to do from `code`, which never changes once published; it shows
`message`, the sentence in the caller's language, to the person. The HTTP status is the one
given here. A refusal raised with a sentence of its own (a service's DomainError, a photo's
reason) carries that sentence instead of the one below, and keeps its code.
"""

from dataclasses import dataclass
from typing import NoReturn

import marshmallow as ma
from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import abort

from app.photos.pipeline import REASONS as PHOTO_REASONS


def _photo_refusal(reason: str) -> str:
    from app.inspections.forms import photo_refusal  # pages word photo refusals the same way

    return photo_refusal(reason)


@dataclass(frozen=True)
class Problem:
    code: str
    status: int
    message: LazyString

    def text(self, **params) -> str:
        """The message in the caller's language, with `params` put into its placeholders."""
        return str(self.message) % params if params else str(self.message)


_CONFLICT = _l("This conflicts with the record as it is now. Reload it and try again.")
_FORBIDDEN = _l("Your role may not do this.")

CATALOGUE = (
    Problem("request.malformed", 400,
            _l("The request could not be read. Check its fields and send it again.")),
    Problem("auth.csrf_missing", 400,
            _l("Send the X-CSRFToken header (from GET /api/v1/me) with a logged-in session, or "
               "use a personal API token.")),
    Problem("auth.required", 401, _l("Log in, or send a valid personal API token, to use the "
                                     "API.")),
    Problem("auth.token_invalid", 401, _l("This API token is not valid or was revoked.")),
    Problem("auth.forbidden", 403, _FORBIDDEN),
    Problem("auth.password_change_required", 403,
            _l("An administrator set your password: change it on the account page "
               "(/account/password) before using the API.")),
    Problem("request.not_found", 404, _l("Not found, or not yours to see.")),
    Problem("location.unknown_label", 404,
            _l("No place in use has this label: it was replaced, or the place is no longer "
               "inspected.")),
    Problem("request.method_not_allowed", 405,
            _l("This address does not accept that method.")),
    Problem("request.conflict", 409, _CONFLICT),
    Problem("location.label_replaced", 409,
            _l("This place's QR label was replaced or the place is no longer inspected. Open "
               "the place's checklist again (scan its new label) and send the form from "
               "there.")),
    Problem("checklist.unavailable", 409,
            _l("This checklist does not belong to this place. Reload the page.")),
    Problem("inspection.uuid_conflict", 409,
            _l("This form was already submitted by someone else or for another place. Open "
               "the checklist again to start a new one.")),
    Problem("inspection.refused", 409, _CONFLICT),
    Problem("inspection.place_forbidden", 403, _l("Your role may not inspect this place.")),
    Problem("photo.uuid_conflict", 409,
            _l("This photo id was already used by someone else. Take the photo again.")),
    Problem("photo.not_saved", 409, _l("A photo was lost before it was saved. Take it again.")),
    Problem("photo.place_missing", 422, _l("Say which place the photo is of.")),
    *(Problem(f"photo.{reason}", 422, LazyString(_photo_refusal, reason))
      for reason in PHOTO_REASONS),
    Problem("hazard.move_not_allowed", 409, _CONFLICT),
    Problem("hazard.move_forbidden", 403, _FORBIDDEN),
    Problem("hazard.review_required", 409,
            _l("A recurring or major hazard is closed only after its four-don'ts review "
               "(cause, responsibility, measures, training) is filed.")),
    Problem("hazard.review_not_allowed", 409, _CONFLICT),
    Problem("hazard.review_forbidden", 403, _FORBIDDEN),
    Problem("request.too_large", 413,
            _l("This upload is larger than the server accepts. Send photos one at a time or "
               "take them at a lower resolution.")),
    Problem("request.json_too_large", 413,
            _l("This request's JSON is larger than %(kb)d KB. Send less at once.")),
    Problem("request.unsupported_media_type", 415,
            _l("This address does not accept a body of that type. Send JSON, or a form for a "
               "photo.")),
    Problem("validation.invalid_fields", 422,
            _l("Some fields are not valid; see the message beside each.")),
    Problem("validation.invalid_answers", 422,
            _l("Some items need your attention; see the messages beside them.")),
    Problem("request.json_too_deep", 422,
            _l("This request's JSON nests more than %(n)d levels deep; no SafeRound request "
               "needs that many.")),
    Problem("request.too_many", 429, _l("Too many requests. Wait a moment and try again.")),
    Problem("server.error", 500,
            _l("The server could not complete this. Nothing was saved; try again in a moment.")),
    Problem("server.busy", 503,
            _l("The server is busy for a moment. Nothing was saved; the form is kept and sent "
               "again shortly.")),
    Problem("storage.full", 507,
            _l("The server's photo storage is full. Nothing was saved; the form is kept and "
               "sent again later. Tell the safety office.")),
    Problem("storage.unavailable", 503,
            _l("The server cannot store photos just now. Nothing was saved; the form is kept "
               "and sent again later.")),
)
PROBLEMS = {problem.code: problem for problem in CATALOGUE}

# An HTTP error raised without a code of ours (werkzeug, webargs, require_api) has its status's.
BY_STATUS = {400: "request.malformed", 401: "auth.required", 403: "auth.forbidden",
             404: "request.not_found", 405: "request.method_not_allowed",
             409: "request.conflict", 413: "request.too_large",
             415: "request.unsupported_media_type", 422: "validation.invalid_fields",
             429: "request.too_many", 500: "server.error", 503: "server.busy"}


def code_for_status(status: int) -> str:
    return BY_STATUS.get(status) or ("request.malformed" if status < 500 else "server.error")


def problem(code: str, *, message: str | None = None, errors: dict | None = None,
            **params) -> NoReturn:
    """Abort with the catalogued problem `code`; `message` replaces its sentence (a service's
    own), `params` fill its placeholders, `errors` name the fields at fault."""
    entry = PROBLEMS[code]
    abort(entry.status, code=code, message=message or entry.text(**params), errors=errors)


class ErrorSchema(ma.Schema):
    """The body of every refusal (documentation only: app/api/errors.py writes it)."""

    code = ma.fields.String(required=True, validate=ma.validate.OneOf(list(PROBLEMS)),
                            metadata={"description": "What went wrong, as a stable code; see "
                                                     "the table in this schema's description."})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status."})
    message = ma.fields.String(required=True,
                               metadata={"description": "A sentence for the person, in the "
                                                        "caller's language."})
    errors = ma.fields.Dict(metadata={"description": "The fields at fault, each with its "
                                                     "messages; `answers` maps checklist item "
                                                     "ids to theirs."})
    request_id = ma.fields.String(metadata={"description": "The request's id (also in the "
                                                           "`X-Request-ID` header), to find it "
                                                           "in the server's log."})


def catalogue_table() -> str:
    """The catalogue as a Markdown table, for the OpenAPI document."""
    with force_locale("en"):
        rows = [f"| `{p.code}` | {p.status} | {p.message} |" for p in CATALOGUE]
    return "\n".join(["| code | HTTP status | message |", "| --- | --- | --- |", *rows])
