"""Logs: one line per request with its request id, and the id on every answer.

Everything the app logs goes to stderr (gunicorn collects it) as one JSON object a line, or as
plain text for a person at a terminal (LOG_FORMAT). Each request gets a short id, sent back in
the `X-Request-ID` header and shown on error pages and in API error bodies, so that a guard can
read it out and an administrator can find the request's line (and its traceback) in the log.
"""

import base64
import logging
import re
import secrets
import sys
import time

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import inspect as sa_inspect

# Every module logs under "app" (Flask's app.logger; `logging.getLogger(__name__)` below it).
APP_LOGGER = "app"
access_log = logging.getLogger("app.access")

ENVIRON_ID = "saferound.request_id"
ENVIRON_ROUTE = "saferound.route"
ENVIRON_USER = "saferound.user_id"

# Eight symbols of Crockford's base32 (no I, L, O or U to mishear), read out as two groups:
# 40 random bits, enough to tell a day's requests apart.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# An id a proxy sent (nginx's $request_id is 32 hex digits) is kept when it is a short plain
# token; anything else (too long, spaces, quotes, markup) is replaced by our own.
ACCEPTED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


# Five random bytes in base32 are eight symbols; spelled in the alphabet above.
_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())


def new_request_id() -> str:
    symbols = base64.b32encode(secrets.token_bytes(5)).translate(_CROCKFORD).decode()
    return f"{symbols[:4]}-{symbols[4:]}"


def request_id() -> str | None:
    """The current request's id; None outside a request."""
    if not has_request_context():
        return None
    return request.environ.setdefault(ENVIRON_ID, new_request_id())


class RequestIdFilter(logging.Filter):
    """Stamps each record logged during a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when the line is written (gunicorn and pytest swap it)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def log_handler(log_format: str) -> logging.Handler:
    """The handler every app log line goes through: JSON or text, with the request id."""
    handler = StderrHandler()
    if log_format == "json":
        formatter = JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp="time",
                                  rename_fields={"levelname": "level", "name": "logger"})
    elif log_format == "text":
        formatter = logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"})
    else:
        raise RuntimeError(f"LOG_FORMAT must be json or text, not {log_format!r}.")
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(app: Flask) -> None:
    """Our handler on the "app" logger, alone: Flask's default handler is left off and nothing
    propagates to the root logger (which a migration run configures), so each line is written
    once. Safe to call again: a new app replaces the handler."""
    logger = logging.getLogger(APP_LOGGER)
    for handler in list(logger.handlers):
        if handler is default_handler or isinstance(handler, StderrHandler):
            logger.removeHandler(handler)
    logger.addHandler(log_handler(app.config["LOG_FORMAT"]))
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.propagate = False


def init_logs(app: Flask) -> None:
    configure_logging(app)
    app.wsgi_app = RequestLog(app.wsgi_app)
    app.teardown_request(_note_route_and_user)
    # Flask's own logs the raw path, which can hold a QR label's or a wall screen's token.
    app.log_exception = log_exception
    app.jinja_env.globals["request_id"] = request_id


def log_exception(exc_info) -> None:
    """An unexpected exception, once, with its traceback (and, by the filter, the request id)."""
    rule = request.url_rule.rule if request.url_rule else None
    logging.getLogger(APP_LOGGER).error("Unhandled exception in %s %s", request.method, rule,
                                        exc_info=exc_info)


def _note_route_and_user(_error=None) -> None:
    """For the access line, written after Flask has finished: the URL rule (not the path with
    its ids and tokens) and the user, if one was loaded."""
    request.environ[ENVIRON_ROUTE] = request.url_rule.rule if request.url_rule else None
    request.environ[ENVIRON_USER] = _user_id(g.get("_login_user"))


def _user_id(user) -> int | None:
    # The id from the identity map: reading `user.id` could reload an expired row.
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


class RequestLog:
    """WSGI middleware around the whole app: gives each request its id (a proxy's, if usable),
    adds `X-Request-ID` to the answer and logs the access line once the body has been sent (or
    the request failed outright)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if ACCEPTED_ID.fullmatch(incoming) else new_request_id()
        environ[ENVIRON_ID] = rid
        line = _AccessLine(environ)

        def start(status, headers, exc_info=None):
            line.status = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append(("X-Request-ID", rid))
            line.length = next((int(v) for k, v in headers
                                if k.lower() == "content-length" and v.isdigit()), None)
            return start_response(status, headers, exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            line.status = 500
            line.write()
            raise
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(wrapper, type) and isinstance(body, wrapper):
            # A file the server sends itself (sendfile): left alone, logged with its length.
            line.sent = line.length or 0
            line.write()
            return body
        return _CountedBody(body, line)


class _AccessLine:
    def __init__(self, environ):
        self.environ = environ
        self.started = time.perf_counter()
        self.status = None
        self.length = None
        self.sent = 0
        self.written = False

    def write(self) -> None:
        if self.written:
            return
        self.written = True
        env = self.environ
        duration_ms = round((time.perf_counter() - self.started) * 1000, 1)
        route = env.get(ENVIRON_ROUTE)
        access_log.info(
            "%s %s %s %s ms %s B", env["REQUEST_METHOD"], route or "-", self.status, duration_ms,
            self.sent,
            extra={"request_id": env[ENVIRON_ID], "user_id": env.get(ENVIRON_USER),
                   "method": env["REQUEST_METHOD"], "route": route, "status": self.status,
                   "duration_ms": duration_ms, "bytes": self.sent})


class _CountedBody:
    """The response body, counted as the server sends it; the line is written at its end or
    when the server closes it early (the client went away)."""

    def __init__(self, body, line: _AccessLine):
        self.body = body
        self.line = line

    def __iter__(self):
        for chunk in self.body:
            self.line.sent += len(chunk)
            yield chunk
        self.line.write()

    def close(self):
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.line.write()
