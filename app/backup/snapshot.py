"""Taking a snapshot while the application runs: the database first, then the photo files its
rows name (a photo's file is written before the row naming it commits, so every row in the
copy has its file), then the manifest, then one rename that makes the snapshot complete."""

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.backup.databases import (
    FILES,
    BackupError,
    dump_postgres,
    dump_sqlite,
    kind_of,
)
from app.backup.manifest import PHOTOS, SNAPSHOTS, Manifest, file_sha256
from app.backup.retention import Pruned, prune
from app.common.time import local_today
from app.extensions import db
from app.photos.store import PhotoStore, StoreBase, StoreUnavailable, photo_store

PARTIAL = ".partial-"


@dataclass
class Taken:
    folder: Path
    manifest: Manifest
    copied: int  # photo files new to the backup folder
    pruned: Pruned


def take_snapshot(backup: Path, *, keep: int, now: datetime) -> Taken:
    """Write a new snapshot of the running instance into the backup folder `backup` (`now`:
    naive UTC, names it), then apply retention (`keep` days)."""
    # Only the application's user may read a new backup folder: it holds every record.
    backup.mkdir(mode=0o700, parents=True, exist_ok=True)
    snapshots = backup / SNAPSHOTS
    snapshots.mkdir(exist_ok=True)
    with _locked(backup):
        for leftover in snapshots.glob(f"{PARTIAL}*"):  # a run that crashed
            shutil.rmtree(leftover, ignore_errors=True)
        name = now.strftime("%Y%m%dT%H%M%SZ")
        final = snapshots / name
        if final.exists():
            raise BackupError(f"{final} exists already; try again in a second.")
        # Written beside its final name and renamed into place: a crash never leaves a folder
        # that looks like a complete snapshot.
        partial = snapshots / f"{PARTIAL}{name}"
        partial.mkdir()
        try:
            manifest, copied = _write_snapshot(partial, backup / PHOTOS, name, now)
            os.rename(partial, final)
            _sync_directory(snapshots)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return Taken(final, manifest, copied, prune(backup, keep, just_taken=name))


def _write_snapshot(folder: Path, photos: Path, name: str, now: datetime
                    ) -> tuple[Manifest, int]:
    url = db.engine.url.render_as_string(hide_password=False)
    kind = kind_of(url)
    database = folder / FILES[kind]
    if kind == "sqlite":
        facts = dump_sqlite(url, database)
    else:
        facts = dump_postgres(db.engine, url, database)
    _sync_file(database)
    copied, missing = copy_photos(sorted(facts.photo_keys), photo_store(), PhotoStore(photos))
    manifest = Manifest(
        name=name, taken_at=now.isoformat(timespec="seconds") + "Z",
        day=local_today(now).isoformat(), database_kind=kind, database_file=database.name,
        database_sha256=file_sha256(database), revision=facts.revision,
        counts=facts.counts, photo_files=sorted(facts.photo_keys - set(missing)),
        missing_photo_files=missing,
    )
    manifest.write(folder)
    _sync_directory(folder)
    return manifest, copied


def copy_photos(keys: list[str], source: StoreBase, target: StoreBase
                ) -> tuple[int, list[str]]:
    """Copy into `target` each file it lacks, streamed; returns how many were copied and the
    keys whose file `source` lacks or holds damaged (its bytes no longer hash to its name). A
    store that does not answer (StoreUnavailable) stops the copy."""
    copied, missing = 0, []
    for key in keys:
        if target.exists(key):  # content-addressed: same name, same bytes
            continue
        try:
            file = source.open(key)
            if file is None:
                raise FileNotFoundError(key)
            with file:
                target.save_file(file, key)  # refuses bytes that do not hash to `key`
        except StoreUnavailable:
            raise
        except (OSError, ValueError):
            missing.append(key)
            continue
        copied += 1
    return copied, missing


@contextlib.contextmanager
def _locked(backup: Path) -> Iterator[None]:
    """One backup at a time into a folder: two would prune each other's photo files."""
    with open(backup / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"Another backup into {backup} is running.") from None
        yield


def _sync_file(path: Path) -> None:
    with open(path, "rb") as file:
        os.fsync(file.fileno())


def _sync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

