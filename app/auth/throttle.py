"""Login throttling: failed logins counted per account and per client address.

Counts live in a `limits` storage (memory by default; Redis for several hosts) as moving
windows. When a window is full the account or address is locked until its oldest failure
leaves the window, so the wait grows with the failures: the rest of a minute, then of a
quarter-hour, then of an hour. An attempt reserves its place in the account's windows before
its password is checked and a success gives the places back, so only failures stay counted and
logging in often costs nothing.
"""

import math
import time
from datetime import UTC, datetime

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "saferound.login_throttle"
SCOPES = ("account", "address")
# A Redis that hangs must not hold logins: each of its answers is awaited this long at most,
# then the login is refused with a 503 as when Redis is down.
REDIS_TIMEOUT_SECONDS = 1.0
REDIS_SCHEMES = ("redis", "rediss", "redis+unix")
# Said when simultaneous attempts filled a window between the check and the reservation.
SHORTEST_WAIT = 1.0


class LoginThrottle:
    """Failed-login windows per account (the username as typed, known or not) and per address."""

    def __init__(self, storage_uri: str, account_limits: str, address_limits: str, clock=time.time):
        self.storage = storage_from_string(storage_uri, wrap_exceptions=True,
                                           **storage_options(storage_uri))
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.windows: dict[str, list[RateLimitItem]] = {
            "account": parse_many(account_limits), "address": parse_many(address_limits)}
        # The storage's clock; tests move both together.
        self.clock = clock

    def now(self) -> datetime:
        """The throttle's now, as the naive UTC the database stores."""
        return datetime.fromtimestamp(self.clock(), UTC).replace(tzinfo=None)

    def seconds_locked(self, scope: str, key: str) -> float:
        """How long `key` stays locked in `scope`: 0 when free."""
        longest = 0.0
        for window in self.windows[scope]:
            if not self.limiter.test(window, scope, key):
                reset_at, _remaining = self.limiter.get_window_stats(window, scope, key)
                longest = max(longest, reset_at - self.clock())
        return longest

    def locks(self, username: str, address: str) -> dict[str, float]:
        """The scopes that are locked now, with the seconds each has left."""
        keys = {"account": username, "address": address}
        waits = {scope: self.seconds_locked(scope, keys[scope]) for scope in SCOPES}
        return {scope: seconds for scope, seconds in waits.items() if seconds > 0}

    def reserve(self, username: str) -> bool:
        """Take this attempt's place in each of the account's windows before its password is
        checked; False when a window is full. Each window's hit is atomic in the storage, so
        simultaneous requests cannot get more checks than a window holds."""
        return all(self.limiter.hit(window, "account", username)
                   for window in self.windows["account"])

    def fail(self, username: str, address: str) -> dict[str, float]:
        """Count a failed login against the address (the account's place was reserved); the
        scopes now locked, with seconds left."""
        for window in self.windows["address"]:
            self.limiter.hit(window, "address", address)
        return self.locks(username, address)

    def forget_account(self, username: str) -> None:
        """Drop an account's failures: after a successful login, or an administrator's unlock."""
        for window in self.windows["account"]:
            self.limiter.clear(window, "account", username)


def init_app(app: Flask) -> None:
    """One throttle per application (so tests never share counts); a bad setting stops start-up."""
    try:
        throttle = LoginThrottle(storage_uri(app),
                                 app.config["LOGIN_ACCOUNT_LIMITS"],
                                 app.config["LOGIN_ADDRESS_LIMITS"])
    except (ConfigurationError, ValueError) as e:
        raise RuntimeError(
            "Check RATELIMIT_STORAGE_URI (memory:// or redis://host:6379/0) and "
            f"LOGIN_ACCOUNT_LIMITS / LOGIN_ADDRESS_LIMITS ('5/minute;10/15 minutes'): {e}"
        ) from e
    app.extensions[EXTENSION] = throttle


def storage_uri(app: Flask) -> str:
    """Where the counts live: RATELIMIT_STORAGE_URI, else the hosts' shared Redis, else this
    process."""
    return (app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL")
            or "memory://")


def storage_options(uri: str) -> dict[str, float]:
    """Bounded waits for a Redis storage (passed to redis-py); others take none."""
    if uri.partition("://")[0] not in REDIS_SCHEMES:
        return {}
    return {"socket_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS}


def login_throttle() -> LoginThrottle:
    return current_app.extensions[EXTENSION]


def client_address() -> str:
    """The address a login came from. Behind PROXY_FIX reverse proxies, werkzeug's ProxyFix has
    already put the entry the nearest of them wrote into X-Forwarded-For here (the entries
    before it are the client's to forge)."""
    return (request.remote_addr or "unknown")[:64]


def minutes_to_wait(seconds: float) -> int:
    """Whole minutes to tell a person, never 0."""
    return max(1, math.ceil(seconds / 60))
