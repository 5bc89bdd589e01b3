"""10,000 fan-out queries against nodes that fail at random: no hub 5xx, every answer
within its deadline plus 100 ms, every archive's status right.

The hub runs as in production (gunicorn with four worker processes as in the compose file,
PostgreSQL, circuits shared in a private Redis) in front of six archives: five storm nodes
in a process of their own (`storm_nodes.py`), told by each query's purpose what to do —
answer, answer slowly, hang past the deadline, answer 500, garbage or a stranger's signature
— and one archive that is down (nobody listens). One storm node is an archive whose own
deadline (10 s) is longer than the hub's overall one (1 s), so that its hangs are cut by the
overall deadline. Up to 16 clients send the queries over HTTP, paced at 40% of what the hub
carries on this machine at the time (measured first with 300 queries every node answers;
`LIANCHA_STORM_RATE` sets a pace instead), slowing down for a while when answers that waited
on no hanging archive get slow: the hub, the nodes, PostgreSQL and the clients share 2 cores
whose speed varies with the host's other work, and what is measured is the hub keeping its
deadlines, not requests queueing behind a CPU that has none to spare. The plans are random
with a fixed seed; what each archive's status must be follows from its plan:

    ok, slow -> ok;  hang -> timeout;  500, garbage, bad signature -> error;
    the down archive -> error (connection refused), or unavailable once its circuit opened.

The circuits open after 20 failures in a row, which the storm nodes (1 call in 5 failing)
never reach in practice, so their statuses are exact; the down archive reaches it at once.
The deadline is the hub's overall one, measured by the client around the whole HTTP call.
`LIANCHA_STORM_QUERIES` runs fewer (or more) queries.
"""

import os
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.faults.storm_hub import StormHub, storm_hub
from tests.faults.storm_nodes import EXPECTED

QUERIES = int(os.environ.get("LIANCHA_STORM_QUERIES", "10000"))
RATE = float(os.environ.get("LIANCHA_STORM_RATE", "0"))  # queries a second; 0: measured
CALIBRATION, LOAD, MIN_RATE, MAX_RATE = 300, 0.4, 12.0, 80.0
BUSY_S = 0.2  # answers that waited on no hanging archive: the 90th percentile past this
# means the hub is short of CPU, and the storm slows down
CLIENTS = 16
# A slow answer (100 ms) has 400 ms to spare before its node's deadline: on this two-core
# machine a hub worker's event loop, sharing its process's lock with request threads and its
# cores with three other workers, the nodes, PostgreSQL and the clients, once read one
# 300 ms late (1 call in 50,000; CI of 2026-12-07). Hangs last 12 s, so the margin does not
# blur ok from timeout.
NODE_DEADLINE_S, OVERALL_DEADLINE_S = 0.5, 1.0
WEIGHTS = {"o": 70, "s": 10, "h": 5, "e": 5, "g": 5, "k": 5}
STORM_NODES, DOWN = 5, 1


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    took: list[tuple[float, float]] = field(default_factory=list)  # (hub's took_ms, client's)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def storm(tmp_path: Path, postgres_url: str, database_url: str) -> Iterator[StormHub]:
    with storm_hub(tmp_path, database_url, STORM_NODES, DOWN, slow_archive=True,
                   NODE_DEADLINE_S=NODE_DEADLINE_S, OVERALL_DEADLINE_S=OVERALL_DEADLINE_S,
                   BREAKER_FAIL_MAX=20, BREAKER_RESET_S=5) as hub:
        yield hub


def test_a_storm_of_queries_against_failing_nodes(storm: StormHub) -> None:
    pacer = Pacer(RATE or _pace(storm))
    chooser = random.Random(2026)
    plans = ["".join(chooser.choices(list(WEIGHTS), list(WEIGHTS.values()), k=STORM_NODES))
             for _ in range(QUERIES)]
    tally = Tally()
    wall = _send(storm, tally, plans, pacer, CLIENTS)

    latencies = sorted(tally.latencies)
    print(f"\n{QUERIES} queries in {wall:.1f} s ({QUERIES / wall:.0f}/s, paced at "
          f"{pacer.ceiling:.0f}/s, at times {pacer.lowest:.0f}/s, by up to {CLIENTS} clients); "
          f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(0.95 * len(latencies))] * 1000:.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms (limit {(OVERALL_DEADLINE_S + 0.1) * 1000:.0f})")
    print("statuses:", dict(sorted(tally.statuses.items())))
    slowest = sorted(tally.took, key=lambda pair: -pair[1])[:5]
    print("slowest (hub's took_ms: fan-out and merge / the client's ms):",
          ", ".join(f"{hub:.0f}/{client:.0f}" for hub, client in slowest))
    assert len(latencies) == QUERIES
    assert not tally.problems, (f"{len(tally.problems)} problems, the first: "
                                + "\n".join(tally.problems[:20]))
    down = storm.codes[-1]
    assert tally.statuses[(down, "unavailable")] > 0  # its circuit opened, as it should


def _pace(storm: StormHub) -> float:
    """The storm's pace: a share (`LOAD`) of what the hub carries on this machine now,
    measured with every node answering and as many queries at once as the storm sends."""
    _send(storm, Tally(), ["o" * STORM_NODES] * 40, Pacer(None), 2)  # warm up the workers
    tally = Tally()
    wall = _send(storm, tally, ["o" * STORM_NODES] * CALIBRATION, Pacer(None), CLIENTS)
    # flat out, answers come late and calls time out (hence the pacing); never a 5xx
    failed = [problem for problem in tally.problems if ": HTTP " in problem
              or ": no answer" in problem]
    assert not failed, failed[:5]
    capacity = CALIBRATION / wall
    rate = min(MAX_RATE, max(MIN_RATE, LOAD * capacity))
    print(f"\nthe hub carries {capacity:.0f} queries/s here now: the storm goes at {rate:.0f}/s")
    return rate


class Pacer:
    """Sends at `rate` a second (None: as fast as the clients go), never in bursts to catch
    up. It slows down by a fifth whenever, over the last 50 answers, those that waited on no
    hanging archive took more than `BUSY_S` at the 90th percentile (the machine, shared
    with the nodes, the database and the clients, has less to give than when the pace was
    set), and speeds up again towards `rate` once they are quick."""

    def __init__(self, rate: float | None) -> None:
        self.ceiling = self.rate = rate
        self.lowest = rate
        self._next_at = time.monotonic()
        self._window: list[float] = []
        self._lock = threading.Lock()

    def wait(self) -> None:
        if self.rate is None:
            return
        with self._lock:
            now = time.monotonic()
            at = self._next_at = max(self._next_at, now)
            self._next_at += 1 / self.rate
        time.sleep(max(0.0, at - now))

    def observe(self, plan: str, took_s: float) -> None:
        if self.rate is None or "h" in plan:
            return
        with self._lock:
            self._window.append(took_s)
            if len(self._window) < 50:
                return
            busy = sorted(self._window)[44] > BUSY_S
            self._window.clear()
            self.rate = max(MIN_RATE, self.rate * 0.8) if busy else min(
                self.ceiling, self.rate * 1.05)  # type: ignore[type-var]
            self.lowest = min(self.lowest, self.rate)  # type: ignore[type-var]


def _send(storm: StormHub, tally: Tally, plans: list[str], pacer: Pacer, clients: int) -> float:
    """Send one query per plan at the pacer's pace; the seconds it took."""
    local = threading.local()
    started = time.monotonic()

    def paced(index: int) -> None:
        pacer.wait()
        took = _ask(storm, local, tally, index, plans[index])
        pacer.observe(plans[index], took)

    with ThreadPoolExecutor(clients) as pool:
        for _ in pool.map(paced, range(len(plans))):
            pass
    return time.monotonic() - started


def _ask(storm: StormHub, local: threading.local, tally: Tally, index: int, plan: str) -> float:
    """Send query `index`, check its answer; the seconds it took."""
    if not hasattr(local, "session"):
        local.session = requests.Session()
    began = time.monotonic()
    try:
        response = local.session.post(
            f"{storm.url}/api/v1/queries", timeout=10,
            headers={"Authorization": f"Bearer {storm.token}"},
            json={"subject": {"name": "张国华"}, "purpose": f"storm-{index}:{plan}"})
    except requests.RequestException as exc:
        with tally.lock:
            tally.problems.append(f"query {index}: no answer: {exc}")
        return time.monotonic() - began
    took = time.monotonic() - began
    problems = []
    if response.status_code != 200:
        problems.append(f"query {index}: HTTP {response.status_code}: {response.text[:200]}")
    if took > OVERALL_DEADLINE_S + 0.1:
        problems.append(f"query {index}: answered in {took * 1000:.0f} ms")
    seen = []
    if response.status_code == 200:
        with tally.lock:
            tally.took.append((response.json()["took_ms"], took * 1000))
        nodes = response.json()["nodes"]
        for position, (code, node) in enumerate(zip(storm.codes, nodes, strict=True)):
            seen.append((code, node["status"]))
            problem = _wrong_status(position, plan, node)
            if problem:
                problems.append(f"query {index} ({plan}), archive {code}: {problem}")
    with tally.lock:
        tally.latencies.append(took)
        tally.statuses.update(seen)
        tally.problems += problems
    return took


def _wrong_status(position: int, plan: str, node: dict) -> str | None:
    status, error = node["status"], node.get("error") or ""
    if position >= len(plan):  # the archive that is down
        if status == "unavailable" or (status == "error" and "refused" in error):
            return None
        return f"down, but {status}: {error}"
    expected = EXPECTED[plan[position]]
    if status != expected:
        return f"plan {plan[position]!r} should be {expected}, was {status}: {error}"
    return None
