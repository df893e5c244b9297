"""Honest answers when the database or the photo disk fails: waits on the database are bounded,
then the request is answered 503 (507 for a full photo disk) with Retry-After, never a 500; and
the photo files a failed request wrote are removed again.

Outside app.common because it answers for the API (app.api) and cleans the photo store."""

import contextlib
from dataclasses import dataclass

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.api.errors import is_api_request
from app.api.problems import PROBLEMS
from app.common.bodies import drain_body
from app.common.logs import request_id
from app.extensions import db, login_manager
from app.photos.services import discard_unnamed
from app.photos.store import StorageError, written_in_this_request


@dataclass(frozen=True)
class Fault:
    """A failure of the server's own means, not of the request: what the API and pages say."""

    code: str  # the API's, in app/api/problems.py (it gives the status)
    retry_after: int  # seconds
    title: LazyString
    cause: LazyString
    retry: LazyString
    advice: LazyString | None = None


DATABASE_BUSY = Fault("server.busy", 10, _l("Server busy"),
                      _l("The database did not answer in time."), _l("Try again in a minute."))
STORAGE_FULL = Fault("storage.full", 60, _l("Photo storage full"),
                     _l("The server's photo storage is full."), _l("Try again later."),
                     _l("Tell the safety office."))
STORAGE_UNAVAILABLE = Fault("storage.unavailable", 30, _l("Photos cannot be stored"),
                            _l("The server cannot write photos just now."),
                            _l("Try again in a few minutes."),
                            _l("Tell the safety office if this lasts."))
NOTHING_SAVED = _l("Nothing was saved.")
# The checklist page keeps a refused or unsent form: on the phone's outbox, or in the browser.
FORM_KEPT = _l("Your answers are still in the form on this phone: go back and send it again "
               "shortly.")
KEEPS_THE_FORM = frozenset({"inspections.checklist"})

# A database that is locked, stopped, unreachable or out of pooled connections: SQLAlchemy's
# wrappers of the driver's errors (a dropped connection is one of the first two).
DATABASE_FAULTS = (OperationalError, InterfaceError, PoolTimeoutError)


def init_faults(app: Flask) -> None:
    """Bound the database's waits (before the engine is made) and answer faults."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    for error in (*DATABASE_FAULTS, StorageError):
        app.register_error_handler(error, lambda e: answer(fault_of(e), e))
    app.after_request(discard_photos_of_failed_request)


def fault_of(error: BaseException | None) -> Fault | None:
    """The fault an exception is, if it is one of the server's own means failing."""
    if isinstance(error, DATABASE_FAULTS):
        return DATABASE_BUSY
    if isinstance(error, StorageError):
        return STORAGE_FULL if error.is_full else STORAGE_UNAVAILABLE
    return None


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with every wait bounded: for a pooled connection, for a
    PostgreSQL connection, a lock and a statement. (SQLite's busy timeout is set on each new
    connection, in app/__init__.py.) Options given in the settings are kept."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.database not in (None, "", ":memory:"):  # an in-memory SQLite has no queue to wait on
        options.setdefault("pool_timeout", config["DB_POOL_TIMEOUT"])
        options.setdefault("pool_size", config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])
    if url.get_backend_name() == "postgresql":
        connect = dict(options.get("connect_args") or {})
        connect.setdefault("connect_timeout", config["DB_CONNECT_TIMEOUT"])
        given = connect.get("options") or url.query.get("options") or ""
        connect["options"] = " ".join(filter(None, [
            given, f"-c lock_timeout={config['DB_BUSY_TIMEOUT_MS']}",
            f"-c statement_timeout={config['DB_STATEMENT_TIMEOUT_MS']}"]))
        options["connect_args"] = connect
    return options


def answer(fault: Fault, error: Exception):
    """503 or 507 with Retry-After: the API's problem, or the error page saying what failed and
    that nothing was saved."""
    with contextlib.suppress(SQLAlchemyError):
        get_locale()  # chosen now, from the user as loaded: kept for the rest of the request
    _roll_back()
    # The answer is given as to nobody: the user's row would be read again after the
    # rollback, from the database that just failed (their language was chosen above).
    g._login_user = login_manager.anonymous_user()
    drain_body()  # the phone reads this answer, not a reset in the middle of its upload
    current_app.logger.warning("%s: %s", fault.code, _first_line(error))
    status = PROBLEMS[fault.code].status
    if is_api_request():
        response = jsonify({"code": fault.code, "status": status,
                            "message": PROBLEMS[fault.code].text(), "request_id": request_id()})
        response.status_code = status
    else:
        sentences = [fault.cause, NOTHING_SAVED,
                     FORM_KEPT if _sent_a_form() else fault.retry,
                     fault.advice]
        message = " ".join(str(s) for s in sentences if s)
        response = current_app.make_response((render_template(
            "errors/error.html", code=status, heading=fault.title, message=message), status))
    response.headers["Retry-After"] = str(fault.retry_after)
    return response


def _sent_a_form() -> bool:
    """The request sent a form the phone still holds (opening the page sent none)."""
    return request.method == "POST" and request.endpoint in KEEPS_THE_FORM


def discard_photos_of_failed_request(response):
    """After a fault (5xx), remove the photo files this request wrote that no committed row
    names. A refusal (4xx) keeps them: a page shows the refused form again with its photos."""
    if response.status_code < 500:
        return response
    written = written_in_this_request()
    if written:
        _roll_back()
        try:
            discard_unnamed(written)
        except (SQLAlchemyError, OSError) as e:  # `flask photos gc` finds them later
            _roll_back()
            current_app.logger.warning("kept %d photo files of a failed request: %s",
                                       len(written), _first_line(e))
    return response


def _roll_back() -> None:
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()


def _first_line(error: Exception) -> str:
    return (str(getattr(error, "orig", None) or error).splitlines() or [""])[0]
