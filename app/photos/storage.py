"""Photos on disk by content: folder/ab/cd/<sha256>.jpg, written atomically, never overwritten."""

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

SHA256 = re.compile(r"[0-9a-f]{64}")


def path_for(folder: str | Path, sha256: str) -> Path:
    """Where the photo with this SHA-256 lives; anything but 64 lowercase hex digits is refused,
    so that no name from a request can reach outside the folder."""
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise ValueError(f"Not a SHA-256 in lowercase hex: {sha256!r}")
    return Path(folder) / sha256[:2] / sha256[2:4] / f"{sha256}.jpg"


def exists(folder: str | Path, sha256: str) -> bool:
    return path_for(folder, sha256).is_file()


def store(folder: str | Path, data: bytes, sha256: str | None = None) -> str:
    """Write `data` under its SHA-256 unless it is there already; returns the SHA-256.

    A given `sha256` must be the data's own: a file under another's name would be lost evidence.
    """
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and sha256 != digest:
        raise ValueError(f"The data's SHA-256 is {digest}, not {sha256!r}")
    path = path_for(folder, digest)
    if path.is_file():  # same content, same name: stored before
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and renamed into place, so that a reader (or a crash) never
    # meets half a photo; concurrent writers of the same photo both rename the same bytes.
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{digest[:8]}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes 0600; other server processes (a CLI run as another user) read them too.
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _sync_directory(path.parent)
    return digest


def _sync_directory(directory: Path) -> None:
    """Make the new name durable: the inspection that refers to it is committed next."""
    with contextlib.suppress(OSError):  # not every platform or file system can open a folder
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
