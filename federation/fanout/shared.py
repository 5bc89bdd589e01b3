"""The Redis that hub workers share (breaker state, answer cache), used so that it can fail.

Redis is a help, never a dependency of an answer: every command runs with short socket
timeouts and no retries but one immediate reconnect, and after a failure `SharedRedis`
stops trying for `retry_after_s` (the callers fall back at once: local breakers, no
cache). `run(fn)` returns `fn(client)`'s result, or `UNAVAILABLE` when Redis is down or
being left alone; it never raises a Redis error.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Final, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.retry import Retry

SOCKET_TIMEOUT_S = 0.1  # a healthy Redis on the hub's network answers in well under 1 ms
RETRY_AFTER_S = 5.0
KEY_PREFIX = "liancha:"

log = logging.getLogger(__name__)
T = TypeVar("T")


class Unavailable:
    """The type of `UNAVAILABLE`: Redis was not asked, or did not answer."""

    def __repr__(self) -> str:
        return "UNAVAILABLE"


UNAVAILABLE: Final = Unavailable()


class SharedRedis:
    """One Redis client with a fuse: a failure makes every caller fall back for a while."""

    def __init__(self, url: str, socket_timeout_s: float = SOCKET_TIMEOUT_S,
                 retry_after_s: float = RETRY_AFTER_S) -> None:
        self.url = url
        self.retry_after_s = retry_after_s
        # one immediate retry on a broken connection only: it reconnects a pooled socket
        # that a Redis restart closed; a timeout is not retried (it would double the wait)
        self.client = redis.Redis.from_url(
            url, socket_timeout=socket_timeout_s, socket_connect_timeout=socket_timeout_s,
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)))
        self._lock = threading.Lock()
        self._down_until = 0.0
        self.failures = 0  # how many times Redis failed (tests and metrics look at it)

    def key(self, *parts: str) -> str:
        return KEY_PREFIX + ":".join(parts)

    @property
    def available(self) -> bool:
        """False while the fuse is blown (no Redis command is tried then)."""
        return time.monotonic() >= self._down_until

    def run(self, command: Callable[[redis.Redis], T]) -> T | Unavailable:
        if not self.available:
            return UNAVAILABLE
        try:
            return command(self.client)
        except (RedisError, OSError) as exc:
            self._blow(exc)
            return UNAVAILABLE

    def close(self) -> None:
        self.client.close()

    def _blow(self, exc: BaseException) -> None:
        with self._lock:
            first = self.available
            self._down_until = time.monotonic() + self.retry_after_s
            self.failures += 1
        if first:
            log.warning("Redis at %s failed (%s); local breakers and no answer cache for "
                        "%.0f s", _without_password(self.url), exc, self.retry_after_s)


def _without_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}://{'***@' if at else ''}{host}" if credentials or at else url
