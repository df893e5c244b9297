"""Which snapshots a backup folder keeps: the newest of each of the last N days that have one;
photo files no kept snapshot names are removed."""

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from app.backup.databases import BackupError
from app.backup.manifest import PHOTOS, SNAPSHOTS, Manifest, snapshot_folders
from app.photos.store import PhotoStore


@dataclass
class Pruned:
    snapshots: list[str] = field(default_factory=list)
    photo_files: int = 0
    warnings: list[str] = field(default_factory=list)


def kept_names(days: dict[str, str], keep: int, incomplete: frozenset[str] = frozenset()
               ) -> set[str]:
    """From {snapshot name: day}, the names kept: the newest (latest name) of each day, for the
    `keep` latest days, a complete one before any newer `incomplete` one of the same day. Days
    without a snapshot (the server was off) do not count."""
    best = {}
    for name in sorted(days, key=lambda n: (n not in incomplete, n)):
        best[days[name]] = name
    return {best[day] for day in sorted(best)[-keep:]} if keep > 0 else set()


def prune(backup: Path, keep: int, just_taken: str | None = None) -> Pruned:
    """Remove the snapshots retention drops, then photo files no kept manifest names; the
    snapshot `just_taken` always stays. A snapshot whose manifest cannot be read is left alone,
    and then no photo file is removed: a person must look first."""
    pruned = Pruned()
    days, incomplete, unreadable = {}, set(), []
    for folder in snapshot_folders(backup):
        try:
            manifest = Manifest.read(folder)
        except BackupError as e:
            unreadable.append(folder)
            pruned.warnings.append(f"{e} Left in place; no photo file was removed.")
            continue
        days[folder.name] = manifest.day
        if manifest.missing_photo_files:
            incomplete.add(folder.name)
    kept = kept_names(days, keep, frozenset(incomplete)) | ({just_taken} & set(days))
    for name in sorted(set(days) - kept):
        shutil.rmtree(backup / SNAPSHOTS / name)
        pruned.snapshots.append(name)
    if unreadable:
        return pruned
    named = set()
    for name in kept:
        named.update(Manifest.read(backup / SNAPSHOTS / name).photo_files)
    store = PhotoStore(backup / PHOTOS)
    for key in list(store.keys()):
        if key not in named and store.delete(key):
            pruned.photo_files += 1
    return pruned
