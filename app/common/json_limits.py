"""Bounds on a JSON body, checked before anything parses it: size (413) and nesting (422).

Python's parser recurses once per level, so a body of a few thousand brackets raises
RecursionError inside the JSON reader (a 500) before any schema sees it."""

import re

from flask import current_app, request
from flask_smorest import abort

# No body SafeRound reads nests deeper than about five levels (inspection → answers → item).
MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(data: bytes) -> int:
    """How deeply `data` nests arrays and objects; brackets inside strings do not count."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_json_body() -> None:
    """before_request: refuse a JSON body that is too large or nested too deeply."""
    if not request.is_json:
        return
    limit = current_app.config["MAX_JSON_BYTES"]
    if (request.content_length or 0) > limit:
        abort(413, code="request.json_too_large", params={"kb": limit // 1024})
    data = request.get_data(cache=True)
    if len(data) > limit:
        abort(413, code="request.json_too_large", params={"kb": limit // 1024})
    if json_depth(data) > MAX_JSON_DEPTH:
        abort(422, code="request.json_too_deep", params={"n": MAX_JSON_DEPTH})
