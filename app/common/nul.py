"""No text a client sends may hold a NUL character (U+0000): PostgreSQL cannot store or even
compare one (psycopg refuses the statement, a 500), and no person types one. Such a request is
refused with 400 before any view reads it, on SQLite as on PostgreSQL."""

import re

from flask import request
from flask_smorest import abort

# \u0000 in a JSON string, not preceded by an escaped backslash (\\u0000 is six characters).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _holds_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


def refuse_nul() -> None:
    """before_request: 400 (request.malformed) for a NUL in the path, the query string, a
    form field or a JSON string."""
    if "\x00" in request.path or _holds_nul((request.view_args or {}).values()):
        abort(400, code="request.malformed")
    if any(_holds_nul([key, *values]) for key, values in request.args.lists()):
        abort(400, code="request.malformed")
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and any(
            _holds_nul([key, *values]) for key, values in request.form.lists()):
        abort(400, code="request.malformed")
    if request.is_json and _JSON_NUL.search(request.get_data(cache=True)):
        abort(400, code="request.malformed")
