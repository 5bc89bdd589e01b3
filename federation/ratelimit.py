"""Rate limits per identity on the surfaces people use: a token bucket per caller.

Kept in the hub process's memory (one bucket per identity and surface); with several hub
workers each holds its own buckets, so the effective limit is per worker.
"""

import threading
import time
from dataclasses import dataclass

from runtime.errors import DomainError


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"Too many requests from this identity; retry in "
                         f"{retry_after_s:.0f} s.")
        self.headers = {"Retry-After": str(max(1, round(retry_after_s)))}


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`per_minute` requests a minute per key, in bursts of up to `per_minute`."""

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key) or _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute),
                                bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                self._buckets[key] = bucket
                raise RateLimited((1.0 - bucket.tokens) / rate)
            bucket.tokens -= 1.0
            self._buckets[key] = bucket
            if len(self._buckets) > 100_000:  # forget idle callers rather than grow forever
                self._buckets = {k: b for k, b in self._buckets.items()
                                 if now - b.updated < 120}
