"""A snapshot's manifest (manifest.json): what the snapshot holds, each file's SHA-256, the
counts a restore must find; and checking a snapshot against it without restoring."""

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.backup.databases import FILES, BackupError, Facts, postgres_facts, sqlite_facts
from app.photos.store import PhotoStore

FORMAT = 1
MANIFEST = "manifest.json"
SNAPSHOTS = "snapshots"
PHOTOS = "photos"  # one content-addressed folder shared by every snapshot in a backup folder
# A verification names at most this many bad files, then says how many more there are.
NAMED_PROBLEMS = 20


@dataclass
class Manifest:
    name: str
    taken_at: str  # UTC, ISO 8601
    day: str  # the hospital's calendar date: retention keeps one snapshot a day
    database_kind: str
    database_file: str
    database_sha256: str
    revision: str | None
    counts: dict[str, int]
    # The SHA-256 of every photo and thumbnail a row names; each is also its file's name.
    photo_files: list[str]
    # Named by a row but absent (or damaged) in the photo store when the snapshot was taken.
    missing_photo_files: list[str] = field(default_factory=list)
    format: int = FORMAT

    def write(self, folder: Path) -> None:
        path = folder / MANIFEST
        with open(path, "w", encoding="utf-8") as file:
            json.dump(asdict(self), file, indent=1, sort_keys=True)
            file.flush()
            os.fsync(file.fileno())

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError(f"{path}: unknown format {data.get('format')!r}.")
            return cls(**data)
        except FileNotFoundError:
            raise BackupError(f"{path} is missing: this is not a complete snapshot.") from None
        except (OSError, ValueError, TypeError, AttributeError) as e:
            raise BackupError(f"{path} cannot be read: {e}") from None


def photo_folder(snapshot: Path) -> PhotoStore:
    """The backup folder's shared photo store, seen from one of its snapshots."""
    return PhotoStore(snapshot.parent.parent / PHOTOS)


def file_sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def problems(snapshot: Path) -> tuple[Manifest | None, list[str]]:
    """Check a snapshot against its manifest: the database file's SHA-256, the counts and
    photo list read back from it, and every photo file's SHA-256. Returns the manifest and a
    sentence per problem (empty when the snapshot is sound)."""
    try:
        manifest = Manifest.read(snapshot)
    except BackupError as e:
        return None, [str(e)]
    found = _database_problems(snapshot, manifest)
    store = photo_folder(snapshot)
    for key in manifest.photo_files:
        path = store.path_for(key)
        if not path.is_file():
            found.append(f"{path}: missing")
        elif file_sha256(path) != key:
            found.append(f"{path}: changed (its SHA-256 is no longer its name)")
    if len(found) > NAMED_PROBLEMS:
        found = found[:NAMED_PROBLEMS] + [f"… and {len(found) - NAMED_PROBLEMS} more"]
    return manifest, found


def _database_problems(snapshot: Path, manifest: Manifest) -> list[str]:
    path = snapshot / manifest.database_file
    if manifest.database_file != FILES.get(manifest.database_kind):
        return [f"{snapshot / MANIFEST}: unknown database {manifest.database_kind!r}"]
    if not path.is_file():
        return [f"{path}: missing"]
    digest = file_sha256(path)
    if digest != manifest.database_sha256:
        return [f"{path}: changed (SHA-256 {digest}, the manifest says "
                f"{manifest.database_sha256})"]
    try:
        facts = database_facts(path, manifest.database_kind)
    except Exception as e:  # a file that hashes right but cannot be read: say so, don't crash
        return [f"{path}: cannot be read ({e})"]
    found = [f"{path}: {table} has {facts.counts.get(table)} rows, the manifest says {count}"
             for table, count in manifest.counts.items() if facts.counts.get(table) != count]
    if facts.photo_keys != set(manifest.photo_files) | set(manifest.missing_photo_files):
        found.append(f"{path}: the photos its rows name are not the manifest's photo files")
    return found


def database_facts(path: Path, kind: str) -> Facts:
    return sqlite_facts(path) if kind == "sqlite" else postgres_facts(path)


def snapshot_folders(backup: Path) -> list[Path]:
    """The complete snapshots in a backup folder, oldest first (names are UTC times)."""
    folder = backup / SNAPSHOTS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file())


def chosen_snapshot(path: Path) -> Path:
    """`path` itself when it is a snapshot, else the latest snapshot of the backup folder
    `path`."""
    if (path / MANIFEST).is_file():
        return path
    found = snapshot_folders(path)
    if not found:
        raise BackupError(f"{path} holds no complete snapshot.")
    return found[-1]
