"""The database half of a snapshot: SQLite through its online backup API, PostgreSQL through
pg_dump (custom format) in the same exported snapshot the manifest's facts are read in; reading
a snapshot's rows back without restoring it; and putting a snapshot into a database."""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url

FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# What the manifest counts, so that a restore can be checked row by row against it.
COUNTED = ("inspections", "hazards", "hazard_events", "photos")


class BackupError(Exception):
    """A backup, check or restore that cannot go on; the message says what to do."""


@dataclass(frozen=True)
class Facts:
    """What a database holds, as far as a manifest records it."""

    counts: dict[str, int]
    photo_keys: frozenset[str]  # the SHA-256 of every photo and thumbnail a row names
    revision: str | None  # the migration the schema is at (None: made without migrations)


def kind_of(url: str) -> str:
    """'sqlite' or 'postgresql', from a SQLAlchemy URL; other databases are refused."""
    kind = make_url(url).get_backend_name()
    if kind not in FILES:
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {kind}.")
    return kind


def facts_of(conn: Connection) -> Facts:
    """Counts, photo files and migration revision, read through one connection (and so, in a
    transaction, from one consistent state)."""
    counts = {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
              for table in COUNTED}
    keys = set()
    # A marked photo's original is a file of its own (a database before migration 0010 has none).
    names = {c["name"] for c in sa.inspect(conn).get_columns("photos")}
    original = ", original_sha256" if "original_sha256" in names else ""
    for row in conn.execute(sa.text(f"SELECT sha256, thumb_sha256{original} FROM photos")):
        keys.update(key for key in row if key)
    revision = None
    if sa.inspect(conn).has_table("alembic_version"):
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return Facts(counts, frozenset(keys), revision)


# SQLite


def sqlite_path(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(path)


def dump_sqlite(url: str, target: Path) -> Facts:
    """Copy the live database into `target` with SQLite's online backup API (one step, so one
    consistent state while writers go on in WAL mode); the copy leaves WAL mode so that it is
    one self-contained file."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"The database file {source_path} does not exist.")
    source = sqlite3.connect(source_path, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    return sqlite_facts(target)


@contextlib.contextmanager
def _read_only_sqlite(path: Path) -> Iterator[Connection]:
    # immutable: nothing is written beside a snapshot, not even a lock or journal file.
    engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(
        f"file:{path}?mode=ro&immutable=1", uri=True))
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def sqlite_facts(path: Path) -> Facts:
    with _read_only_sqlite(path) as conn:
        return facts_of(conn)


def restore_sqlite(snapshot: Path, url: str) -> None:
    """Write the snapshot into the configured database file through the backup API, which
    replaces every page in one transaction (and so also suits a file left in WAL mode)."""
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{snapshot}?mode=ro&immutable=1", uri=True)
    try:
        destination = sqlite3.connect(target, timeout=30)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


# PostgreSQL


def pg_tool(name: str) -> str:
    """A PostgreSQL client program: on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    if versions:
        return str(versions[-1])
    raise BackupError(f"{name} is missing: install PostgreSQL's client programs "
                      "(apt-get install postgresql-client).")


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for `url` without its password, and an environment carrying
    the password (PGPASSWORD), so that it never shows in a process list."""
    url = make_url(url)
    parts = {"dbname": url.database, "host": url.host, "port": url.port, "user": url.username}
    parts.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    conninfo = " ".join(f"{key}='{_quoted(value)}'" for key, value in parts.items()
                        if value not in (None, ""))
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _quoted(value) -> str:
    return str(value).replace("\\", "\\\\").replace("'", "\\'")


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")
    return result.stdout


def dump_postgres(engine: sa.Engine, url: str, target: Path) -> Facts:
    """pg_dump in custom format, reading the very snapshot (pg_export_snapshot) that the
    manifest's counts and photo list are read in, so that they describe the same state."""
    conninfo, env = libpq_target(url)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, \
            conn.begin():
        snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        facts = facts_of(conn)
        _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
              f"--file={target}", f"--dbname={conninfo}"], env)
    return facts


def postgres_facts(dump: Path) -> Facts:
    """Counts and photo files read from a custom-format dump, without a server: pg_restore
    prints each table's rows as COPY text, one line a row."""
    counts = {table: len(_dump_rows(dump, table)[1]) for table in COUNTED}
    columns, rows = _dump_rows(dump, "photos")
    keys = frozenset()
    if rows:
        named = [columns.index(c) for c in ("sha256", "thumb_sha256", "original_sha256")
                 if c in columns]
        # COPY text writes a NULL (a photo not marked has no original) as \N.
        keys = frozenset(row[i] for row in rows for i in named if row[i] != "\\N")
    _columns, versions = _dump_rows(dump, "alembic_version")
    return Facts(counts, keys, versions[0][0] if versions else None)


def _dump_rows(dump: Path, table: str) -> tuple[list[str], list[list[str]]]:
    text = _run([pg_tool("pg_restore"), "--data-only", f"--table={table}", "--file=-",
                 str(dump)])
    columns, rows, inside = [], [], False
    for line in text.splitlines():
        if inside:
            if line == "\\.":
                inside = False
            else:
                rows.append(line.split("\t"))
        elif line.startswith("COPY ") and line.endswith(" FROM stdin;"):
            inside = True
            columns = [c.strip().strip('"') for c in
                       line[line.index("(") + 1:line.rindex(")")].split(",")]
    return columns, rows


def restore_postgres(dump: Path, url: str) -> None:
    """pg_restore into the configured database in one transaction (all or nothing), replacing
    any tables of the same names (an empty schema from `flask db upgrade`, or with --force)."""
    conninfo, env = libpq_target(url)
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(dump)], env)
