"""Photo files in an S3-compatible bucket (PHOTO_STORE=s3://bucket/prefix), by content: the same
keys as the folder's (<prefix>/ab/cd/<sha256>.jpg), never overwritten with other bytes, and
served through the application (its permission checks) with the SHA-256 as strong ETag.

Every wait is short and retried at most once: a bucket that does not answer makes the request a
503 `storage.unavailable` (StoreUnavailable), never a hung worker or a 500."""

import contextlib
import errno
import hashlib
import os
import tempfile
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from flask import Response, request

from app.photos.store import CHUNK, SHA256, StoreBase, StoreUnavailable, is_key, note_written

# Seconds to connect and between two reads of an answer; one retry (standard mode).
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 5
ATTEMPTS = 2
# Object metadata naming one write (or renewal) of a key: how a failed request tells the object
# it wrote from the same photo stored again since by another.
WRITE_ID = "saferound-write"
# A file not seekable (an object read from another bucket) is hashed into memory up to this
# size before it is sent, beyond it into a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024
NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class S3Store(StoreBase):
    """Photo files as objects in one bucket, under one prefix."""

    measures_free_space = False  # a bucket has no free space to watch

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None,
                 region: str = "us-east-1", access_key: str | None = None,
                 secret_key: str | None = None):
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.endpoint_url, self.region = endpoint_url or None, region
        self._credentials = {"aws_access_key_id": access_key or None,
                             "aws_secret_access_key": secret_key or None}
        self._client, self._client_pid = None, None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config) -> "S3Store":
        """From PHOTO_STORE (s3://bucket/prefix), S3_ENDPOINT_URL, S3_REGION and the keys
        (unset: boto3's own chain: environment, ~/.aws, an instance role)."""
        url = urlsplit(config["PHOTO_STORE"])
        if url.scheme != "s3" or not url.netloc:
            raise ValueError(f"PHOTO_STORE must be s3://bucket/prefix, not "
                             f"{config['PHOTO_STORE']!r}")
        return cls(url.netloc, url.path, endpoint_url=config.get("S3_ENDPOINT_URL"),
                   region=config.get("S3_REGION") or "us-east-1",
                   access_key=config.get("S3_ACCESS_KEY_ID"),
                   secret_key=config.get("S3_SECRET_ACCESS_KEY"))

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    @property
    def client(self):
        """This process's client (made after a fork: a connection pool is never shared)."""
        with self._lock:
            if self._client is None or self._client_pid != os.getpid():
                config = Config(
                    connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                    retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
                    # Most S3-compatible servers (SeaweedFS, MinIO, Ceph) on a private host
                    # name take bucket names in the path, not the host name.
                    s3={"addressing_style": "path" if self.endpoint_url else "auto"},
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                    max_pool_connections=32)  # gunicorn's threads a process
                self._client = boto3.session.Session().client(
                    "s3", endpoint_url=self.endpoint_url, region_name=self.region,
                    config=config, **self._credentials)
                self._client_pid = os.getpid()
            return self._client

    def object_key(self, key: str) -> str:
        if not is_key(key):
            raise ValueError(f"Not a SHA-256 in lowercase hex: {key!r}")
        name = f"{key[:2]}/{key[2:4]}/{key}.jpg"
        return f"{self.prefix}/{name}" if self.prefix else name

    def save(self, data: bytes, key: str | None = None) -> str:
        digest = hashlib.sha256(data).hexdigest()
        if key is not None and key != digest:
            raise ValueError(f"The data's SHA-256 is {digest}, not {key!r}")
        return self._store(digest, lambda: data)

    def save_file(self, file: BinaryIO, key: str) -> str:
        self.object_key(key)  # refuses a name that is no key before anything is read
        with contextlib.ExitStack() as stack:

            def checked_body():
                """The file, hashed first (then sent from where it started), or a copy of a
                file that cannot be read twice; ValueError unless it hashes to `key`."""
                body, digest = file, hashlib.sha256()
                if not _seekable(file):
                    body = stack.enter_context(tempfile.SpooledTemporaryFile(SPOOL_BYTES))
                start = body.tell()
                while chunk := file.read(CHUNK):
                    digest.update(chunk)
                    if body is not file:
                        body.write(chunk)
                if digest.hexdigest() != key:
                    raise ValueError(f"The file's SHA-256 is {digest.hexdigest()}, not {key!r}")
                body.seek(start)
                return body

            return self._store(key, checked_body)

    def _store(self, key: str, body) -> str:
        """Put the object unless it is there: HEAD, then a put that only creates (If-None-Match:
        *), so that two writers of one photo never replace each other's object."""
        name = self.object_key(key)
        if self._renewed(name):
            return key
        write = uuid.uuid4().hex
        with _faults("put"):
            try:
                self.client.put_object(Bucket=self.bucket, Key=name, Body=body(),
                                       ContentType="image/jpeg", IfNoneMatch="*",
                                       Metadata={WRITE_ID: write})
            except ClientError as e:
                if _code(e) not in ("PreconditionFailed", "412"):
                    raise
                return key  # stored by another meanwhile: same name, same bytes
        note_written(key, write)
        return key

    def _renewed(self, name: str) -> bool:
        """Whether the object is there; if so it is dated anew (a server-side copy onto itself,
        the same bytes with a new write id), as the folder dates a file stored again, so that a
        clean-up or a failed request sees that a row may name it now."""
        if self._head(name) is None:
            return False
        with _faults("copy"):
            try:
                self.client.copy_object(
                    Bucket=self.bucket, Key=name, CopySource={"Bucket": self.bucket, "Key": name},
                    MetadataDirective="REPLACE", ContentType="image/jpeg",
                    Metadata={WRITE_ID: uuid.uuid4().hex})
            except ClientError as e:
                if _code(e) in NOT_FOUND:  # removed since it was looked for: write it anew
                    return False
                raise
        return True

    def _head(self, name: str) -> dict | None:
        with _faults("head"):
            try:
                return self.client.head_object(Bucket=self.bucket, Key=name)
            except ClientError as e:
                if _code(e) in NOT_FOUND:
                    return None
                raise

    def _head_key(self, key: str) -> dict | None:
        return self._head(self.object_key(key)) if is_key(key) else None

    def exists(self, key: str) -> bool:
        return self._head_key(key) is not None

    def _get(self, key: str, **extra) -> dict | None:
        if not is_key(key):
            return None
        with _faults("get"):
            try:
                return self.client.get_object(Bucket=self.bucket, Key=self.object_key(key),
                                              **extra)
            except ClientError as e:
                if _code(e) in NOT_FOUND:
                    return None
                raise

    def open(self, key: str) -> BinaryIO | None:
        found = self._get(key)
        return None if found is None else _Body(found["Body"])

    def send(self, key: str, *, max_age: int) -> Response | None:
        if not is_key(key):
            return None
        if request.if_none_match.contains(key):  # the browser has it: S3 is not asked
            response = Response(status=304)
        else:
            extra = {}
            if request.range is not None and request.if_range.etag in (None, key):
                extra["Range"] = request.headers["Range"]
            try:
                found = self._get(key, **extra)
            except StoreUnavailable as e:
                if e.errno != errno.ERANGE:
                    raise
                response = Response(status=416)
                response.headers["Content-Range"] = "bytes */*"
                return response
            if found is None:
                return None
            body = found["Body"]
            response = Response(body.iter_chunks(64 * 1024), mimetype="image/jpeg",
                                direct_passthrough=True)
            response.call_on_close(body.close)
            response.content_length = found["ContentLength"]
            if found.get("ContentRange"):
                response.status_code = 206
                response.headers["Content-Range"] = found["ContentRange"]
            response.last_modified = found.get("LastModified")
        response.headers["Accept-Ranges"] = "bytes"
        response.set_etag(key)
        response.cache_control.max_age = max_age
        return response

    def keys(self) -> Iterator[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        with _faults("list"):
            for page in self.client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix=start, PaginationConfig={"PageSize": 1000}):
                for item in page.get("Contents", ()):
                    key = _key_of(item["Key"][len(start):])
                    if key is not None:
                        yield key

    def stored_at(self, key: str) -> datetime | None:
        found = self._head_key(key)
        if found is None:
            return None
        return found["LastModified"].astimezone(UTC).replace(tzinfo=None)

    def size(self, key: str) -> int | None:
        found = self._head_key(key)
        return None if found is None else found["ContentLength"]

    def delete(self, key: str, *, if_written_at: object = None) -> bool:
        """As StoreBase's; `if_written_at` is the write id the object was put with."""
        try:
            found = self._head_key(key)
            if found is None:
                return False
            if if_written_at is not None and \
                    found.get("Metadata", {}).get(WRITE_ID) != if_written_at:
                return False
            with _faults("delete"):
                self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        except StoreUnavailable:
            return False
        return True

    def check_writable(self) -> None:
        """Put and remove a small object beside the photos (its name is no photo's)."""
        name = f"{self.prefix}/.probe-{uuid.uuid4().hex}" if self.prefix else \
            f".probe-{uuid.uuid4().hex}"
        with _faults("probe"):
            self.client.put_object(Bucket=self.bucket, Key=name, Body=b"ok")
            self.client.delete_object(Bucket=self.bucket, Key=name)

    def free_bytes(self) -> int:
        raise StoreUnavailable(errno.ENOTSUP, "object storage has no free space to measure")


class _Body:
    """An object's bytes as a file to read from (botocore's StreamingBody, closed with the
    with-block); a connection that fails while reading is a StoreUnavailable."""

    def __init__(self, body):
        self._body = body

    def read(self, size: int = -1) -> bytes:
        with _faults("read"):
            return self._body.read(None if size < 0 else size)

    def close(self) -> None:
        self._body.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()


def _key_of(name: str) -> str | None:
    """The key of an object named ab/cd/<sha256>.jpg below the prefix; None for any other."""
    parts = name.split("/")
    if len(parts) != 3 or not parts[2].endswith(".jpg"):
        return None
    key = parts[2][:-4]
    if SHA256.fullmatch(key) and parts[0] == key[:2] and parts[1] == key[2:4]:
        return key
    return None


def _seekable(file) -> bool:
    try:
        return file.seekable()
    except (AttributeError, OSError):
        return False


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _faults(what: str):
    """boto3's failures as StoreUnavailable, with an errno that names their kind (readiness
    shows it): the store, not the photo, failed."""
    try:
        yield
    except ClientError as e:
        code = _code(e)
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        kind = (errno.ERANGE if code == "InvalidRange" else
                errno.ENOENT if code == "NoSuchBucket" else
                errno.EACCES if status == 403 or code in ("AccessDenied",
                                                          "InvalidAccessKeyId",
                                                          "SignatureDoesNotMatch") else
                errno.EIO)
        raise StoreUnavailable(kind, f"S3 {what}: {code or status}") from e
    except (ConnectTimeoutError, ReadTimeoutError) as e:
        raise StoreUnavailable(errno.ETIMEDOUT, f"S3 {what}: timed out") from e
    except EndpointConnectionError as e:
        raise StoreUnavailable(errno.ECONNREFUSED, f"S3 {what}: cannot connect") from e
    except BotoCoreError as e:
        raise StoreUnavailable(errno.EIO, f"S3 {what}: {type(e).__name__}") from e
