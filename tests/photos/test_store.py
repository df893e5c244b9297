"""The photo store (a folder on disk): content-addressed keys, atomic and idempotent writes."""

import errno
import hashlib
import os
from dataclasses import replace
from pathlib import Path

import pytest

from app.photos.pipeline import Watermark, process
from app.photos.store import PhotoStore, photo_store
from tests.images import jpeg

DATA = b"\xff\xd8\xff pretend this is a processed photo \xff\xd9"
DIGEST = hashlib.sha256(DATA).hexdigest()


def files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_store_returns_the_sha256_and_writes_under_two_levels_of_its_prefix(tmp_path):
    assert PhotoStore(tmp_path).save(DATA) == DIGEST
    assert files_under(tmp_path) == [f"{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}.jpg"]
    assert PhotoStore(tmp_path).path_for(DIGEST).read_bytes() == DATA


def test_storing_the_same_photo_twice_keeps_one_file(tmp_path):
    PhotoStore(tmp_path).save(DATA)
    first = PhotoStore(tmp_path).path_for(DIGEST).stat()
    assert PhotoStore(tmp_path).save(DATA, DIGEST) == DIGEST
    assert len(files_under(tmp_path)) == 1
    assert PhotoStore(tmp_path).path_for(DIGEST).stat().st_ino == first.st_ino  # not rewritten


def test_store_refuses_a_sha256_that_is_not_the_datas(tmp_path):
    with pytest.raises(ValueError):
        PhotoStore(tmp_path).save(DATA, hashlib.sha256(b"other").hexdigest())
    assert files_under(tmp_path) == []


def test_exists_tells_stored_from_missing(tmp_path):
    assert not PhotoStore(tmp_path).exists(DIGEST)
    PhotoStore(tmp_path).save(DATA)
    assert PhotoStore(tmp_path).exists(DIGEST)


def test_store_accepts_a_folder_given_as_text(tmp_path):
    PhotoStore(str(tmp_path / "photos")).save(DATA)
    assert PhotoStore(tmp_path / "photos").exists(DIGEST)


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
        PhotoStore(tmp_path).path_for(name)


def test_photo_is_written_beside_its_name_then_renamed_into_place(tmp_path, monkeypatch):
    renames = []
    real_replace = os.replace

    def recording_replace(source, target):
        renames.append((Path(source), Path(target)))
        assert Path(source).read_bytes() == DATA  # complete before it gets its name
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", recording_replace)
    PhotoStore(tmp_path).save(DATA)
    [(source, target)] = renames
    assert target == PhotoStore(tmp_path).path_for(DIGEST)
    assert source.parent == target.parent  # same file system: the rename is atomic
    assert files_under(tmp_path) == [str(target.relative_to(tmp_path))]  # no temporary left


def test_failed_write_leaves_neither_photo_nor_temporary_file(tmp_path, monkeypatch):
    def failing_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        PhotoStore(tmp_path).save(DATA)
    assert files_under(tmp_path) == []


def test_path_is_the_stored_file_and_none_for_a_missing_key(tmp_path):
    store = PhotoStore(tmp_path)
    assert store.path(DIGEST) is None
    store.save(DATA)
    assert store.path(DIGEST).read_bytes() == DATA


@pytest.mark.parametrize("key", ["../etc/passwd", DIGEST.upper(), "", None])
def test_path_and_exists_treat_a_key_that_is_no_sha256_as_missing(tmp_path, key):
    store = PhotoStore(tmp_path)
    store.save(DATA)
    assert store.path(key) is None
    assert not store.exists(key)


def test_save_processed_stores_the_photo_and_its_thumbnail(tmp_path):
    photo = process(jpeg(), Watermark("X", "2026-11-24 14:00", "李强"))
    store = PhotoStore(tmp_path)
    store.save_processed(photo)
    assert store.path(photo.sha256).read_bytes() == photo.image
    assert store.path(photo.thumb_sha256).read_bytes() == photo.thumbnail


def test_save_processed_writes_nothing_for_a_kept_photo_without_bytes(tmp_path):
    photo = process(jpeg(), Watermark("X", "2026-11-24 14:00", "李强"))
    PhotoStore(tmp_path).save_processed(replace(photo, image=b"", thumbnail=b""))
    assert files_under(tmp_path) == []


def test_the_app_has_one_store_at_its_photo_dir(app):
    assert photo_store() is photo_store()
    assert photo_store().folder == Path(app.config["PHOTO_DIR"])


def test_keys_lists_every_stored_file_and_nothing_else(tmp_path):
    store = PhotoStore(tmp_path)
    other = store.save(b"another photo")
    store.save(DATA)
    (tmp_path / DIGEST[:2] / DIGEST[2:4] / f".{DIGEST[:8]}-x.tmp").write_bytes(b"half")
    (tmp_path / "README.txt").write_text("not a photo")
    assert sorted(store.keys()) == sorted([DIGEST, other])


def test_delete_removes_the_file_and_says_whether_there_was_one(tmp_path):
    store = PhotoStore(tmp_path)
    store.save(DATA)
    assert store.delete(DIGEST) is True
    assert not store.exists(DIGEST)
    assert store.delete(DIGEST) is False
    assert store.delete("../../etc/passwd") is False


def test_stored_at_is_when_the_file_was_written(tmp_path):
    store = PhotoStore(tmp_path)
    store.save(DATA)
    os.utime(store.path(DIGEST), (1_700_000_000, 1_700_000_000))
    assert store.stored_at(DIGEST).isoformat() == "2023-11-14T22:13:20"
    assert store.stored_at("0" * 64) is None


def test_check_writable_leaves_nothing_behind(tmp_path):
    store = PhotoStore(tmp_path / "photos")
    store.check_writable()
    assert files_under(tmp_path) == []
    assert store.free_bytes() > 0


def test_check_writable_raises_when_the_folder_cannot_be_written(tmp_path, monkeypatch):
    store = PhotoStore(tmp_path)

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError):
        store.check_writable()
    assert files_under(tmp_path) == []


def test_a_file_removed_while_it_is_stored_again_is_written_anew(tmp_path, monkeypatch):
    # A clean-up took the file between "it is there" and "date it anew": the photo about to
    # be named by a row must be on disk all the same.
    store = PhotoStore(tmp_path)
    store.save(DATA)
    utime = os.utime

    def removed_first(path, *args, **kwargs):
        os.unlink(path)
        return utime(path, *args, **kwargs)

    monkeypatch.setattr(os, "utime", removed_first)
    assert store.save(DATA) == DIGEST
    assert store.path(DIGEST).read_bytes() == DATA


def test_stored_at_of_a_file_removed_as_it_is_looked_at_is_none(tmp_path, monkeypatch):
    store = PhotoStore(tmp_path)
    store.save(DATA)
    real_stat = Path.stat
    looks = []

    def removed(path, *args, **kwargs):
        if path.suffix == ".jpg":
            looks.append(path)
            if len(looks) > 1:  # there when looked for, gone when dated
                raise FileNotFoundError(errno.ENOENT, "No such file", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", removed)
    assert store.stored_at(DIGEST) is None
