"""Where photo files are kept: one store, made at start-up from PHOTO_STORE (an S3 bucket, in
app/photos/s3store.py) or PHOTO_DIR (a folder on disk, here) and reached with `photo_store()`.

Files are named by the SHA-256 of their bytes (<folder or prefix>/ab/cd/<sha256>.jpg), written
whole or not at all, and never overwritten. Callers use only StoreBase's methods, which both
backends have."""

import contextlib
import errno
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from flask import Flask, Response, current_app, g, has_request_context, send_file

from app.photos.pipeline import ProcessedPhoto

SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024
EXTENSION = "photo_store"
# Where a request notes the files it wrote itself (not those it found stored already).
WRITTEN = "photo_keys_written"


class StorageError(OSError):
    """A photo could not be written: the disk is full (`is_full`) or not writable just now."""

    @property
    def is_full(self) -> bool:
        return self.errno in (errno.ENOSPC, errno.EDQUOT)


class StoreUnavailable(StorageError):
    """The store did not answer as it should (object storage unreachable, timing out, failing,
    refusing the keys): no photo can be read or written, not just this one."""


class StoreBase:
    """What every photo store does; photos and thumbnails alike are files named by their
    SHA-256 (the key)."""

    # Whether free space where photos go means anything (a disk: yes; a bucket: no).
    measures_free_space = True

    def describe(self) -> str:
        """Where the photos are, for a person running a command."""
        raise NotImplementedError

    def save(self, data: bytes, key: str | None = None) -> str:
        """Write `data` under its SHA-256 unless it is there already; returns the SHA-256. A
        given `key` must be the data's own (ValueError): a file under another's name would be
        lost evidence. StorageError when the store cannot take it."""
        raise NotImplementedError

    def save_file(self, file: BinaryIO, key: str) -> str:
        """As `save`, streaming from an open file whose bytes must hash to `key` (ValueError
        otherwise, and nothing is stored)."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def open(self, key: str) -> BinaryIO | None:
        """The stored file, open for reading (close it); None when the key is no SHA-256 or
        nothing is stored under it."""
        raise NotImplementedError

    def send(self, key: str, *, max_age: int) -> Response | None:
        """A response sending the file (image/jpeg, the key as its strong ETag, 304 to a
        browser that has it, byte ranges); None when nothing is stored under the key. The
        caller checks who may see it first."""
        raise NotImplementedError

    def keys(self) -> Iterator[str]:
        """The SHA-256 of every stored file, in no set order; anything not named as the store
        names files is passed over."""
        raise NotImplementedError

    def stored_at(self, key: str) -> datetime | None:
        """When the file was written or last stored again (naive UTC); None if not stored."""
        raise NotImplementedError

    def size(self, key: str) -> int | None:
        raise NotImplementedError

    def delete(self, key: str, *, if_written_at: object = None) -> bool:
        """Remove the file under `key`; False when there was none or it could not be removed
        (a later clean-up tries again). `if_written_at` (what written_in_this_request() noted):
        only while the file is still as this was told, not stored again since. Only clean-up
        calls this: a file that a row names is evidence."""
        raise NotImplementedError

    def check_writable(self) -> None:
        """Write and remove a small file where photos go; raises OSError when that fails."""
        raise NotImplementedError

    def free_bytes(self) -> int:
        raise NotImplementedError

    def digest(self, key: str) -> str | None:
        """The SHA-256 of the stored bytes, read back whole (to verify a copy); None if not
        stored."""
        file = self.open(key)
        if file is None:
            return None
        with file:
            digest = hashlib.sha256()
            while chunk := file.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def save_processed(self, photo: ProcessedPhoto) -> None:
        """Store a processed photo and its thumbnail, and a marked photo's original (its image
        only: the original is shown whole, never as a thumbnail). A photo kept from a refused
        form has no bytes at hand (they were stored then): nothing to do."""
        if photo.image:
            self.save(photo.image, photo.sha256)
            self.save(photo.thumbnail, photo.thumb_sha256)
        if photo.original is not None and photo.original.image:
            self.save(photo.original.image, photo.original.sha256)


def is_key(key) -> bool:
    return isinstance(key, str) and SHA256.fullmatch(key) is not None


def note_written(key: str, token: object) -> None:
    """Remember, for this request, a file it wrote itself (`token`: how delete() tells that
    it was not stored again since)."""
    if has_request_context():
        g.setdefault(WRITTEN, {})[key] = token


class PhotoStore(StoreBase):
    """Photo files in a local folder, by content."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def describe(self) -> str:
        return str(self.folder)

    def path_for(self, key: str) -> Path:
        """Where the file with this key (its SHA-256) lives; anything but 64 lowercase hex
        digits is refused, so that no name from a request can reach outside the folder."""
        if not is_key(key):
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

    def open(self, key: str) -> BinaryIO | None:
        path = self.path(key)
        if path is None:
            return None
        try:
            return open(path, "rb")
        except FileNotFoundError:  # removed since it was looked for
            return None

    def send(self, key: str, *, max_age: int) -> Response | None:
        path = self.path(key)
        if path is None:
            return None
        return send_file(path, mimetype="image/jpeg", etag=key, conditional=True,
                         max_age=max_age)

    def size(self, key: str) -> int | None:
        path = self.path(key)
        try:
            return path.stat().st_size if path else None
        except FileNotFoundError:  # removed meanwhile
            return None

    def save(self, data: bytes, key: str | None = None) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if key is not None and key != digest:
            raise ValueError(f"The data's SHA-256 is {digest}, not {key!r}")
        return self._store(digest, lambda file: file.write(data))

    def save_file(self, file: BinaryIO, key: str) -> str:
        return self._store(key, lambda target: _copy_checked(file, target, key))

    def _store(self, digest: str, fill: Callable[[BinaryIO], object]) -> str:
        path = self.path_for(digest)
        try:
            if _stored_already(path):  # same content, same name
                return digest
            self._write(path, fill, digest)
            written = path.stat().st_mtime_ns
        except OSError as e:  # the disk, not the photo: a StorageError says which
            raise StorageError(e.errno, e.strerror, e.filename) from e
        note_written(digest, written)
        return digest

    @staticmethod
    def _write(path: Path, fill: Callable[[BinaryIO], object], digest: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its final name and renamed into place, so that a reader (or a crash)
        # never meets half a photo; concurrent writers of the same photo rename the same bytes.
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{digest[:8]}-",
                                        suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                fill(file)
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

    def keys(self) -> Iterator[str]:
        for path in self.folder.glob("??/??/*.jpg"):
            key = path.stem
            if SHA256.fullmatch(key) and path.parent.name == key[2:4] \
                    and path.parent.parent.name == key[:2]:
                yield key

    def stored_at(self, key: str) -> datetime | None:
        path = self.path(key)
        if path is None:
            return None
        try:
            return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
        except FileNotFoundError:  # removed since it was looked for
            return None

    def delete(self, key: str, *, if_written_at: object = None) -> bool:
        """As StoreBase's; `if_written_at` is the file's st_mtime_ns."""
        path = self.path(key)
        if path is None:
            return False
        try:
            if if_written_at is not None and path.stat().st_mtime_ns != if_written_at:
                return False
            path.unlink()
        except OSError:
            return False
        return True

    def free_bytes(self) -> int:
        """Free space where photos are written (for a caller that is not root)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(self.folder).free

    def check_writable(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.folder, prefix=".probe-", suffix=".tmp")
        try:
            os.write(handle, b"ok")
            os.fsync(handle)
        finally:
            os.close(handle)
            os.unlink(temp)


def init_photo_store(app: Flask) -> None:
    """Make the application's one store: the bucket PHOTO_STORE names (s3://bucket/prefix),
    or else the folder PHOTO_DIR (the instance's photos/ if unset; also where `flask photos
    migrate` takes photos from)."""
    if not app.config["PHOTO_DIR"]:
        app.config["PHOTO_DIR"] = str(Path(app.instance_path) / "photos")
    if app.config.get("PHOTO_STORE"):
        from app.photos.s3store import S3Store  # boto3 is loaded only when it is used

        app.extensions[EXTENSION] = S3Store.from_config(app.config)
    else:
        app.extensions[EXTENSION] = PhotoStore(app.config["PHOTO_DIR"])


def photo_store() -> StoreBase:
    """The running application's photo store."""
    return current_app.extensions[EXTENSION]


def written_in_this_request() -> dict[str, object]:
    """The files this request wrote (none it found stored already), each with a token of that
    write (the folder's st_mtime_ns), so that a request that fails can remove what it left,
    unless another request has stored the same photo since (which dates the file anew)."""
    return dict(g.get(WRITTEN, {})) if has_request_context() else {}


def _copy_checked(source: BinaryIO, target: BinaryIO, key: str) -> None:
    """Copy a file's bytes, refusing them (ValueError) unless they hash to `key`."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    if digest.hexdigest() != key:
        raise ValueError(f"The file's SHA-256 is {digest.hexdigest()}, not {key!r}")


def _stored_already(path: Path) -> bool:
    """Whether the file is there; if so it is dated anew, so that a file that had no row (a
    photo clean-up would take it, a failed request would remove it) is seen to have one now."""
    now = time.time_ns()  # the fine clock: the coarse one of a write may show the same tick
    try:
        os.utime(path, ns=(now, now))
    except FileNotFoundError:
        return False
    except OSError:  # cannot be dated (a read-only disk): there all the same, or an error
        return path.is_file()
    return True


def _sync_directory(directory: Path) -> None:
    """Make the new name durable: the inspection that refers to it is committed next."""
    with contextlib.suppress(OSError):  # not every platform or file system can open a folder
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
