"""A circuit breaker per node (pybreaker), driven by whole node outcomes.

The fan-out decides an outcome only when a node answers or its deadline passes, so the
breaker is consulted in two steps: `admit()` before calling (an open circuit refuses at
once, with the reason; once the cool-down has passed one trial call goes through,
half-open) and `record()` afterwards (ok closes, timeout or error counts as a failure;
`fail_max` consecutive failures open the circuit for `reset_s` seconds).
"""

import threading
import time

import pybreaker


class _NodeFailed(Exception):
    """Stands for a failed outcome inside pybreaker's accounting."""


def _outcome(failed: bool) -> None:
    if failed:
        raise _NodeFailed()


class _OpenedAt(pybreaker.CircuitBreakerListener):
    def __init__(self) -> None:
        self.at = 0.0

    def state_change(self, cb, old_state, new_state) -> None:  # type: ignore[no-untyped-def]
        if new_state.name == pybreaker.STATE_OPEN:
            self.at = time.monotonic()


class NodeBreaker:
    def __init__(self, name: str, fail_max: int, reset_s: float) -> None:
        self._opened = _OpenedAt()
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=fail_max, reset_timeout=reset_s, listeners=[self._opened], name=name)
        self._lock = threading.Lock()
        self._trial = False

    @property
    def state(self) -> str:
        return self._breaker.current_state

    def admit(self) -> str | None:
        """None: call the node. Otherwise the reason it is reported `unavailable`."""
        with self._lock:
            state = self._breaker.current_state
            if state == pybreaker.STATE_CLOSED:
                return None
            if state == pybreaker.STATE_OPEN:
                wait = self._breaker.reset_timeout - (time.monotonic() - self._opened.at)
                if wait > 0:
                    return (f"circuit open after {self._breaker.fail_counter} failures; "
                            f"retry after {wait:.1f} s")
            if self._trial:
                return "circuit half-open: a trial call is under way"
            self._trial = True
            return None

    def record(self, failed: bool) -> None:
        """The outcome of an admitted call: moves the circuit as pybreaker decides."""
        with self._lock:
            self._trial = False
            try:
                self._breaker.call(_outcome, failed)
            except (_NodeFailed, pybreaker.CircuitBreakerError):
                pass
