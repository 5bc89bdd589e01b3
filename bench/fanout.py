"""Benchmark the hub's fan-out over 10 fake archive nodes on loopback.

Nodes are the test suite's fake nodes (real HTTP servers, threaded; by default all ten in one
child process, as separate deployables would be, --nodes-in-process to share the hub's), each
with a fixed service time of 20 to 50 ms, answering one signed, valid record. Prints:

1. hub latency p50 / p95 over --queries searches, as ratios to the slowest node's service
   time (targets <= 1.10 / 1.25) and to calling the nodes one by one (sequential sum);
2. with 2 % of calls stalling 500 ms: hub p95 with hedging and without (target <= 150 ms).

    .venv/bin/python bench/fanout.py                 # 300 queries per phase
    .venv/bin/python bench/fanout.py --queries 100   # a quicker run
"""

import argparse
import multiprocessing
import statistics
import sys
import time
import uuid
from pathlib import Path

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from federation.fanout import FanOut  # noqa: E402
from federation.fanout.client import NodeClient  # noqa: E402
from federation.fanout.hedging import percentile  # noqa: E402
from federation.registry import NodeEntry  # noqa: E402
from schemas.signing import public_jwk  # noqa: E402
from tests.federation.fanout.fakes import FakeNode  # noqa: E402

SERVICE_MS = [round(20 + index * 30 / 9) for index in range(10)]  # 20, 23, 27, ..., 50
WARM_UP = 30
TARGETS = {"p50_ratio": 1.10, "p95_ratio": 1.25, "hedged_p95_ms": 150.0}


def serve_nodes(pipe) -> None:  # type: ignore[no-untyped-def]
    """In a child process: the 10 fake nodes; commands over `pipe` switch their behaviour."""
    nodes = [FakeNode(f"5100{index:02d}", f"档案馆{index}", "slow", delay_ms=ms, seed=index)
             for index, ms in enumerate(SERVICE_MS)]
    pipe.send([(node.code, node.name, node.url, node.key.public_key().public_bytes_raw())
               for node in nodes])
    while (command := pipe.recv()) != "stop":
        for node in nodes:
            node.behaviour, node.stall_ratio, node.stall_ms = command
        pipe.send("done")
    for node in nodes:
        node.stop()


class RemoteNodes:
    """The nodes in a child process, so that their work does not share the hub's GIL."""

    def __init__(self) -> None:
        self.pipe, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=serve_nodes, args=(child,), daemon=True)
        self.process.start()
        self.entries = []
        for code, name, url, raw in self.pipe.recv():
            public = Ed25519PublicKey.from_public_bytes(raw)
            self.entries.append(NodeEntry(code, name, url, {public_jwk(public)["kid"]: public}))

    def stall(self, ratio: float, ms: float) -> None:
        self.pipe.send(("stall_random", ratio, ms))
        self.pipe.recv()

    def stop(self) -> None:
        self.pipe.send("stop")
        self.process.join(5)


def request() -> dict:
    return {"subject": {"name": "张国华", "birth_date": "1952"}, "purpose": "benchmark",
            "request_id": uuid.uuid4().hex}


def time_searches(hub: FanOut, queries: int) -> tuple[list[float], int]:
    """Milliseconds per search (after a warm-up), and how many were not all ok."""
    for _ in range(WARM_UP):
        hub.search(request())
    latencies, incomplete = [], 0
    for _ in range(queries):
        started = time.perf_counter()
        outcomes = hub.search(request())
        latencies.append((time.perf_counter() - started) * 1000)
        incomplete += any(outcome.status != "ok" for outcome in outcomes)
    return latencies, incomplete


def sequential(entries: list[NodeEntry], key: Ed25519PrivateKey, queries: int) -> list[float]:
    """Milliseconds to ask the nodes one by one, same client code, no fan-out."""
    import aiohttp

    from federation.fanout.loop import submit

    clients = [NodeClient(entry, key) for entry in entries]

    async def one_by_one(encoded: bytes, request_id: str) -> None:
        for client in clients:
            attempt = await client.call(session, encoded, request_id, "benchmark",
                                        time.monotonic() + 3.0)
            assert attempt.ok, attempt.error

    async def open_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(trust_env=False)

    session = submit(open_session()).result()
    latencies = []
    for index in range(WARM_UP // 3 + queries):
        body = request()
        encoded = orjson.dumps(body)
        started = time.perf_counter()
        submit(one_by_one(encoded, body["request_id"])).result()
        if index >= WARM_UP // 3:
            latencies.append((time.perf_counter() - started) * 1000)
    submit(session.close()).result()
    return latencies


def summary(latencies: list[float]) -> tuple[float, float]:
    return statistics.median(latencies), percentile(latencies, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--sequential-queries", type=int, default=50)
    parser.add_argument("--nodes-in-process", action="store_true",
                        help="serve the nodes in the hub's own process (they share its GIL)")
    args = parser.parse_args()
    key = Ed25519PrivateKey.generate()
    if args.nodes_in_process:
        nodes = [FakeNode(f"5100{index:02d}", f"档案馆{index}", "slow", delay_ms=ms, seed=index)
                 for index, ms in enumerate(SERVICE_MS)]
        entries = [node.entry() for node in nodes]
    else:
        remote = RemoteNodes()
        entries = remote.entries
    slowest = max(SERVICE_MS)
    begun = time.monotonic()
    try:
        where = "in the hub's process" if args.nodes_in_process else "in a child process"
        print(f"10 nodes {where}, service time {SERVICE_MS} ms; "
              f"{args.queries} queries per phase")
        hub = FanOut(entries, key)
        fan, incomplete = time_searches(hub, args.queries)
        hub.close()
        p50, p95 = summary(fan)
        seq = sequential(entries, key, args.sequential_queries)
        s50, s95 = summary(seq)
        print(f"\n1. steady state (all nodes answer in {SERVICE_MS[0]}-{slowest} ms)")
        print(f"   hub p50 {p50:.1f} ms = {p50 / slowest:.3f} x slowest node "
              f"(target <= {TARGETS['p50_ratio']})")
        print(f"   hub p95 {p95:.1f} ms = {p95 / slowest:.3f} x slowest node "
              f"(target <= {TARGETS['p95_ratio']})")
        print(f"   one by one: p50 {s50:.1f} ms, p95 {s95:.1f} ms "
              f"(sum of service times {sum(SERVICE_MS)} ms); hub p50 = {p50 / s50:.3f} x that")
        print(f"   searches not all ok: {incomplete}")

        print("\n2. 2 % of calls stall 500 ms")
        results = {}
        if args.nodes_in_process:
            for node in nodes:
                node.behaviour, node.stall_ratio, node.stall_ms = "stall_random", 0.02, 500
        else:
            remote.stall(0.02, 500)
        for label, budget in (("with hedging", 0.05), ("without hedging", 0.0)):
            hub = FanOut(entries, key, hedge_budget=budget)
            latencies, incomplete = time_searches(hub, args.queries)
            hub.close()
            calls = sum(policy.calls for policy in hub.hedging.values())
            hedges = sum(policy.hedges for policy in hub.hedging.values())
            h50, h95 = summary(latencies)
            results[label] = h95
            print(f"   {label:16s} p50 {h50:.1f} ms, p95 {h95:.1f} ms, max "
                  f"{max(latencies):.1f} ms; hedges {hedges} of {calls} calls "
                  f"({hedges / calls:.1%}); not all ok {incomplete}")
        print(f"   hedged p95 {results['with hedging']:.1f} ms "
              f"(target <= {TARGETS['hedged_p95_ms']:.0f} ms): "
              f"{results['with hedging'] / TARGETS['hedged_p95_ms']:.2f} x target; "
              f"unhedged p95 {results['without hedging']:.1f} ms")
    finally:
        if args.nodes_in_process:
            for node in nodes:
                node.stop()
        else:
            remote.stop()
    print(f"\nran {time.monotonic() - begun:.0f} s")


if __name__ == "__main__":
    main()
