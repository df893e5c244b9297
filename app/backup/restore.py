"""Restoring a snapshot into an empty instance, then proving it whole: the manifest's counts,
every photo file a row names, and the hazard ledger's hash chain (as `flask audit verify`)."""

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from app.backup.databases import (
    BackupError,
    facts_of,
    kind_of,
    restore_postgres,
    restore_sqlite,
)
from app.backup.manifest import Manifest, photo_folder, problems
from app.backup.snapshot import copy_photos
from app.dashboard.models import bump_all
from app.extensions import db
from app.hazards.chain import first_broken_link
from app.photos.store import photo_store


@dataclass
class Restored:
    manifest: Manifest
    counts: dict[str, int]
    events_verified: int
    photo_files_copied: int
    # Each a sentence; any means the restored instance is not what the snapshot held.
    faults: list[str] = field(default_factory=list)


def instance_contents() -> tuple[int, bool]:
    """Rows in the configured database's tables (those that exist), and whether the photo
    store holds any file: an instance with neither is empty."""
    rows = 0
    with db.engine.connect() as conn:
        existing = set(sa.inspect(conn).get_table_names())
        for table in db.metadata.sorted_tables:
            # The figures' change counter has its row from the moment the schema is made.
            if table.name in existing and table.name != "change_counters":
                rows += conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    return rows, next(iter(photo_store().keys()), None) is not None


def check_restorable(snapshot: Path, *, force: bool) -> Manifest:
    """Everything checked before anything is changed: the snapshot against its manifest, the
    database kind, and (unless `force`) that this instance is empty."""
    manifest, found = problems(snapshot)
    if found:
        raise BackupError(f"The snapshot {snapshot} is damaged; nothing was restored:\n"
                          + "\n".join(found))
    kind = kind_of(db.engine.url.render_as_string(hide_password=False))
    if kind != manifest.database_kind:
        raise BackupError(f"The snapshot holds a {manifest.database_kind} database; this "
                          f"instance is configured for {kind}. Nothing was restored.")
    if not force:
        rows, has_photos = instance_contents()
        if rows or has_photos:
            raise BackupError(
                f"This instance is not empty ({rows} rows in the database"
                f"{', photo files in the photo store' if has_photos else ''}); nothing was "
                "restored. Restore into an empty instance, or add --force to replace it.")
    return manifest


def restore_snapshot(snapshot: Path, *, force: bool = False) -> Restored:
    """Put a snapshot's database and photos into this instance and check the result."""
    manifest = check_restorable(snapshot, force=force)
    url = db.engine.url.render_as_string(hide_password=False)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old tables
    database = snapshot / manifest.database_file
    if manifest.database_kind == "sqlite":
        restore_sqlite(database, url)
    else:
        restore_postgres(database, url)
    copied, missing = copy_photos(manifest.photo_files, photo_folder(snapshot), photo_store())
    db.engine.dispose()
    with db.engine.begin() as conn:
        bump_all(conn)
    with db.engine.connect() as conn:
        facts = facts_of(conn)
    restored = Restored(manifest, facts.counts, 0, copied)
    restored.faults += [f"{table}: {facts.counts[table]} rows restored, the manifest says {n}"
                        for table, n in manifest.counts.items() if facts.counts.get(table) != n]
    restored.faults += [f"photo file {key} could not be restored" for key in missing]
    absent = sorted(key for key in facts.photo_keys if not photo_store().exists(key))
    known = set(manifest.missing_photo_files)
    restored.faults += [f"photo file {key} is named by a row but absent"
                        + (" (already missing when the snapshot was taken)" if key in known
                           else "") for key in absent]
    broken, restored.events_verified = first_broken_link()
    db.session.remove()
    if broken is not None:
        restored.faults.append(f"audit verification: broken link after "
                               f"{restored.events_verified} events: {broken}")
    return restored
