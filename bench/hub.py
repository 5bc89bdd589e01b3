"""Benchmark the hub as production serves it: queries per second through gunicorn in front
of 5 nodes, with and without the Redis answer cache, and latency p50 / p95.

Set-up: the fault suite's storm hub (`tests/faults/storm_hub.py`: five real HTTP nodes in
a process of their own, each answering one signed record at once, a private Redis, the hub
under gunicorn with deploy/gunicorn.conf.py, 4 worker processes of 8 threads as in the
compose file) over a fresh PostgreSQL database; `--clients` clients sending clerks'
queries over HTTP for `--seconds` per phase, cycling through `--subjects` different
subjects, after a warm-up. Phases: Redis without the answer cache (ANSWER_CACHE_S=0;
circuits shared in Redis), then with it (30 s): from the second time a subject is asked
within 30 s, the nodes' signed answers come from the cache.

    .venv/bin/python bench/hub.py                      # 30 s per phase, 16 clients
    .venv/bin/python bench/hub.py --seconds 10         # a quicker run

PostgreSQL on 127.0.0.1:5432 (user postgres) is needed; the database `liancha_bench_hub`
is dropped and created for each phase.
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faults.storm_hub import storm_hub  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
DATABASE = "liancha_bench_hub"
NAMES = "张王李赵刘陈杨黄周吴"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--subjects", type=int, default=200)
    arguments = parser.parse_args()
    print(f"{arguments.clients} clients, {arguments.seconds:.0f} s per phase, "
          f"{arguments.subjects} subjects, hub: gunicorn 4 workers x 8 threads, 5 nodes")
    for label, cache_s in (("Redis, no answer cache", 0), ("Redis with the answer cache", 30)):
        figures = phase(arguments, cache_s)
        print(f"{label:30} {figures['qps']:7.1f} queries/s   p50 {figures['p50']:6.1f} ms   "
              f"p95 {figures['p95']:6.1f} ms   errors {figures['errors']}   "
              f"cached node answers {figures['cached']:.0%}")


def phase(arguments: argparse.Namespace, cache_s: float) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        _fresh_database()
        with storm_hub(Path(scratch), f"{POSTGRES}/{DATABASE}", nodes=5, down=0,
                       ANSWER_CACHE_S=cache_s) as hub:
            _load(hub.url, hub.token, arguments, min(5.0, arguments.seconds / 3))  # warm-up
            return _load(hub.url, hub.token, arguments, arguments.seconds)


def _load(url: str, token: str, arguments: argparse.Namespace, seconds: float) -> dict:
    latencies: list[float] = []
    outcomes = {"errors": 0, "nodes": 0, "cached": 0}
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client(offset: int) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        turn = offset
        while time.monotonic() < end:
            subject = turn % arguments.subjects
            turn += arguments.clients
            name = NAMES[subject % 10] + NAMES[(subject // 10) % 10] + "华"
            began = time.monotonic()
            answer = session.post(f"{url}/api/v1/queries", headers=headers, timeout=30, json={
                "subject": {"name": name, "birth_date": f"{1940 + subject % 40}"},
                "purpose": "bench"})
            took = time.monotonic() - began
            with lock:
                latencies.append(took)
                if answer.status_code != 200:
                    outcomes["errors"] += 1
                    continue
                nodes = answer.json()["nodes"]
                outcomes["nodes"] += len(nodes)
                outcomes["cached"] += sum(1 for node in nodes if node.get("cached"))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(arguments.clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies.sort()
    return {"qps": len(latencies) / wall, "p50": statistics.median(latencies) * 1000,
            "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
            "errors": outcomes["errors"],
            "cached": outcomes["cached"] / max(1, outcomes["nodes"])}


def _fresh_database() -> None:
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()


if __name__ == "__main__":
    main()
