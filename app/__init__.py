"""SafeRound: hospital safety inspections and hazard rectification."""

import os
from pathlib import Path

from flask import Flask, render_template
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from app.api import init_api
from app.api.errors import error_response, is_api_request
from app.auth.sessions import init_app as init_logins
from app.common.bodies import drain_body
from app.common.converters import IdConverter
from app.common.headers import init_headers
from app.common.json_limits import check_json_body
from app.common.logs import init_logs
from app.common.nul import refuse_nul
from app.common.shared import init_app as init_shared_cache
from app.extensions import babel, compress, csrf, db, login_manager, migrate
from app.faults import answer, fault_of, init_faults
from app.photos.store import init_photo_store
from config import DEMO_SECRET_KEY, config_from_env


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application; `overrides` replaces settings (tests use it)."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("SAFEROUND_INSTANCE") or None,
        template_folder="../templates",
        static_folder="../static",
    )
    config = config_from_env()
    app.config.from_object(config)
    app.config.update(overrides or {})
    _check_secrets(app)
    init_logs(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_path = Path(app.instance_path) / "saferound.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    init_photo_store(app)
    init_shared_cache(app)
    init_faults(app)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["HOSPITAL_TIMEZONE"]
    # Before any route is added: every `<int:…>` in a path is bounded to an id column's range.
    app.url_map.converters["int"] = IdConverter

    init_headers(app)
    _init_extensions(app)
    _register_blueprints(app)
    init_api(app)
    init_logins(app)
    _register_templates(app)
    _register_errors(app)
    _register_commands(app)
    return app


def _check_secrets(app: Flask) -> None:
    if app.config["SECRET_KEY"] == DEMO_SECRET_KEY and not app.config["ALLOWS_DEMO_SECRET"]:
        raise RuntimeError(
            "Set SECRET_KEY in the environment: the demo key is only for SAFEROUND_ENV=development."
        )


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table registered before migrations look)
    from app.common.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"

    busy_ms = int(app.config["DB_BUSY_TIMEOUT_MS"])
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect",
                         lambda connection, _record: _sqlite_pragmas(connection, busy_ms))
            event.listen(db.engine, "savepoint", _sqlite_begin_before_savepoint)


def _sqlite_pragmas(dbapi_connection, busy_ms: int) -> None:
    # WAL lets the wall screen read while an inspection is written; the busy timeout makes a
    # second writer wait for a while (then 503, app/faults.py) instead of failing at once;
    # SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={busy_ms:d}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_before_savepoint(connection, _name) -> None:
    # Python's sqlite3 begins a transaction only before a write, so a SAVEPOINT after reads
    # alone began one of its own, and its RELEASE committed: an inspection was then saved
    # without the hazard cards a fault kept from being written. BEGIN first makes the
    # savepoint part of the request's transaction, committed or rolled back whole.
    dbapi_connection = connection.connection.driver_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def _register_blueprints(app: Flask) -> None:
    from app.assessment.views import bp as assessment_bp
    from app.auth.views import bp as auth_bp
    from app.checklists.views import bp as checklists_bp
    from app.dashboard.views import bp as dashboard_bp
    from app.hazards.views import bp as hazards_bp
    from app.health.views import bp as health_bp
    from app.inspections.views import bp as inspections_bp
    from app.ledger.views import bp as ledger_bp
    from app.locations.views import bp as locations_bp
    from app.main.views import bp as main_bp
    from app.notices.views import bp as notices_bp
    from app.photos.views import bp as photos_bp
    from app.pwa.views import bp as pwa_bp
    from app.recurrence.views import bp as recurrence_bp
    from app.scanner.views import bp as scanner_bp
    from app.schedules.views import bp as schedules_bp
    from app.wall.views import bp as wall_bp

    blueprints = (main_bp, auth_bp, locations_bp, checklists_bp, inspections_bp, hazards_bp,
                  photos_bp, ledger_bp, schedules_bp, dashboard_bp, wall_bp, scanner_bp, pwa_bp,
                  health_bp, recurrence_bp, notices_bp, assessment_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_templates(app: Flask) -> None:
    from app.common import vocab
    from app.common.i18n import LANGUAGE_NAMES, is_english, localized
    from app.common.permissions import can

    app.jinja_env.globals.update(
        can=can, localized=localized, is_english=is_english, vocab=vocab,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )
    # Dates as a Chinese office writes them, in the hospital's time zone.
    app.jinja_env.filters["datetime"] = (
        lambda v: format_datetime(v, "yyyy-MM-dd HH:mm") if v else ""
    )
    app.jinja_env.filters["date"] = lambda v: format_date(v, "yyyy-MM-dd") if v else ""


def _register_errors(app: Flask) -> None:
    for code in (400, 403, 404, 500):
        app.register_error_handler(code, lambda e, code=code: _error_page(e, code))
    app.register_error_handler(413, _too_large)
    app.before_request(check_json_body)
    app.before_request(refuse_nul)


def _error_page(error, code: int):
    """The pages' error page; the API's errors are JSON (app/api/errors.py). A fault of the
    database or the photo disk met outside a view (an after-request step) reaches Flask as a
    500: it gets its own 503/507 answer all the same."""
    original = getattr(error, "original_exception", None)
    if code == 500 and fault_of(original):
        return answer(fault_of(original), original)
    if is_api_request():
        return error_response(error)
    return render_template("errors/error.html", code=code), code


def _too_large(error):
    drain_body()
    return _error_page(error, 413)


def _register_commands(app: Flask) -> None:
    from app.audit.cli import audit_cli
    from app.auth.cli import users_cli
    from app.backup.cli import backup_cli, database_cli, restore_command
    from app.demo.cli import demo_cli
    from app.notices.cli import notify_command
    from app.photos.cli import photos_cli

    for group in (users_cli, demo_cli, audit_cli, notify_command, backup_cli, restore_command,
                  database_cli, photos_cli):
        app.cli.add_command(group)
