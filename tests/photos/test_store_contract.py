"""What every photo store does, checked on both backends: a folder on disk and a bucket of a real
S3 server (SeaweedFS)."""

import hashlib
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask

from app.common.time import utcnow
from app.photos.pipeline import Watermark, process
from app.photos.s3store import S3Store
from app.photos.store import PhotoStore, written_in_this_request
from tests.images import jpeg

DATA = b"\xff\xd8\xff pretend this is a processed photo \xff\xd9"
DIGEST = hashlib.sha256(DATA).hexdigest()
OTHER = b"\xff\xd8\xff another photo \xff\xd9"


def s3_store(server, bucket, prefix="photos") -> S3Store:
    return S3Store(bucket, prefix, endpoint_url=server.endpoint, region=server.region,
                   access_key=server.access_key, secret_key=server.secret_key)


@pytest.fixture(params=["folder", "s3"])
def backend(request, tmp_path):
    """The store, `names()` (every file or object it holds, whatever its name) and `put(name,
    data)` (a file or object put there behind the store's back)."""
    if request.param == "folder":
        folder = tmp_path / "photos"
        folder.mkdir()

        def put(name, data):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)

        return SimpleNamespace(
            store=PhotoStore(folder), put=put,
            names=lambda: sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                                 if p.is_file()))
    server = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    client = server.client()

    def names():
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return sorted(o["Key"].removeprefix("photos/") for o in listed)

    return SimpleNamespace(
        store=s3_store(server, bucket), names=names,
        put=lambda name, data: client.put_object(Bucket=bucket, Key=f"photos/{name}", Body=data))


@pytest.fixture
def store(backend):
    return backend.store


def read(store, key) -> bytes:
    with store.open(key) as file:
        return file.read()


class OneWay(io.RawIOBase):
    """A file that can be read once, front to back (as an object streamed from a bucket)."""

    def __init__(self, data):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self._data.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def test_save_returns_the_sha256_and_stores_under_two_levels_of_its_prefix(backend):
    assert backend.store.save(DATA) == DIGEST
    assert backend.names() == [f"{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}.jpg"]
    assert read(backend.store, DIGEST) == DATA


def test_saving_the_same_photo_twice_keeps_one_file(backend):
    backend.store.save(DATA)
    assert backend.store.save(DATA, DIGEST) == DIGEST
    assert len(backend.names()) == 1


def test_a_stored_key_is_never_written_with_other_bytes(backend):
    # Only a damaged file can differ from its name; storing the photo again leaves it as it is
    # (a restore or a migration says which files are damaged).
    name = f"{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}.jpg"
    backend.put(name, b"damaged")
    backend.store.save(DATA)
    assert read(backend.store, DIGEST) == b"damaged"


def test_save_refuses_a_sha256_that_is_not_the_datas(backend):
    with pytest.raises(ValueError):
        backend.store.save(DATA, hashlib.sha256(b"other").hexdigest())
    assert backend.names() == []


def test_save_file_streams_a_file_into_the_store(backend):
    assert backend.store.save_file(io.BytesIO(DATA), DIGEST) == DIGEST
    assert read(backend.store, DIGEST) == DATA


def test_save_file_takes_a_file_that_can_be_read_only_once(backend):
    backend.store.save_file(io.BufferedReader(OneWay(DATA)), DIGEST)
    assert read(backend.store, DIGEST) == DATA


@pytest.mark.parametrize("file", [io.BytesIO(OTHER), io.BufferedReader(OneWay(OTHER))],
                         ids=["seekable", "once"])
def test_save_file_refuses_bytes_that_do_not_hash_to_the_key(backend, file):
    with pytest.raises(ValueError):
        backend.store.save_file(file, DIGEST)
    assert backend.names() == []


@pytest.mark.parametrize("key", ["../etc/passwd", DIGEST.upper(), DIGEST[:63], "", None])
def test_a_key_that_is_no_sha256_is_missing_and_never_stored(backend, key):
    backend.store.save(DATA)
    assert not backend.store.exists(key)
    assert backend.store.open(key) is None
    assert backend.store.stored_at(key) is None
    assert backend.store.delete(key) is False
    with pytest.raises(ValueError):
        backend.store.save_file(io.BytesIO(DATA), key)


def test_exists_open_size_and_digest_tell_stored_from_missing(store):
    assert (store.exists(DIGEST), store.open(DIGEST), store.size(DIGEST),
            store.digest(DIGEST)) == (False, None, None, None)
    store.save(DATA)
    assert (store.exists(DIGEST), store.size(DIGEST), store.digest(DIGEST)) == (
        True, len(DATA), DIGEST)


def test_keys_lists_every_stored_file_and_nothing_else(backend):
    other = backend.store.save(OTHER)
    backend.store.save(DATA)
    backend.put(f"{DIGEST[:2]}/{DIGEST[2:4]}/.{DIGEST[:8]}-x.tmp", b"half")
    backend.put("README.txt", b"not a photo")
    backend.put(f"{DIGEST[:2]}/ff/{DIGEST}.jpg", b"in the wrong place")
    assert sorted(backend.store.keys()) == sorted([DIGEST, other])


def test_delete_removes_the_file_and_says_whether_there_was_one(store):
    store.save(DATA)
    assert store.delete(DIGEST) is True
    assert not store.exists(DIGEST)
    assert store.delete(DIGEST) is False


def test_a_file_stored_again_since_it_was_written_is_not_deleted_for_that_write(store):
    with Flask(__name__).test_request_context():
        store.save(DATA)
        [(key, written)] = written_in_this_request().items()
    with Flask(__name__).test_request_context():
        store.save(DATA)  # another request stores the same photo: it is dated anew
        assert written_in_this_request() == {}  # found, not written
    assert store.delete(key, if_written_at=written) is False
    assert store.exists(DIGEST)


def test_a_file_not_stored_again_is_deleted_for_its_write(store):
    with Flask(__name__).test_request_context():
        store.save(DATA)
        [(key, written)] = written_in_this_request().items()
    assert store.delete(key, if_written_at=written) is True
    assert not store.exists(DIGEST)


def test_stored_at_is_when_the_file_was_written(store):
    before = utcnow().replace(microsecond=0)
    store.save(DATA)
    assert before - timedelta(seconds=1) <= store.stored_at(DIGEST) <= utcnow()
    assert store.stored_at("0" * 64) is None


def test_check_writable_leaves_nothing_behind(backend):
    backend.store.check_writable()
    assert backend.names() == []


def test_save_processed_stores_the_photo_and_its_thumbnail(store):
    photo = process(jpeg(), Watermark("X", "2026-11-24 14:00", "李强"))
    store.save_processed(photo)
    assert read(store, photo.sha256) == photo.image
    assert read(store, photo.thumb_sha256) == photo.thumbnail


def test_send_answers_the_file_with_its_sha256_as_strong_etag(store):
    store.save(DATA)
    with Flask(__name__).test_request_context():
        response = store.send(DIGEST, max_age=60)
        response.direct_passthrough = False
        assert (response.status_code, response.get_data(), response.mimetype) == (
            200, DATA, "image/jpeg")
        assert response.get_etag() == (DIGEST, False)
        assert response.cache_control.max_age == 60


def test_send_answers_304_to_a_browser_that_has_the_file(store):
    store.save(DATA)
    with Flask(__name__).test_request_context(headers={"If-None-Match": f'"{DIGEST}"'}):
        response = store.send(DIGEST, max_age=60)
        assert response.status_code == 304
        assert response.get_etag() == (DIGEST, False)


def test_send_answers_a_byte_range(store):
    store.save(DATA)
    with Flask(__name__).test_request_context(headers={"Range": "bytes=3-7"}):
        response = store.send(DIGEST, max_age=60)
        response.direct_passthrough = False
        assert (response.status_code, response.get_data()) == (206, DATA[3:8])
        assert response.headers["Content-Range"] == f"bytes 3-7/{len(DATA)}"


def test_send_gives_none_for_a_missing_file(store):
    with Flask(__name__).test_request_context():
        assert store.send(DIGEST, max_age=60) is None
