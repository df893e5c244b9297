"""`flask photos migrate`: copy a folder of photos (PHOTO_DIR as it was) into the configured
store (a bucket) and verify every copy by reading it back and hashing it. Idempotent and
resumable: a file already there is not copied again, only verified. The folder is never
changed."""

from collections.abc import Callable
from dataclasses import dataclass, field

from app.photos.store import PhotoStore, StoreBase, StoreUnavailable

# A run names at most this many failures, then says how many more there are.
NAMED_FAILURES = 50


@dataclass
class Migrated:
    copied: int = 0
    already: int = 0  # in the store before this run
    verified: int = 0  # read back from the store; its SHA-256 is its name
    failures: list[str] = field(default_factory=list)  # a sentence each


def migrate_folder(source: PhotoStore, target: StoreBase, *, verify_present: bool = True,
                   progress: Callable[[int], None] | None = None) -> Migrated:
    """Copy every photo file of `source` that `target` lacks, then read each back from
    `target` and compare its SHA-256 with its name (those found there already too, unless not
    `verify_present`). A store that stops answering (StoreUnavailable) stops the run: run it
    again once it answers."""
    found = Migrated()
    for n, key in enumerate(source.keys(), 1):
        try:
            _migrate_one(source, target, key, found, verify_present)
        except StoreUnavailable:
            raise
        except ValueError:
            found.failures.append(f"{key}: the folder's file is damaged (its SHA-256 is no "
                                  "longer its name); not copied")
        except OSError as e:
            found.failures.append(f"{key}: {e}")
        if progress is not None:
            progress(n)
    return found


def _migrate_one(source: PhotoStore, target: StoreBase, key: str, found: Migrated,
                 verify_present: bool) -> None:
    if target.exists(key):
        found.already += 1
        if not verify_present:
            return
    else:
        file = source.open(key)
        if file is None:
            return  # removed from the folder since it was listed
        with file:
            target.save_file(file, key)  # refuses bytes that do not hash to `key`
        found.copied += 1
    digest = target.digest(key)
    if digest == key:
        found.verified += 1
    elif digest is None:
        found.failures.append(f"{key}: missing from {target.describe()} right after the copy")
    else:
        found.failures.append(f"{key}: damaged in {target.describe()} (its SHA-256 there is "
                              f"{digest}); remove that object and run the migration again")
