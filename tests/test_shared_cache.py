"""The shared cache: values kept for their lifetime, in this process or in a real Redis, and
a cache fault is never the request's."""

import uuid

from app.common.shared import MemoryCache, RedisCache
from tests import servers


def test_memory_values_last_their_lifetime_only():
    clock = [100.0]
    cache = MemoryCache(clock=lambda: clock[0])
    cache.set("wall:zh", "body", 5)
    clock[0] += 4.9
    assert cache.get("wall:zh") == "body"
    clock[0] += 0.2
    assert cache.get("wall:zh") is None


def test_redis_values_are_seen_by_another_client(redis_url):
    key = f"k-{uuid.uuid4()}"
    RedisCache(redis_url).set(key, "数据 data", 30)
    assert RedisCache(redis_url).get(key) == "数据 data"


def test_redis_values_expire(redis_url):
    key = f"k-{uuid.uuid4()}"
    cache = RedisCache(redis_url)
    cache.set(key, "x", 30)
    assert cache.client.pttl(cache.prefix + key) in range(29_000, 30_001)


def test_an_unreachable_redis_is_a_miss_not_an_error():
    cache = RedisCache(f"redis://127.0.0.1:{servers.free_port()}/0")
    cache.set("wall:en", "body", 5)  # nothing raised
    assert cache.get("wall:en") is None


def test_the_app_uses_redis_when_redis_url_is_set(tmp_path, monkeypatch, redis_url):
    from tests.conftest import running_app

    with running_app(tmp_path, monkeypatch, REDIS_URL=redis_url) as app:
        from app.auth.throttle import storage_uri
        from app.common.shared import shared_cache

        assert isinstance(shared_cache(), RedisCache)
        assert storage_uri(app) == redis_url
