"""Free photo space as administrators see it on every page: measured at most once a minute per
process, so that pages stay fast."""

import time

from flask import current_app

from app.photos.store import StoreBase, photo_store

EXTENSION = "saferound.free_space"
MB = 1024 * 1024


class FreeSpaceWatch:
    """The photo store's free bytes, re-measured when the last measure is `ttl` seconds old;
    None when the store could not be measured."""

    def __init__(self, ttl: float = 60, clock=time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._measured_at: float | None = None
        self._free: int | None = None

    def free_bytes(self, store: StoreBase) -> int | None:
        now = self.clock()
        if self._measured_at is None or now - self._measured_at >= self.ttl:
            try:
                self._free = store.free_bytes()
            except OSError:
                self._free = None
            self._measured_at = now
        return self._free


def watch() -> FreeSpaceWatch:
    """This process's watch on the running application's photo store."""
    return current_app.extensions.setdefault(EXTENSION, FreeSpaceWatch())


def low_space() -> tuple[int | None, int] | None:
    """(free bytes or None if unreadable, the minimum) when storage needs attention, else None."""
    minimum = current_app.config["PHOTO_MIN_FREE_MB"] * MB
    store = photo_store()
    if not store.measures_free_space:  # a bucket: /readyz asks whether it takes a file
        return None
    free = watch().free_bytes(store)
    if free is not None and free >= minimum:
        return None
    return free, minimum


def format_size(size: int) -> str:
    if size >= 1024 * MB:
        return f"{size / (1024 * MB):.1f} GB"
    return f"{size // MB} MB"
