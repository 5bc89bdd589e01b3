"""Kill a Celery worker in the middle of a job: the job completes exactly once, and no
certificate number is used twice.

The job is a batch of certificates (`certificates.batches`), run by `liancha hub worker`
processes over a private Redis and the suite's PostgreSQL. Twice: a pool process killed
mid-batch (its worker gives the task back at once: `task_reject_on_worker_lost`), and the
whole worker killed (its task comes back to another worker after the visibility timeout).
Either way every item is issued once: numbers 1..N of the archive's year, each on one
certificate, one audit entry each.
"""

import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from certificates.models import AuditEvent, Certificate, CertificateBatchItem
from tests.faults.background import CeleryHub, celery_hub
from tests.federation.fanout.test_redis_support import PrivateRedis
from tests.processes import pool_children, wait_for

ITEMS = 40
YEAR = datetime.now(UTC).year


@pytest.fixture
def setting(tmp_path: Path, postgres_url: str, database_url: str) -> Iterator[CeleryHub]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        with celery_hub(tmp_path, database_url, redis.url) as hub:
            yield hub
    finally:
        redis.stop()


def test_a_pool_process_killed_mid_batch(setting: CeleryHub) -> None:
    worker = setting.processes.worker("worker")
    batch_id = setting.submit_batch(ITEMS)
    wait_for(lambda: setting.issued(batch_id) >= 4, 60, "the worker issuing certificates")
    [child] = pool_children(worker)
    os.kill(child, signal.SIGKILL)
    killed_at = setting.issued(batch_id)
    assert killed_at < ITEMS, "the batch ended before the kill: make it longer"

    finished = setting.finished(batch_id)
    assert finished.deliveries == 2  # taken up again by the task the dead process held
    assert "WorkerLostError" in setting.processes.log("worker")
    _exactly_once(setting, batch_id)


def test_the_whole_worker_killed_mid_batch(setting: CeleryHub) -> None:
    first = setting.processes.worker("first-worker")
    batch_id = setting.submit_batch(ITEMS)
    wait_for(lambda: setting.issued(batch_id) >= 4, 60, "the first worker issuing")
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool, with no warning
    first.wait(10)
    killed_at = setting.issued(batch_id)
    assert killed_at < ITEMS, "the batch ended before the kill: make it longer"

    setting.processes.worker("second-worker")  # the task comes back after the visibility
    finished = setting.finished(batch_id)  # timeout, to this worker
    assert finished.deliveries == 2
    _exactly_once(setting, batch_id)


def _exactly_once(setting: CeleryHub, batch_id: str) -> None:
    with setting.session() as session:
        items = session.scalars(select(CertificateBatchItem)
                                .where(CertificateBatchItem.batch_id == batch_id)).all()
        certificates = session.scalars(select(Certificate).where(
            Certificate.archive_code == "510500", Certificate.year == YEAR)).all()
        audited = session.scalars(select(AuditEvent.target).where(
            AuditEvent.action == "certificate.issued")).all()
    assert [item.state for item in items] == ["issued"] * ITEMS
    numbers = [item.certificate_no for item in items]
    assert len(set(numbers)) == ITEMS  # one certificate per item
    assert sorted(c.sequence for c in certificates) == list(range(1, ITEMS + 1))
    assert {c.certificate_no for c in certificates} == set(numbers)
    assert sorted(audited) == sorted(numbers)  # one issue each, none rolled back and kept
