"""Photo storage on disk: content-addressed paths, atomic and idempotent writes."""

import hashlib
import os
from pathlib import Path

import pytest

from app.photos import storage

DATA = b"\xff\xd8\xff pretend this is a processed photo \xff\xd9"
DIGEST = hashlib.sha256(DATA).hexdigest()


def files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_store_returns_the_sha256_and_writes_under_two_levels_of_its_prefix(tmp_path):
    assert storage.store(tmp_path, DATA) == DIGEST
    assert files_under(tmp_path) == [f"{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}.jpg"]
    assert storage.path_for(tmp_path, DIGEST).read_bytes() == DATA


def test_storing_the_same_photo_twice_keeps_one_file(tmp_path):
    storage.store(tmp_path, DATA)
    first = storage.path_for(tmp_path, DIGEST).stat()
    assert storage.store(tmp_path, DATA, DIGEST) == DIGEST
    assert len(files_under(tmp_path)) == 1
    assert storage.path_for(tmp_path, DIGEST).stat().st_ino == first.st_ino  # not rewritten


def test_store_refuses_a_sha256_that_is_not_the_datas(tmp_path):
    with pytest.raises(ValueError):
        storage.store(tmp_path, DATA, hashlib.sha256(b"other").hexdigest())
    assert files_under(tmp_path) == []


def test_exists_tells_stored_from_missing(tmp_path):
    assert not storage.exists(tmp_path, DIGEST)
    storage.store(tmp_path, DATA)
    assert storage.exists(tmp_path, DIGEST)


def test_store_accepts_a_folder_given_as_text(tmp_path):
    storage.store(str(tmp_path / "photos"), DATA)
    assert storage.exists(tmp_path / "photos", DIGEST)


@pytest.mark.parametrize("name", [
    "../etc/passwd",
    "../" * 21 + "x",  # 64 characters, none of them hex
    DIGEST.upper(),
    DIGEST[:63],
    DIGEST + "0",
    DIGEST[:62] + "/x",
    DIGEST + "\n",
    "",
    None,
])
def test_path_for_refuses_anything_but_64_lowercase_hex(tmp_path, name):
    with pytest.raises(ValueError):
        storage.path_for(tmp_path, name)


def test_photo_is_written_beside_its_name_then_renamed_into_place(tmp_path, monkeypatch):
    renames = []
    real_replace = os.replace

    def recording_replace(source, target):
        renames.append((Path(source), Path(target)))
        assert Path(source).read_bytes() == DATA  # complete before it gets its name
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", recording_replace)
    storage.store(tmp_path, DATA)
    [(source, target)] = renames
    assert target == storage.path_for(tmp_path, DIGEST)
    assert source.parent == target.parent  # same file system: the rename is atomic
    assert files_under(tmp_path) == [str(target.relative_to(tmp_path))]  # no temporary left


def test_failed_write_leaves_neither_photo_nor_temporary_file(tmp_path, monkeypatch):
    def failing_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        storage.store(tmp_path, DATA)
    assert files_under(tmp_path) == []
