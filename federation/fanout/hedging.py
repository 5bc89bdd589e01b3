"""When to send a second, identical request to a slow node, and how many may be sent.

Per node: the latencies of its recent answers (a window of `WINDOW` samples) give the
hedge delay: their 95th percentile with a `MARGIN` (never below `FLOOR_S`, nothing until
`MIN_SAMPLES` answers are known). The margin matters: by definition 5 % of ordinary calls
outlast the p95, so hedging exactly at it would spend the whole budget on ordinary jitter
and leave nothing for the calls that really stall. A token bucket keeps
hedges within `budget` of calls: every first request earns `budget` of a token, a hedge
spends a whole one, and the bucket holds at most `burst` tokens, so over any stretch of n
calls at most budget x n + burst hedges go out. It starts empty: a node earns its first
hedge with its first 1 / budget calls.
"""

import math
import threading
from collections import deque

WINDOW = 100
MIN_SAMPLES = 20
FLOOR_S = 0.010
PERCENTILE = 0.95
MARGIN = 1.2


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class HedgePolicy:
    """One node's latency window and hedge budget; safe to share between threads."""

    def __init__(self, budget: float, window: int = WINDOW, min_samples: int = MIN_SAMPLES,
                 floor_s: float = FLOOR_S, burst: float | None = None) -> None:
        self.budget = max(0.0, budget)
        self.min_samples = min_samples
        self.floor_s = floor_s
        self.burst = burst if burst is not None else max(1.0, self.budget * WINDOW)
        self._latencies: deque[float] = deque(maxlen=window)
        self._tokens = 0.0
        self._lock = threading.Lock()
        self.calls = 0
        self.hedges = 0

    def record(self, latency_s: float) -> None:
        """A request to this node answered (or was cut at its deadline) after `latency_s`."""
        with self._lock:
            self._latencies.append(latency_s)

    @property
    def samples(self) -> list[float]:
        with self._lock:
            return list(self._latencies)

    def delay_s(self) -> float | None:
        """How long to wait for the first answer before hedging; None: do not hedge."""
        if self.budget <= 0:
            return None
        with self._lock:
            if len(self._latencies) < self.min_samples:
                return None
            samples = list(self._latencies)
        return max(self.floor_s, MARGIN * percentile(samples, PERCENTILE))

    def typical_s(self) -> float:
        """The median of recent latencies (0 when none are known): who to call first."""
        with self._lock:
            samples = list(self._latencies)
        return percentile(samples, 0.5) if samples else 0.0

    def on_call(self) -> None:
        """A first request went out: it earns `budget` of a hedge."""
        with self._lock:
            self.calls += 1
            self._tokens = min(self.burst, self._tokens + self.budget)

    def try_hedge(self) -> bool:
        """Spend a token for a hedge if one is there."""
        with self._lock:
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            self.hedges += 1
            return True
