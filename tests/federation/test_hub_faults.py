"""The hub itself when nodes misbehave: always an answer within its deadline, never a 500."""

import time
from pathlib import Path

import pytest

from federation.app import create_app
from federation.identity import mint_clerk_token
from schemas.signing import generate_key_pair, load_private_key
from tests.federation.fanout.fakes import FakeNode

BEHAVIOURS = ["ok", "hang", "http500", "garbage", "wrong_key", "unsigned", "slow"]
OVERALL_S = 2.0


@pytest.fixture
def faulty_hub(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    nodes = [FakeNode(f"5{index + 20:05d}", f"档案馆{index}", behaviour, delay_ms=4000)
             if behaviour == "slow" else FakeNode(f"5{index + 20:05d}", f"档案馆{index}",
                                                  behaviour)
             for index, behaviour in enumerate(BEHAVIOURS)]
    private, public = generate_key_pair(tmp_path / "identity")
    hub_private, _ = generate_key_pair(tmp_path / "hub")
    app = create_app({"NODES": [node.entry() for node in nodes], "DATABASE_URL": database_url,
                      "SIGNING_KEY": hub_private, "IDENTITY_PUBLIC_KEY": public,
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                      "NODE_DEADLINE_S": 1.5, "OVERALL_DEADLINE_S": OVERALL_S})
    token = mint_clerk_token(load_private_key(hub_private), "clerk", "510500", ["holding"])
    yield app.test_client(), token, nodes
    for node in nodes:
        node.stop()


def test_every_fault_gets_its_status_and_the_answer_comes_in_time(faulty_hub):
    client, token, nodes = faulty_hub
    started = time.monotonic()
    response = client.post("/api/v1/queries", headers={"Authorization": f"Bearer {token}"},
                           json={"subject": {"name": "张伟"}, "purpose": "fault test"})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.json
    assert elapsed < OVERALL_S + 0.3
    answer = response.json
    statuses = {n["archive"]["code"]: n["status"] for n in answer["nodes"]}
    expected = {"ok": "ok", "hang": "timeout", "http500": "error", "garbage": "error",
                "wrong_key": "error", "unsigned": "error", "slow": "timeout"}
    assert statuses == {node.code: expected[node.behaviour] for node in nodes}
    assert answer["complete"] is False
    assert all(n["error"] for n in answer["nodes"] if n["status"] != "ok")
    used = {r["archive"]["code"] for r in answer["records"]}
    assert used == {nodes[0].code}  # no record from a node whose answer failed


def test_the_deadline_counts_from_the_requests_arrival(tmp_path: Path, database_url: str):
    """Time the request spent before the fan-out (here a slow check before the view) comes
    off the fan-out's time: the answer still comes by the overall deadline."""
    node = FakeNode("520099", "慢档案馆", "hang", deadline_s=10.0)  # its own deadline: long
    private, public = generate_key_pair(tmp_path / "identity")
    hub_private, _ = generate_key_pair(tmp_path / "hub")
    app = create_app({"NODES": [node.entry()], "DATABASE_URL": database_url,
                      "SIGNING_KEY": hub_private, "IDENTITY_PUBLIC_KEY": public,
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                      "NODE_DEADLINE_S": 10.0, "OVERALL_DEADLINE_S": 1.0})
    app.before_request(lambda: time.sleep(0.4))  # e.g. a slow identity check
    token = mint_clerk_token(load_private_key(hub_private), "clerk", "510500", ["holding"])
    try:
        started = time.monotonic()
        response = app.test_client().post(
            "/api/v1/queries", headers={"Authorization": f"Bearer {token}"},
            json={"subject": {"name": "张伟"}, "purpose": "deadline test"})
        elapsed = time.monotonic() - started
    finally:
        node.stop()
    assert response.status_code == 200
    [status] = response.json["nodes"]
    assert status["status"] == "timeout"
    assert 0.3 < status["latency_ms"] / 1000 < 0.5  # 1.0 s, less the 0.4 s, less 0.2 s
    assert elapsed < 1.0 + 0.1
