"""Abuse limits: per identity on every surface, per address where nobody is identified.

Counters are kept by the `limits` library (the storage flask-limiter is built on), in
Redis when the hub has `REDIS_URL`, so that every gunicorn worker and every hub instance
counts together; in the process's memory otherwise (the demo). When Redis fails, the
process's own counters decide (per process, as before) until it answers again: a limit
never stops honest callers because its store is away.

- every call of an identified caller counts against its identity, on whichever surface:
  a person (app token or kiosk session, one key for both: their id number) `PERSON`, a
  clerk `CLERK`, a platform client `CLIENT` calls a minute;
- callers nobody has identified count against their address: certificate verification
  (`VERIFY`), the national token endpoint (`TOKEN`), kiosk card reads (`CARD_READ`);
- failed clerk logins count per username and address, and per address (`LoginThrottle`):
  a flood of wrong passwords from one place does not lock the username's owner out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from runtime.errors import DomainError

log = logging.getLogger(__name__)
REDIS_TIMEOUT_S = 0.1
FUSE_S = 5.0  # after a Redis error, the process's own counters decide this long


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, retry_after_s: float, detail: str | None = None) -> None:
        super().__init__(detail or f"Too many requests; retry in {retry_after_s:.0f} s.")
        self.headers = {"Retry-After": str(max(1, round(retry_after_s)))}


@dataclass(frozen=True)
class Budget:
    """A limit and what it counts: `amount` calls (0: no limit) by one key in `seconds`."""

    name: str
    amount: int
    seconds: int = 60

    def item(self) -> RateLimitItem | None:
        return RateLimitItemPerSecond(self.amount, self.seconds) if self.amount > 0 else None


@dataclass(frozen=True)
class Budgets:
    """The hub's budgets, from its settings (`federation.config.Guards`)."""

    person: Budget
    clerk: Budget
    client: Budget
    verify: Budget
    token: Budget
    card_read: Budget

    @classmethod
    def of(cls, guards: object) -> Budgets:
        def per_minute(name: str, field: str) -> Budget:
            return Budget(name, int(getattr(guards, field)))

        return cls(per_minute("person", "person_per_minute"),
                   per_minute("clerk", "clerk_per_minute"),
                   per_minute("client", "client_per_minute"),
                   per_minute("verify", "verify_per_minute"),
                   per_minute("token", "token_per_minute"),
                   per_minute("card-read", "card_reads_per_minute"))

    def of_caller(self, identity: object) -> tuple[Budget, str]:
        """A person counts by their id number (app and kiosk alike), others by subject."""
        role = getattr(identity, "role", "")
        if role in ("citizen", "kiosk"):
            return self.person, f"person:{getattr(identity, 'id_number', '')}"
        budget = self.clerk if role == "clerk" else self.client
        return budget, str(getattr(identity, "subject", ""))


class Limits:
    """The hub's counters: `hit(budget, key)` counts one call and refuses one too many."""

    def __init__(self, redis_url: str | None = None, secret: bytes = b"",
                 clock: Callable[[], float] = time.monotonic) -> None:
        # counters are kept under a keyed hash of who or where: nothing in Redis names anyone
        self._secret = secret or os.urandom(32)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared = MovingWindowRateLimiter(RedisStorage(
            redis_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S,
            wrap_exceptions=True)) if redis_url else None
        self._clock = clock
        self._fused_until = 0.0

    def hit(self, budget: Budget, key: str, detail: str | None = None) -> None:
        item = budget.item()
        if item is None:
            return
        limiter = self._limiter()
        try:
            allowed = limiter.hit(item, budget.name, self._hidden(key))
            retry = limiter.get_window_stats(item, budget.name,
                                             self._hidden(key)).reset_time - time.time()
        except Exception as exc:  # noqa: BLE001  (Redis away: count locally, never fail)
            self._blow(exc)
            allowed = self._local.hit(item, budget.name, self._hidden(key))
            retry = self._local.get_window_stats(item, budget.name,
                                                 self._hidden(key)).reset_time - time.time()
        if not allowed:
            raise RateLimited(max(retry, 1.0), detail)

    def count(self, budget: Budget, key: str) -> int:
        """How many calls `key` has made within the budget's window."""
        item = budget.item()
        if item is None:
            return 0
        limiter = self._limiter()
        hidden = self._hidden(key)
        try:
            return item.amount - limiter.get_window_stats(item, budget.name, hidden).remaining
        except Exception as exc:  # noqa: BLE001
            self._blow(exc)
            return item.amount - self._local.get_window_stats(item, budget.name,
                                                              hidden).remaining

    def clear(self, budget: Budget, key: str) -> None:
        item = budget.item()
        if item is None:
            return
        for limiter in (self._local, self._shared):
            if limiter is not None:
                try:
                    limiter.clear(item, budget.name, self._hidden(key))
                except Exception as exc:  # noqa: BLE001
                    self._blow(exc)

    def _hidden(self, key: str) -> str:
        return hmac.new(self._secret, key.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def _limiter(self) -> MovingWindowRateLimiter:
        if self._shared is not None and self._clock() >= self._fused_until:
            return self._shared
        return self._local

    def _blow(self, exc: Exception) -> None:
        if self._clock() >= self._fused_until:
            log.warning("rate limits: Redis did not answer (%s); counting in this process "
                        "for %.0f s", exc, FUSE_S)
        self._fused_until = self._clock() + FUSE_S


class LoginThrottle:
    """Failed clerk logins: at most `per_user` per username from one address, and
    `per_address` from one address, in `window_s`; then that pair (or that address) is
    refused until the window has passed. A right password from elsewhere still logs in."""

    def __init__(self, limits: Limits, per_user: int = 5, per_address: int = 20,
                 window_s: int = 15 * 60) -> None:
        self._limits = limits
        self._pair = Budget("login-pair", per_user, window_s)
        self._address = Budget("login-address", per_address, window_s)

    def check(self, username: str, address: str) -> None:
        """Refuse before the password is even checked when either count is used up."""
        for budget, key in ((self._pair, f"{username}@{address}"), (self._address, address)):
            if budget.item() is not None and self._limits.count(budget, key) >= budget.amount:
                raise RateLimited(budget.seconds,
                                  f"Too many failed logins from this address; retry in "
                                  f"{budget.seconds // 60} minutes.")

    def failed(self, username: str, address: str) -> None:
        for budget, key in ((self._pair, f"{username}@{address}"), (self._address, address)):
            try:
                self._limits.hit(budget, key)
            except RateLimited:
                pass  # counted: the next attempt is refused by `check`

    def succeeded(self, username: str, address: str) -> None:
        self._limits.clear(self._pair, f"{username}@{address}")
