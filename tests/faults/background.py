"""A hub with Celery for the fault suite: real nodes on loopback, the hub app in the test's
process, and its background processes (`tests.processes`) started as production starts
them: `liancha hub worker` and `liancha hub beat`, configured by LIANCHA_* variables."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from certificates.models import CertificateBatch, CertificateBatchItem
from federation.app import create_app
from federation.identity import mint_clerk_token
from schemas.signing import generate_key_pair, load_private_key
from tests.federation.conftest import serve_nodes
from tests.federation.test_queries import SUBJECT
from tests.processes import Processes, background, wait_for


@dataclass
class CeleryHub:
    """The hub app (sending jobs through Redis), a clerk's token, the background processes."""

    hub: Flask
    token: str
    processes: Processes
    purpose: str = "退休工龄认定"

    def session(self):  # type: ignore[no-untyped-def]
        return self.hub.extensions["liancha.db"].session()

    def call(self, method: str, path: str, json: dict | None = None):  # type: ignore[no-untyped-def]
        return self.hub.test_client().open(path, method=method, json=json, headers={
            "Authorization": f"Bearer {self.token}"})

    def submit_batch(self, items: int) -> str:
        """A batch of `items` certificates of 张国华's Luzhou marriage record."""
        answer = self.call("POST", "/api/v1/queries", {"subject": SUBJECT,
                                                       "purpose": self.purpose}).json
        records = [r["record_id"] for r in answer["records"]
                   if r["record_id"].startswith("510500/")]
        item = {"query_id": answer["query_id"], "record_ids": records, "purpose": self.purpose}
        response = self.call("POST", "/api/v1/certificate-batches", {"items": [item] * items})
        assert response.status_code == 202, response.json
        return response.json["batch_id"]

    def issued(self, batch_id: str) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(CertificateBatchItem).where(
                CertificateBatchItem.batch_id == batch_id,
                CertificateBatchItem.state == "issued")) or 0

    def finished(self, batch_id: str, timeout_s: float = 90) -> CertificateBatch:
        def done() -> CertificateBatch | None:
            with self.session() as session:
                batch = session.get(CertificateBatch, batch_id)
                return batch if batch is not None and batch.state in ("done", "failed") else None

        batch = wait_for(done, timeout_s, f"batch {batch_id} finishing", every_s=0.2)
        assert isinstance(batch, CertificateBatch)
        assert batch.state == "done", batch.error
        return batch


@contextmanager
def celery_hub(base: Path, database_url: str, redis_url: str,
               **settings: object) -> Iterator[CeleryHub]:
    """Three real nodes, a hub over `database_url` sending its jobs through `redis_url`,
    and no background process yet (start them with `.processes`). Short leases, sweeps and
    visibility timeouts, so that recoveries happen within a test."""
    with serve_nodes(base / "federation") as (nodes, _):
        _, identity_public = generate_key_pair(base / "identity")
        config = {"NODES": nodes / "nodes.yaml",
                  "SIGNING_KEY": nodes / "keys" / "hub" / "private.pem",
                  "IDENTITY_PUBLIC_KEY": identity_public, "DATABASE_URL": database_url,
                  "CERTIFICATE_KEYS": base / "certificate-keys", "REDIS_URL": redis_url,
                  "NODE_DEADLINE_S": 10, "OVERALL_DEADLINE_S": 15,
                  "BATCH_LEASE_S": 3, "BATCH_SWEEP_S": 1, "TASK_VISIBILITY_TIMEOUT_S": 4,
                  "CALLBACK_POLL_S": 0, "PROBE_INTERVAL_S": 0, "REMINDER_INTERVAL_S": 0,
                  **settings}
        hub = create_app(config)  # creates the schema; workers and beat do not
        token = mint_clerk_token(load_private_key(nodes / "keys" / "hub" / "private.pem"),
                                 "admin-510500", "510500", ["holding", "admin"])
        environment = {f"LIANCHA_{name}": str(value) for name, value in config.items()}
        with background(base, environment) as processes:
            yield CeleryHub(hub, token, processes)
