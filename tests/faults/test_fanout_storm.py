"""10,000 fan-out queries against nodes that fail at random: no hub 5xx, every answer
within its deadline plus 100 ms, every archive's status right.

The hub runs as in production (gunicorn, two worker processes, PostgreSQL, circuits shared
in a private Redis) in front of six archives: five storm nodes in a process of their own
(`storm_nodes.py`), told by each query's purpose what to do — answer, answer slowly, hang
past the deadline, answer 500, garbage or a stranger's signature — and one archive that is
down (nobody listens). Up to 16 clients send the queries over HTTP, paced at 40 a second
(`LIANCHA_STORM_RATE`): a load this 2-core machine carries along with the nodes, the
database and the clients themselves, so that what is measured is the hub keeping its
deadlines, not requests queueing behind an overloaded CPU. The plans are random with a
fixed seed; what each archive's status must be follows from its plan:

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
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

from federation.identity import mint_clerk_token
from schemas.signing import generate_key_pair, load_private_key
from tests.faults.storm_nodes import EXPECTED
from tests.federation.fanout.test_redis_support import PrivateRedis
from tests.processes import Processes, background, wait_for
from tests.test_deployment import free_port

QUERIES = int(os.environ.get("LIANCHA_STORM_QUERIES", "10000"))
RATE = float(os.environ.get("LIANCHA_STORM_RATE", "40"))  # queries a second, at most
CLIENTS = 16
NODE_DEADLINE_S, OVERALL_DEADLINE_S = 0.4, 1.0
WEIGHTS = {"o": 70, "s": 10, "h": 5, "e": 5, "g": 5, "k": 5}
STORM_NODES, DOWN = 5, 1


@dataclass
class Storm:
    url: str
    token: str
    codes: list[str]  # registry order: the storm nodes, then the down archive
    processes: Processes


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    took: list[tuple[float, float]] = field(default_factory=list)  # (hub's took_ms, client's)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def storm(tmp_path: Path, postgres_url: str, database_url: str) -> Iterator[Storm]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    generate_key_pair(tmp_path / "keys" / "hub")
    _, identity_public = generate_key_pair(tmp_path / "keys" / "identity")
    port = free_port()
    environment = {
        "LIANCHA_NODES": str(tmp_path / "nodes.yaml"),
        "LIANCHA_SIGNING_KEY": str(tmp_path / "keys" / "hub" / "private.pem"),
        "LIANCHA_IDENTITY_PUBLIC_KEY": str(identity_public),
        "LIANCHA_DATABASE_URL": database_url,
        "LIANCHA_CERTIFICATE_KEYS": str(tmp_path / "keys" / "certificates"),
        "LIANCHA_REDIS_URL": redis.url, "LIANCHA_UPGRADE_SCHEMA": "false",
        "LIANCHA_NODE_DEADLINE_S": str(NODE_DEADLINE_S),
        "LIANCHA_OVERALL_DEADLINE_S": str(OVERALL_DEADLINE_S),
        "LIANCHA_BREAKER_FAIL_MAX": "20", "LIANCHA_BREAKER_RESET_S": "5",
        "LIANCHA_HOST": "127.0.0.1", "LIANCHA_PORT": str(port),
        "LIANCHA_WORKERS": "2", "LIANCHA_THREADS": "16",
        "LIANCHA_PROBE_INTERVAL_S": "0", "LIANCHA_REMINDER_INTERVAL_S": "0",
        "LIANCHA_LOG_FORMAT": "json",
    }
    try:
        with background(tmp_path, environment) as processes:
            processes.start("nodes", [sys.executable, "-m", "tests.faults.storm_nodes",
                                      "--nodes", str(STORM_NODES), "--down", str(DOWN),
                                      "--directory", str(tmp_path), "--slow-archive"])
            wait_for(lambda: "ready" in processes.log("nodes"), 30, "the storm nodes")
            assert processes.liancha("migrate", "hub", "migrate").wait(60) == 0
            processes.hub_under_gunicorn()
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: _ready(url), 60, "the hub under gunicorn")
            registry = yaml.safe_load((tmp_path / "nodes.yaml").read_text("utf-8"))["nodes"]
            token = mint_clerk_token(load_private_key(tmp_path / "keys" / "hub" / "private.pem"),
                                     "storm", "590000", ["receiving"])
            yield Storm(url, token, [entry["code"] for entry in registry], processes)
    finally:
        redis.stop()


def test_a_storm_of_queries_against_failing_nodes(storm: Storm) -> None:
    chooser = random.Random(2026)
    plans = ["".join(chooser.choices(list(WEIGHTS), list(WEIGHTS.values()), k=STORM_NODES))
             for _ in range(QUERIES)]
    tally = Tally()
    local = threading.local()
    started = time.monotonic()

    def paced(index: int) -> None:  # query `index` leaves at its time, or at once if late
        time.sleep(max(0.0, started + index / RATE - time.monotonic()))
        _ask(storm, local, tally, index, plans[index])

    with ThreadPoolExecutor(CLIENTS) as clients:
        for _ in clients.map(paced, range(QUERIES)):
            pass
    wall = time.monotonic() - started

    latencies = sorted(tally.latencies)
    print(f"\n{QUERIES} queries in {wall:.1f} s ({QUERIES / wall:.0f}/s, paced at {RATE:.0f}/s "
          f"by up to {CLIENTS} clients); latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
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


def _ask(storm: Storm, local: threading.local, tally: Tally, index: int, plan: str) -> None:
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
        return
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


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False

