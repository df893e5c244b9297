"""Values computed once and shared: by every worker and host through Redis when REDIS_URL is
set, else within this process. Reached with `shared_cache()`; made at start-up.

It only ever saves work: a value missing, expired or unreachable (Redis down) is computed
again by the caller, so a fault of the cache never fails a request."""

import logging
import threading
import time

from flask import Flask, current_app

EXTENSION = "shared_cache"
log = logging.getLogger(__name__)


class MemoryCache:
    """Strings by key with a lifetime, in this process (each gunicorn worker has its own)."""

    shared = False

    def __init__(self, clock=time.monotonic):
        self._values: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: str) -> str | None:
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            if found[0] <= self._clock():
                del self._values[key]
                return None
            return found[1]

    def set(self, key: str, value: str, seconds: float) -> None:
        with self._lock:
            now = self._clock()
            # expired entries go as new ones come: the keys are few (a language, a version)
            for old in [k for k, (until, _) in self._values.items() if until <= now]:
                del self._values[old]
            self._values[key] = (now + seconds, value)


class RedisCache:
    """Strings by key with a lifetime, in Redis: all workers and hosts share them."""

    shared = True

    def __init__(self, url: str, prefix: str = "saferound:"):
        import redis

        self.prefix = prefix
        # short timeouts: a cache that hangs would hold up the request it should speed up
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5,
                                           health_check_interval=30)

    def get(self, key: str) -> str | None:
        import redis

        try:
            value = self.client.get(self.prefix + key)
        except redis.RedisError as e:
            log.warning("shared cache unreachable, computing instead: %s", e)
            return None
        return None if value is None else value.decode()

    def set(self, key: str, value: str, seconds: float) -> None:
        import redis

        try:
            self.client.set(self.prefix + key, value.encode(), px=max(1, int(seconds * 1000)))
        except redis.RedisError as e:
            log.warning("shared cache unreachable, value not kept: %s", e)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions[EXTENSION] = RedisCache(url) if url else MemoryCache()


def shared_cache() -> MemoryCache | RedisCache:
    return current_app.extensions[EXTENSION]
