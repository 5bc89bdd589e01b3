"""Stop Redis: queries keep being answered; queued work resumes when it is back.

A hub sending its jobs through a private Redis (no persistence, as in the compose file's
Redis and this machine's), a worker and a beat. A batch queued while no worker runs is
lost with Redis's memory when Redis stops; another is submitted while Redis is down (its
job cannot be published). Meanwhile queries are answered in full, within their deadline,
and certificates are issued. Once Redis is back (empty), beat's sweep finds both batches
in the database and the worker issues them.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.background import CeleryHub, celery_hub
from tests.federation.fanout.test_redis_support import PrivateRedis
from tests.federation.test_queries import SUBJECT
from tests.processes import wait_for

DEADLINE_S = 3.0


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def setting(tmp_path: Path, postgres_url: str, database_url: str,
            redis: PrivateRedis) -> Iterator[CeleryHub]:
    with celery_hub(tmp_path, database_url, redis.url, NODE_DEADLINE_S=DEADLINE_S,
                    OVERALL_DEADLINE_S=DEADLINE_S) as hub:
        yield hub


def test_queries_are_answered_without_redis_and_queued_work_resumes(
        setting: CeleryHub, redis: PrivateRedis) -> None:
    assert _query(setting)["complete"]  # with Redis: shared circuits, the answer cache
    queued = setting.submit_batch(3)  # queued in Redis; no worker runs yet
    wait_for(lambda: redis.client().llen("liancha") == 1, 10, "the batch's task in Redis")

    redis.stop()  # the queued task goes with it
    for _ in range(5):
        started = time.monotonic()
        answer = _query(setting)
        took = time.monotonic() - started
        assert answer["complete"], answer["nodes"]
        assert took < DEADLINE_S + 0.1, f"answered in {took:.2f} s without Redis"
    during = setting.submit_batch(2)  # committed; its job cannot be published
    single = setting.call("POST", "/api/v1/certificates", {
        "query_id": _query(setting)["query_id"], "purpose": setting.purpose,
        "record_ids": ["510500/marriage/LZ-M-1988"]})
    assert single.status_code == 201, single.json
    setting.processes.worker("worker")  # a worker and a beat start while Redis is away
    setting.processes.beat()
    time.sleep(2)
    assert setting.issued(queued) == setting.issued(during) == 0

    redis.start()  # empty: nothing of the queued task survived
    assert redis.client().llen("liancha") == 0
    # neither task reached a worker: beat's sweep found both batches in the database
    assert setting.finished(queued, timeout_s=60).deliveries == 1
    assert setting.finished(during, timeout_s=60).deliveries == 1
    assert setting.issued(queued) == 3 and setting.issued(during) == 2


def _query(setting: CeleryHub) -> dict:
    response = setting.call("POST", "/api/v1/queries", {"subject": SUBJECT,
                                                        "purpose": setting.purpose})
    assert response.status_code == 200, response.json
    return response.json
