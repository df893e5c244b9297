"""Reading the rest of a request's body before answering it early.

A phone that is still sending its photo when the server answers (too large, database busy,
photo disk full) and then closes the connection gets a reset instead of the answer: its
outbox then knows only "no network", not the reason or when to come back. So the rest of
the body, up to a bound, is read and dropped first."""

from flask import request
from werkzeug.exceptions import HTTPException

DRAIN_LIMIT = 256 * 1024 * 1024
CHUNK = 1024 * 1024


def drain_body(limit: int = DRAIN_LIMIT) -> None:
    """Read and drop what is left of the request body, at most `limit` bytes."""
    try:
        stream = request.stream  # what form parsing left unread, bounded by Content-Length
        read = stream.read
        read(0)
    except HTTPException:  # over MAX_CONTENT_LENGTH: werkzeug read none of it
        raw = request.environ.get("wsgi.input")
        remaining = min(request.content_length or 0, limit)
        while raw is not None and remaining > 0:
            chunk = raw.read(min(remaining, CHUNK))
            if not chunk:
                break
            remaining -= len(chunk)
        return
    remaining = limit
    try:
        while remaining > 0:
            chunk = read(min(remaining, CHUNK))
            if not chunk:
                break
            remaining -= len(chunk)
    except (OSError, ValueError, HTTPException):  # the phone gave up: nothing to answer
        return
