"""A circuit breaker per node, driven by whole node outcomes, shared by hub workers in Redis.

The fan-out decides an outcome only when a node answers or its deadline passes, so the
breaker is consulted in two steps: `admit()` before calling (an open circuit refuses at
once, with the reason; once the cool-down has passed one trial call goes through,
half-open) and `record()` afterwards (ok closes, timeout or error counts as a failure;
`fail_max` consecutive failures open the circuit for `reset_s` seconds; a failed trial
opens it again).

With Redis (`shared`), the circuit lives in one Redis hash per node, read and moved by
Lua scripts on Redis's clock, so every hub worker sees the failures the others saw and
only one of them makes the trial call. The trial is a lease: a worker that dies during
its trial holds it for at most `reset_s`. Each worker also keeps the same circuit locally,
fed by its own outcomes; while Redis fails, `admit()` asks that one instead.
"""

import threading
import time
from dataclasses import dataclass

from federation.fanout.shared import UNAVAILABLE, SharedRedis, Unavailable

CALL, OPEN, TRIAL = 0, 1, 2
STATE_TTL_MS = 24 * 3600 * 1000  # a circuit nobody touched for a day is forgotten

_ADMIT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local s = redis.call('HMGET', KEYS[1], 'failures', 'opened', 'trial')
local failures = tonumber(s[1]) or 0
local opened = tonumber(s[2])
if not opened then return {0, failures, 0} end
local reset = tonumber(ARGV[1])
if now < opened + reset then return {1, failures, opened + reset - now} end
if (tonumber(s[3]) or 0) > now then return {2, failures, 0} end
redis.call('HSET', KEYS[1], 'trial', now + reset)
return {0, failures, 0}
"""

_RECORD = """
if ARGV[1] == '0' then return redis.call('DEL', KEYS[1]) end
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HDEL', KEYS[1], 'trial')
local opened = tonumber(redis.call('HGET', KEYS[1], 'opened'))
if (not opened and failures >= tonumber(ARGV[2]))
    or (opened and now >= opened + tonumber(ARGV[3])) then
  redis.call('HSET', KEYS[1], 'opened', now)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return failures
"""

_PEEK = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local opened = tonumber(redis.call('HGET', KEYS[1], 'opened'))
if not opened then return 'closed' end
if now < opened + tonumber(ARGV[1]) then return 'open' end
return 'half-open'
"""


@dataclass(frozen=True)
class Verdict:
    kind: int  # CALL | OPEN | TRIAL
    failures: int
    wait_s: float = 0.0

    @property
    def reason(self) -> str | None:
        if self.kind == OPEN:
            return f"circuit open after {self.failures} failures; retry after {self.wait_s:.1f} s"
        if self.kind == TRIAL:
            return "circuit half-open: a trial call is under way"
        return None


class LocalCircuit:
    """The circuit in this process (the same rules as the Lua scripts), on the monotonic clock."""

    def __init__(self, fail_max: int, reset_s: float) -> None:
        self.fail_max, self.reset_s = fail_max, reset_s
        self.failures = 0
        self._opened: float | None = None
        self._trial_until = 0.0
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened is None:
                return "closed"
            return "open" if time.monotonic() < self._opened + self.reset_s else "half-open"

    def admit(self) -> Verdict:
        now = time.monotonic()
        with self._lock:
            if self._opened is None:
                return Verdict(CALL, self.failures)
            if now < self._opened + self.reset_s:
                return Verdict(OPEN, self.failures, self._opened + self.reset_s - now)
            if self._trial_until > now:
                return Verdict(TRIAL, self.failures)
            self._trial_until = now + self.reset_s
            return Verdict(CALL, self.failures)

    def record(self, failed: bool) -> None:
        now = time.monotonic()
        with self._lock:
            self._trial_until = 0.0
            if not failed:
                self.failures, self._opened = 0, None
                return
            self.failures += 1
            if (self._opened is None and self.failures >= self.fail_max) or (
                    self._opened is not None and now >= self._opened + self.reset_s):
                self._opened = now


class SharedCircuit:
    """The circuit in Redis; every method returns UNAVAILABLE when Redis does not answer."""

    def __init__(self, shared: SharedRedis, name: str, fail_max: int, reset_s: float) -> None:
        self._shared = shared
        self._key = shared.key("breaker", name)
        self._fail_max, self._reset_ms = fail_max, int(reset_s * 1000)
        self._admit = shared.client.register_script(_ADMIT)
        self._record = shared.client.register_script(_RECORD)
        self._peek = shared.client.register_script(_PEEK)
        self.clean = False  # the last admit saw a closed circuit without failures

    def state(self) -> str | Unavailable:
        state = self._shared.run(lambda _: self._peek(keys=[self._key], args=[self._reset_ms]))
        return state if isinstance(state, Unavailable) else state.decode()

    def admit(self) -> Verdict | Unavailable:
        answer = self._shared.run(
            lambda _: self._admit(keys=[self._key], args=[self._reset_ms]))
        if isinstance(answer, Unavailable):
            return answer
        kind, failures, wait_ms = (int(x) for x in answer)
        self.clean = kind == CALL and failures == 0
        return Verdict(kind, failures, wait_ms / 1000)

    def record(self, failed: bool) -> None:
        if not failed and self.clean:
            return  # closed without failures when admitted: nothing to reset (saves a trip)
        self._shared.run(lambda _: self._record(
            keys=[self._key],
            args=[int(failed), self._fail_max, self._reset_ms, STATE_TTL_MS]))


class NodeBreaker:
    """One node's circuit: shared in Redis when there is one, local while Redis fails."""

    def __init__(self, name: str, fail_max: int, reset_s: float,
                 shared: SharedRedis | None = None) -> None:
        self.name = name
        self.local = LocalCircuit(fail_max, reset_s)
        self.shared = SharedCircuit(shared, name, fail_max, reset_s) if shared else None

    @property
    def state(self) -> str:
        """closed | open | half-open: as Redis has it, or the local circuit's when it fails."""
        if self.shared is not None:
            state = self.shared.state()
            if not isinstance(state, Unavailable):
                return state
        return self.local.state

    def admit(self) -> str | None:
        """None: call the node. Otherwise the reason it is reported `unavailable`."""
        verdict = self.shared.admit() if self.shared is not None else UNAVAILABLE
        if isinstance(verdict, Unavailable):
            verdict = self.local.admit()
        return verdict.reason

    def record(self, failed: bool) -> None:
        """The outcome of an admitted call (failed: timeout or error) moves the circuit."""
        self.local.record(failed)
        if self.shared is not None:
            self.shared.record(failed)
