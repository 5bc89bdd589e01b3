"""The hub (`federation.app.create_app`) with `REDIS_URL` at a private redis-server, over
three real nodes (tests/federation/conftest.py): two hub workers share the circuit of a
node that is down; the answer cache of a real federation holds no personal data; with
Redis stopped the hub keeps answering complete queries, and carries on when it is back."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask import Flask

from federation.app import create_app
from federation.identity import mint_clerk_token
from schemas.signing import load_private_key
from tests.federation.conftest import ARCHIVES
from tests.federation.fanout.fakes import closed_port
from tests.federation.fanout.test_redis_support import (
    PrivateRedis,
    assert_nothing_names,
    everything_in,
    relax,
)
from tests.nodes.people import LI_ID, OTHER_ZHANG_ID, ZHANG_ID, ZHANG_ID_15

SUBJECT = {"name": "张国华", "id_number": ZHANG_ID, "birth_date": "1952-03-04"}


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis")
    server.directory.mkdir()
    server.start()
    yield server
    server.stop()


def hub(nodes_file: Path, base: Path, database_url: str, tmp_path: Path, redis_url: str,
        **extra: object) -> Flask:
    identity_public = base / "keys" / "hub" / "public.pem"  # any public key: clerks only here
    app = create_app({"NODES": nodes_file, "DATABASE_URL": database_url,
                       "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                       "IDENTITY_PUBLIC_KEY": identity_public,
                       "NODE_DEADLINE_S": 3.0, "OVERALL_DEADLINE_S": 4.0,
                       "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                       "CALLBACK_POLL_S": 0, "REDIS_URL": redis_url, **extra})
    relax(app.extensions["liancha.fanout"].shared)
    return app


def query(app: Flask, base: Path):  # type: ignore[no-untyped-def]
    token = mint_clerk_token(load_private_key(base / "keys" / "hub" / "private.pem"),
                             "clerk", "510500", ["receiving", "holding", "admin"])
    return app.test_client().post("/api/v1/queries",
                                  json={"subject": SUBJECT, "purpose": "工龄认定"},
                                  headers={"Authorization": f"Bearer {token}"})


def statuses(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json
    return {n["archive"]["code"]: n["status"] for n in response.json["nodes"]}


def test_two_hub_workers_share_the_circuit_of_a_node_that_is_down(
        nodes, database_url, tmp_path, redis_server):
    base, _ = nodes
    registry = yaml.safe_load((base / "nodes.yaml").read_text("utf-8"))
    registry["nodes"][0]["url"] = f"http://127.0.0.1:{closed_port()}"
    down = registry["nodes"][0]["code"]
    broken = tmp_path / "nodes.yaml"
    broken.write_text(yaml.safe_dump(registry, allow_unicode=True), "utf-8")
    one, two = (hub(broken, base, database_url, tmp_path, redis_server.url,
                    BREAKER_FAIL_MAX=2) for _ in range(2))
    assert statuses(query(one, base))[down] == "error"
    assert statuses(query(two, base))[down] == "error"
    answer = query(one, base)
    assert statuses(answer)[down] == "unavailable"
    node = next(n for n in answer.json["nodes"] if n["archive"]["code"] == down)
    assert node["error"].startswith("circuit open after 2 failures")
    assert statuses(query(two, base)) == {down: "unavailable",
                                          **{code: "ok" for code in ARCHIVES if code != down}}


def test_the_answer_cache_of_a_real_federation_names_nobody(
        nodes, database_url, tmp_path, redis_server):
    base, _ = nodes
    app = hub(base / "nodes.yaml", base, database_url, tmp_path, redis_server.url)
    fanout = app.extensions["liancha.fanout"]
    assert fanout.cache is not None and fanout.cache.ttl_ms == 30_000
    request = {"subject": SUBJECT, "purpose": "工龄认定", "request_id": "q1"}
    first = fanout.search(request, cache_scope="clerk:510500")
    assert [o.status for o in first] == ["ok"] * 3 and sum(o.count for o in first) >= 3
    again = fanout.search({**request, "request_id": "q2"}, cache_scope="clerk:510500")
    assert all(o.cached for o in again)
    assert [o.records for o in again] == [o.records for o in first]
    assert statuses(query(app, base)) == dict.fromkeys(ARCHIVES, "ok")
    stored = everything_in(redis_server.client())
    assert len(redis_server.client().keys("liancha:answer:*")) == 3
    assert_nothing_names(stored, ZHANG_ID, ZHANG_ID_15, ZHANG_ID[:17], LI_ID, OTHER_ZHANG_ID,
                         "张国华", "張國華", "张国化", "李秀英", "1952-03-04", "先锋公社")


def test_stop_redis_the_hub_keeps_answering(nodes, database_url, tmp_path, redis_server):
    base, _ = nodes
    app = hub(base / "nodes.yaml", base, database_url, tmp_path, redis_server.url)
    fanout = app.extensions["liancha.fanout"]
    fanout.shared.retry_after_s = 0.3
    everyone_ok = dict.fromkeys(ARCHIVES, "ok")
    assert statuses(query(app, base)) == everyone_ok

    redis_server.stop()
    for _ in range(3):
        started = time.monotonic()
        response = query(app, base)
        assert statuses(response) == everyone_ok and response.json["complete"]
        assert time.monotonic() - started < 4.0 + 0.1
    request = {"subject": SUBJECT, "purpose": "工龄认定", "request_id": "q3"}
    assert not any(getattr(o, "cached", False)
                   for o in fanout.search(request, cache_scope="clerk:510500"))

    redis_server.start()
    time.sleep(0.35)
    assert statuses(query(app, base)) == everyone_ok
    fanout.search(request, cache_scope="clerk:510500")
    assert all(o.cached for o in fanout.search(request, cache_scope="clerk:510500"))
    assert redis_server.client().keys("liancha:answer:*")
