"""Moving a hospital's records from one database to another — from the one box's SQLite to the
PostgreSQL that several hosts share (`flask database copy TARGET`).

Every row of every table is copied, in an order that satisfies the foreign keys, into a target
that `flask db upgrade` brought to the same migration and that holds no rows; all of it in one
transaction on the target, so a failure leaves it empty. PostgreSQL's id sequences are then
moved past the copied ids, and the counts of every table compared."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from app.backup.databases import BackupError, kind_of
from app.extensions import db

# Rows read and written at a time: a few MB of memory whatever the database's size.
CHUNK = 2000
# Tables whose rows the schema itself makes (the figures' change counter, migration 0016): the
# target's are replaced by the source's.
SEEDED = frozenset({"change_counters"})


@dataclass
class Copied:
    """Rows per table, in the order they were copied."""

    counts: dict[str, int]


def _revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def check_target(source: Connection, target: Connection) -> None:
    """The target is at the source's migration and empty; else a BackupError says what to do."""
    have, want = _revision(target), _revision(source)
    if have != want:
        raise BackupError(
            f"The target database is at migration {have or 'none'}, this one at "
            f"{want or 'none'}: run `DATABASE_URL=<target> flask db upgrade` first, with the "
            "same SafeRound version. Nothing was copied.")
    missing = [t.name for t in db.metadata.sorted_tables
               if not sa.inspect(target).has_table(t.name)]
    if missing:
        raise BackupError(f"The target database has no table {', '.join(missing)}: run "
                          "`DATABASE_URL=<target> flask db upgrade` first. Nothing was copied.")
    full = [t.name for t in db.metadata.sorted_tables if t.name not in SEEDED
            and target.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()]
    if full:
        raise BackupError(f"The target database already holds rows ({', '.join(full)}): copy "
                          "into a new, empty database. Nothing was copied.")


def copy_database(source_engine: Engine, target_url: str) -> Copied:
    """Copy every row from `source_engine` into the database at `target_url` (see the module's
    docstring); raises BackupError when the target is not ready, the counts differ, or the
    copy fails (the target is then left as it was)."""
    kind_of(target_url)
    target_engine = sa.create_engine(target_url)
    counts: dict[str, int] = {}
    try:
        with source_engine.connect() as source, target_engine.begin() as target:
            # one consistent state of the source, however long the copy takes
            if source.dialect.name == "postgresql":
                source.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            else:
                source.exec_driver_sql("BEGIN")
            check_target(source, target)
            for table in db.metadata.sorted_tables:
                if table.name in SEEDED:
                    target.execute(table.delete())
                counts[table.name] = _copy_table(table, source, target)
            if target.dialect.name == "postgresql":
                _move_sequences(target)
            differ = {name: (n, target.execute(sa.select(sa.func.count()).select_from(
                db.metadata.tables[name])).scalar_one()) for name, n in counts.items()}
            differ = {name: pair for name, pair in differ.items() if pair[0] != pair[1]}
            if differ:
                raise BackupError("Counts differ after the copy (source, target): "
                                  f"{differ}. The target was left empty.")
    except sa.exc.SQLAlchemyError as e:
        raise BackupError(f"The copy failed and the target was left as it was: {e}") from e
    finally:
        target_engine.dispose()
    return Copied(counts)


def _copy_table(table: sa.Table, source: Connection, target: Connection) -> int:
    key = [c for c in table.primary_key.columns] or list(table.columns)
    rows = source.execute(sa.select(table).order_by(*key)).mappings()
    copied = 0
    while chunk := rows.fetchmany(CHUNK):
        target.execute(table.insert(), [dict(row) for row in chunk])
        copied += len(chunk)
    return copied


def _move_sequences(target: Connection) -> None:
    """Each serial id's sequence past the highest copied id, so that new rows get new ids."""
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = target.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                      {"t": table.name, "c": column.name}).scalar()
            if sequence:
                target.execute(sa.text(
                    f"SELECT setval(:s, coalesce((SELECT max({column.name}) FROM "
                    f"{table.name}), 0) + 1, false)"), {"s": sequence})
