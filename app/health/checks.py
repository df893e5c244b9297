"""What /readyz checks: the database answers, the schema is at the newest migration, the photo
store takes a file and has room. Each check says ok or not with a short reason that names no
path, no user and no software version (the answer is public)."""

import errno
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import lru_cache

from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from app.extensions import db
from app.photos.store import StoreBase, photo_store

MB = 1024 * 1024
# The waits run here, so that a database or photo disk that hangs keeps at most these threads
# busy while each readiness request still answers within READY_TIMEOUT_SECONDS.
_waits = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    reason: str


def readiness() -> list[Check]:
    """Every check, each bounded by READY_TIMEOUT_SECONDS from now."""
    config = current_app.config
    deadline = time.monotonic() + config["READY_TIMEOUT_SECONDS"]
    database = _waits.submit(_ask_database, db.engine)
    storage = _waits.submit(_try_storage, photo_store(), config["PHOTO_MIN_FREE_MB"] * MB)
    heads = migration_heads(current_app.extensions["migrate"].directory)

    revisions = _answer(database, deadline, "database")
    if isinstance(revisions, Check):
        checks = [revisions, Check("migrations", False, "not checked: no database")]
    else:
        checks = [Check("database", True, "answered"), _compare(revisions, heads)]
    stored = _answer(storage, deadline, "photo_store")
    if isinstance(stored, Check):
        checks += [stored, Check("photo_space", False, "not checked: no photo store")]
    else:
        checks += stored
    return checks


def _answer(future, deadline: float, name: str):
    """The task's result, or a failed Check when it raised or ran past the deadline."""
    try:
        return future.result(timeout=max(deadline - time.monotonic(), 0))
    except FutureTimeout:
        future.cancel()  # still queued behind hung ones: never started
        return Check(name, False, "no answer in time")
    except Exception as error:  # noqa: BLE001 - any failure is "not ready", named by its kind
        return Check(name, False, f"error {type(error).__name__}")


def _ask_database(engine) -> set[str]:
    """A query answered; the revisions the database is stamped with."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        return set(MigrationContext.configure(conn).get_current_heads())


@lru_cache
def migration_heads(directory: str) -> frozenset[str]:
    """The newest revisions in the migrations folder (read once: it changes with a deploy)."""
    config = AlembicConfig()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _compare(revisions: set[str], heads: frozenset[str]) -> Check:
    if revisions == heads:
        return Check("migrations", True, "at head")
    if not revisions:
        return Check("migrations", False, "not migrated: run flask db upgrade")
    return Check("migrations", False, "not at head: run flask db upgrade")


def _try_storage(store: StoreBase, min_free: int) -> list[Check]:
    try:
        store.check_writable()
        writable = Check("photo_store", True, "writable")
    except OSError as error:
        writable = Check("photo_store", False, f"not writable ({_errno_name(error)})")
    if not store.measures_free_space:  # a bucket: taking the file above is the whole check
        return [writable, Check("photo_space", True, "object storage: no free space to watch")]
    try:
        room = store.free_bytes() >= min_free
    except OSError as error:
        return [writable, Check("photo_space", False, f"not measured ({_errno_name(error)})")]
    if not room:
        return [writable, Check("photo_space", False, "free space below PHOTO_MIN_FREE_MB")]
    return [writable, Check("photo_space", True, "enough free space")]


def _errno_name(error: OSError) -> str:
    """ENOSPC, EACCES, ...: the kind of failure without the message, which names the path."""
    return errno.errorcode.get(error.errno, "OSError")
