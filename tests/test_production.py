"""The hub's production processes run by hand, as docs/production.md tells a machine without
Docker: `liancha hub migrate`, the hub under gunicorn (two workers), `liancha hub worker`
and `liancha hub beat`, each configured by nothing but the compose file's environment
(paths, database and Redis made local), over real nodes and a private Redis.

What a new operator would check: the hub is ready, a query is answered, a certificate
batch is issued by the worker, beat's probes find the nodes, `/metrics` adds up both
gunicorn workers, the JSON log lines of the hub and the worker share a request id, and the
health commands the compose file uses say yes.
"""

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from federation.identity import mint_clerk_token
from schemas.signing import generate_key_pair, load_private_key
from tests.federation.conftest import serve_nodes
from tests.federation.fanout.test_redis_support import PrivateRedis
from tests.federation.test_queries import SUBJECT
from tests.processes import ROOT, Processes, background, wait_for
from tests.test_deployment import SERVICES, free_port

pytestmark = pytest.mark.slow
QUERIES = 6


@pytest.fixture
def production(tmp_path: Path, database_url: str) -> Iterator[tuple[Processes, str, str]]:
    """The hub's processes started by hand; (processes, hub URL, a clerk's token)."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        with serve_nodes(tmp_path / "federation") as (nodes, _):
            port = free_port()
            _, identity_public = generate_key_pair(tmp_path / "identity")
            environment = {key: str(value) for key, value in SERVICES["hub"]["environment"].items()}
            environment.update({
                "LIANCHA_NODES": str(nodes / "nodes.yaml"),
                "LIANCHA_SIGNING_KEY": str(nodes / "keys" / "hub" / "private.pem"),
                "LIANCHA_IDENTITY_PUBLIC_KEY": str(identity_public),
                "LIANCHA_DATABASE_URL": database_url,
                "LIANCHA_CERTIFICATE_KEYS": str(tmp_path / "certificate-keys"),
                "LIANCHA_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "LIANCHA_REDIS_URL": redis.url,
                "LIANCHA_HOST": "127.0.0.1", "LIANCHA_PORT": str(port),
                "LIANCHA_WORKERS": "2", "LIANCHA_THREADS": "4",
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
                "LIANCHA_PROBE_INTERVAL_S": "1",  # so that beat's probes show within the test
                # what is tested here is the processes working together, not a node's
                # latency: a node's first search on a loaded CI machine can take seconds
                "LIANCHA_NODE_DEADLINE_S": "20", "LIANCHA_OVERALL_DEADLINE_S": "25",
            })
            hub_key = load_private_key(nodes / "keys" / "hub" / "private.pem")
            token = mint_clerk_token(hub_key, "admin-510500", "510500", ["holding", "admin"])
            with background(tmp_path, environment) as processes:
                migrate = processes.liancha("migrate", *SERVICES["migrate"]["command"])
                assert migrate.wait(60) == 0, processes.log("migrate")
                assert "upgraded from nothing to revision" in processes.log("migrate")
                again = processes.liancha("migrate-again", *SERVICES["migrate"]["command"])
                assert again.wait(60) == 0, processes.log("migrate-again")
                assert "already at revision" in processes.log("migrate-again")
                command = [sys.executable, "-m", "gunicorn",
                           *_local(SERVICES["hub"]["command"])]
                processes.start("hub", command)
                processes.liancha("worker", *SERVICES["worker"]["command"])
                processes.liancha("beat", *_local(SERVICES["beat"]["command"], tmp_path))
                url = f"http://127.0.0.1:{port}"
                wait_for(lambda: _ready(url), 60, "the hub under gunicorn ready")
                yield processes, url, token
    finally:
        redis.stop()


def test_the_hub_runs_as_production_runs_it(production) -> None:  # type: ignore[no-untyped-def]
    processes, url, token = production
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(QUERIES):
        answer = requests.post(f"{url}/api/v1/queries", headers=headers, timeout=30, json={
            "subject": SUBJECT, "purpose": "退休工龄认定"})
        assert answer.status_code == 200 and answer.json()["complete"], answer.text
    found = answer.json()
    item = {"query_id": found["query_id"], "purpose": "退休工龄认定",
            "record_ids": [r["record_id"] for r in found["records"]
                           if r["record_id"].startswith("510500/")]}
    submitted = requests.post(f"{url}/api/v1/certificate-batches", headers=headers,
                              json={"items": [item] * 3}, timeout=30)
    assert submitted.status_code == 202, submitted.text
    batch_url = f"{url}/api/v1/certificate-batches/{submitted.json()['batch_id']}"
    batch = wait_for(lambda: _finished(batch_url, headers), 60, "the worker issuing the batch")
    assert batch["state"] == "done" and batch["counts"]["issued"] == 3  # type: ignore[index]

    def probed() -> bool:
        nodes = requests.get(f"{url}/api/v1/nodes", headers=headers, timeout=10).json()
        return {node["status"] for node in nodes} == {"up"}

    wait_for(probed, 30, "beat's probes finding every node up", every_s=0.5)

    metrics = requests.get(f"{url}/metrics", timeout=10).text
    queries = sum(sample.value for family in text_string_to_metric_families(metrics)
                  for sample in family.samples
                  if sample.name == "liancha_http_requests_total"
                  and sample.labels.get("endpoint") == "/api/v1/queries")
    assert queries == QUERIES  # whichever of the two workers answered each

    request_id = submitted.headers["X-Request-Id"]
    hub_log = processes.log("hub")
    hub_lines = _json_lines(hub_log)
    assert len(hub_lines) == len(hub_log.strip().splitlines())  # gunicorn's own lines too
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"]
               for line in hub_lines)
    assert any(line.get("request_id") == request_id and line.get("service") == "hub"
               for line in hub_lines)
    worker_log = processes.log("worker")
    worker_lines = _json_lines(worker_log)
    assert len(worker_lines) == len(worker_log.strip().splitlines())  # no text banner
    assert any(line.get("request_id") == request_id and "taken up" in line["message"]
               and line.get("service") == "worker" for line in worker_lines)

    for process in ("worker", "schedule"):
        check = processes.liancha(f"health-{process}", "hub", "health", process)
        assert check.wait(60) == 0, processes.log(f"health-{process}")


def _local(command: list[str], base: Path | None = None) -> list[str]:
    """The compose command with the image's paths made this checkout's."""
    local = [part.replace("/app/deploy/", f"{ROOT}/deploy/") for part in command]
    if base is not None:
        local = [part.replace("/var/lib/liancha/", f"{base}/") for part in local]
    return local


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:  # not listening yet, or still loading the app
        return False


def _finished(url: str, headers: dict[str, str]) -> dict | None:
    batch = requests.get(url, headers=headers, timeout=10).json()
    return batch if batch["state"] in ("done", "failed") else None


def _json_lines(log: str) -> list[dict]:
    lines = []
    for line in log.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines

