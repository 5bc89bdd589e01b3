"""The hub under gunicorn in front of the storm nodes (`storm_nodes.py`), with a private
Redis: the set-up of the fan-out storm (`test_fanout_storm.py`) and of `bench/hub.py`.

Everything runs as production runs it: `liancha hub migrate` first, then gunicorn with
deploy/gunicorn.conf.py (four workers of eight threads, as in the compose file), each
configured by LIANCHA_* variables alone; the processes' logs are in `base`.
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml

from federation.identity import mint_clerk_token
from schemas.signing import generate_key_pair, load_private_key
from tests.federation.fanout.test_redis_support import PrivateRedis
from tests.processes import Processes, background, wait_for
from tests.test_deployment import free_port


@dataclass
class StormHub:
    url: str
    token: str  # a clerk's
    codes: list[str]  # registry order: the storm nodes, then the archives that are down
    processes: Processes


@contextmanager
def storm_hub(base: Path, database_url: str, nodes: int, down: int,
              slow_archive: bool = False, **settings: object) -> Iterator[StormHub]:
    """`settings`: more of the hub's LIANCHA_* settings, by name without the prefix."""
    redis = PrivateRedis(base)
    redis.start()
    generate_key_pair(base / "keys" / "hub")
    _, identity_public = generate_key_pair(base / "keys" / "identity")
    port = free_port()
    environment = {
        "LIANCHA_NODES": str(base / "nodes.yaml"),
        "LIANCHA_SIGNING_KEY": str(base / "keys" / "hub" / "private.pem"),
        "LIANCHA_IDENTITY_PUBLIC_KEY": str(identity_public),
        "LIANCHA_DATABASE_URL": database_url,
        "LIANCHA_CERTIFICATE_KEYS": str(base / "keys" / "certificates"),
        "LIANCHA_REDIS_URL": redis.url, "LIANCHA_UPGRADE_SCHEMA": "false",
        "LIANCHA_HOST": "127.0.0.1", "LIANCHA_PORT": str(port),
        "LIANCHA_WORKERS": "4", "LIANCHA_THREADS": "8",
        "LIANCHA_PROBE_INTERVAL_S": "0", "LIANCHA_REMINDER_INTERVAL_S": "0",
        "LIANCHA_LOG_FORMAT": "json",
        # the storm is one clerk's thousands of queries: a load, not an abuse
        "LIANCHA_CLERK_RATE_LIMIT_PER_MINUTE": "0",
        **{f"LIANCHA_{name}": str(value) for name, value in settings.items()},
    }
    try:
        with background(base, environment) as processes:
            processes.start("nodes", [sys.executable, "-m", "tests.faults.storm_nodes",
                                      "--nodes", str(nodes), "--down", str(down),
                                      "--directory", str(base),
                                      *(["--slow-archive"] if slow_archive else [])])
            wait_for(lambda: "ready" in processes.log("nodes"), 30, "the storm nodes")
            assert processes.liancha("migrate", "hub", "migrate").wait(60) == 0
            processes.hub_under_gunicorn()
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: _ready(url), 60, "the hub under gunicorn")
            registry = yaml.safe_load((base / "nodes.yaml").read_text("utf-8"))["nodes"]
            token = mint_clerk_token(load_private_key(base / "keys" / "hub" / "private.pem"),
                                     "storm", "590000", ["receiving"])
            yield StormHub(url, token, [entry["code"] for entry in registry], processes)
    finally:
        redis.stop()


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False
