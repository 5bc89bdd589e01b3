"""Abuse limits that hold across surfaces, processes and hosts: per identity on every
surface (in Redis when the hub has it), per address where nobody is identified; a flood of
verifications is refused without an audit entry each while honest callers are answered."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from federation.app import create_app as create_hub
from federation.audit import AuditEvent
from tests.federation.fanout.test_redis_support import PrivateRedis
from tests.federation.test_queries import SUBJECT


def hub(federation, database_url: str, tmp_path: Path, **settings: object):  # type: ignore[no-untyped-def]
    """Another hub process of the same federation (its own app, the same database)."""
    base = federation.nodes_file.parent
    identity = federation.hub.application.extensions["liancha.hub"].identity_public_key
    return create_hub({"NODES": federation.nodes_file, "DATABASE_URL": database_url,
                       "SIGNING_KEY": base / "keys" / "hub" / "private.pem",
                       "IDENTITY_PUBLIC_KEY": identity, "CERTIFICATE_KEYS": tmp_path / "c",
                       "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 15.0,
                       "CALLBACK_POLL_S": 0, **settings}).test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_person_has_one_budget_on_every_surface(federation, database_url, tmp_path):
    client = hub(federation, database_url, tmp_path, RATE_LIMIT_PER_MINUTE=3)
    token = federation.token("citizen", **SUBJECT)
    asked = [client.post("/mobile/api/v1/queries", json={"purpose": "x"},
                         headers=bearer(token)).status_code for _ in range(3)]
    assert asked == [200, 200, 200]
    # the same person through the hub's own API: the same budget, spent
    elsewhere = client.post("/api/v1/queries", json={"purpose": "x"}, headers=bearer(token))
    assert elsewhere.status_code == 429 and int(elsewhere.headers["Retry-After"]) >= 1
    other = federation.token("citizen", id_number="110105194912310021", name="王小明")
    assert client.get("/mobile/api/v1/archives", headers=bearer(other)).status_code == 200


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis")
    server.directory.mkdir()
    server.start()
    yield server
    server.stop()


def test_limits_hold_across_hub_processes_through_redis(federation, database_url, tmp_path,
                                                        redis_server):
    settings = {"REDIS_URL": redis_server.url, "RATE_LIMIT_PER_MINUTE": 4,
                "ANSWER_CACHE_S": 0}
    first = hub(federation, database_url, tmp_path / "1", **settings)
    second = hub(federation, database_url, tmp_path / "2", **settings)
    token = federation.token("citizen", **SUBJECT)
    statuses = [client.get("/mobile/api/v1/archives", headers=bearer(token)).status_code
                for client in (first, second, first, second, first, second)]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_a_verification_flood_is_refused_and_honest_callers_answered(federation, database_url,
                                                                     tmp_path):
    client = hub(federation, database_url, tmp_path, VERIFY_RATE_LIMIT_PER_MINUTE=5)
    flood = {"REMOTE_ADDR": "203.0.113.7"}
    answers = [client.post("/api/v1/verify", json={"token": "not.a.token"},
                           environ_base=flood).status_code for _ in range(8)]
    assert answers == [200] * 5 + [429] * 3
    page = client.get("/v/not.a.token", environ_base=flood)
    assert page.status_code == 429 and "请稍后再试" in page.get_data(as_text=True)
    assert page.headers["Retry-After"]
    honest = client.post("/api/v1/verify", json={"token": "not.a.token"},
                         environ_base={"REMOTE_ADDR": "198.51.100.2"})
    assert honest.status_code == 200 and honest.json["status"] == "altered"
    session = client.application.extensions["liancha.db"].session()
    try:
        checks = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "certificate.verified"))
    finally:
        session.close()
    assert checks == 6  # the five answered from the flood and the honest one, not the rest


def test_the_national_token_endpoint_is_limited_per_address(federation, database_url,
                                                            tmp_path):
    client = hub(federation, database_url, tmp_path, TOKEN_RATE_LIMIT_PER_MINUTE=2)
    form = {"grant_type": "client_credentials", "client_assertion": "x",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    statuses = [client.post("/national/api/v1/token", data=form).status_code
                for _ in range(3)]
    assert statuses == [401, 401, 429]
    limited = client.post("/national/api/v1/token", data=form)
    assert limited.json["error"] == "slow_down" and limited.headers["Retry-After"]


@pytest.mark.parametrize("proxies, expected", [(0, [200, 200, 429]), (1, [200, 200, 200])])
def test_addresses_behind_a_trusted_proxy(federation, database_url, tmp_path, proxies,
                                          expected):
    """Behind one trusted proxy each caller has its own budget, named by X-Forwarded-For;
    without one the header is the caller's own word and counts for nothing."""
    client = hub(federation, database_url, tmp_path, VERIFY_RATE_LIMIT_PER_MINUTE=2,
                 TRUSTED_PROXIES=proxies)
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    answers = [client.post("/api/v1/verify", json={"token": "x"}, environ_base=proxy,
                           headers={"X-Forwarded-For": caller}).status_code
               for caller in ("203.0.113.7", "203.0.113.7", "198.51.100.2")]
    assert answers == expected
