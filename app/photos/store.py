"""Where photo files are kept: one PhotoStore, made at start-up from PHOTO_DIR and reached with
`photo_store()`. Today a folder on disk; another backend (object storage) replaces this class.

Files are named by the SHA-256 of their bytes (folder/ab/cd/<sha256>.jpg), written whole or not
at all, and never overwritten."""

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import Flask, current_app

from app.photos.pipeline import ProcessedPhoto

SHA256 = re.compile(r"[0-9a-f]{64}")
EXTENSION = "photo_store"


class PhotoStore:
    """Photo files in a local folder, by content."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path_for(self, key: str) -> Path:
        """Where the file with this key (its SHA-256) lives; anything but 64 lowercase hex
        digits is refused, so that no name from a request can reach outside the folder."""
        if not isinstance(key, str) or not SHA256.fullmatch(key):
            raise ValueError(f"Not a SHA-256 in lowercase hex: {key!r}")
        return self.folder / key[:2] / key[2:4] / f"{key}.jpg"

    def path(self, key: str) -> Path | None:
        """The stored file, to send; None when the key is no SHA-256 or nothing is stored under
        it."""
        try:
            path = self.path_for(key)
        except ValueError:
            return None
        return path if path.is_file() else None

    def exists(self, key: str) -> bool:
        return self.path(key) is not None

    def save(self, data: bytes, key: str | None = None) -> str:
        """Write `data` under its SHA-256 unless it is there already; returns the SHA-256.

        A given `key` must be the data's own: a file under another's name would be lost
        evidence."""
        digest = hashlib.sha256(data).hexdigest()
        if key is not None and key != digest:
            raise ValueError(f"The data's SHA-256 is {digest}, not {key!r}")
        path = self.path_for(digest)
        if path.is_file():  # same content, same name: stored before
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its final name and renamed into place, so that a reader (or a crash)
        # never meets half a photo; concurrent writers of the same photo rename the same bytes.
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{digest[:8]}-",
                                        suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            # mkstemp makes 0600; other server processes (a CLI run as another user) read them.
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        _sync_directory(path.parent)
        return digest

    def save_processed(self, photo: ProcessedPhoto) -> None:
        """Store a processed photo and its thumbnail. A photo kept from a refused form has no
        bytes at hand (they were stored then): nothing to do."""
        if photo.image:
            self.save(photo.image, photo.sha256)
            self.save(photo.thumbnail, photo.thumb_sha256)


def init_photo_store(app: Flask) -> None:
    """Make the application's one store, from PHOTO_DIR (the instance's photos/ if unset)."""
    if not app.config["PHOTO_DIR"]:
        app.config["PHOTO_DIR"] = str(Path(app.instance_path) / "photos")
    app.extensions[EXTENSION] = PhotoStore(app.config["PHOTO_DIR"])


def photo_store() -> PhotoStore:
    """The running application's photo store."""
    return current_app.extensions[EXTENSION]


def _sync_directory(directory: Path) -> None:
    """Make the new name durable: the inspection that refers to it is committed next."""
    with contextlib.suppress(OSError):  # not every platform or file system can open a folder
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
