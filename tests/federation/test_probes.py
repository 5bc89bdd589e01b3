"""Scheduled probes of the nodes: who is up, who is down and why, shown to clerks and on
/metrics, with one log line when a node changes status."""

import logging

import yaml

from federation.app import create_app
from federation.jobs import probe_nodes
from tests.federation.conftest import hub_with_node_down
from tests.observability.conftest import value


def nodes_seen(client, token: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/nodes", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json
    return {node["archive"]["code"]: node for node in answer.json}


def test_probes_say_which_node_is_down_and_why(federation, nodes, database_url, tmp_path,
                                               caplog):
    token = federation.token(roles="receiving")
    before = nodes_seen(federation.hub, token)
    assert {node["status"] for node in before.values()} == {"unknown"}

    with federation.hub.application.app_context():
        probe_nodes(federation.hub.application, "test")
    seen = nodes_seen(federation.hub, token)
    assert {code: node["status"] for code, node in seen.items()} == {
        "510500": "up", "500118": "up", "500116": "up"}
    assert seen["510500"]["records"] == 1 and seen["500118"]["records"] == 2
    assert seen["510500"]["standard_version"] and seen["510500"]["circuit"] == "closed"

    broken = hub_with_node_down(federation, nodes, database_url, tmp_path, 1)
    with caplog.at_level(logging.WARNING, "federation.probes"), \
            broken.application.app_context():
        probe_nodes(broken.application, "test")
    seen = nodes_seen(broken, token)
    assert seen["500118"]["status"] == "down" and "ConnectionError" in seen["500118"]["error"]
    assert seen["500118"]["last_up_at"] is not None  # up at the first probe
    assert seen["510500"]["status"] == "up"
    assert [r.getMessage() for r in caplog.records if r.name == "federation.probes"] == [
        "node 500118 (http://127.0.0.1:9) is down: " + seen["500118"]["error"]]
    metrics = broken.get("/metrics").get_data(as_text=True)
    assert value(metrics, "liancha_node_up", archive="500118") == 0.0
    assert value(metrics, "liancha_node_up", archive="510500") == 1.0


def test_a_node_answering_as_another_archive_is_down(federation, database_url, tmp_path):
    registry = yaml.safe_load(federation.nodes_file.read_text("utf-8"))
    registry["nodes"][0]["url"] = registry["nodes"][1]["url"]  # Luzhou's entry, Yongchuan's node
    swapped = tmp_path / "swapped.yaml"
    swapped.write_text(yaml.safe_dump(registry, allow_unicode=True), "utf-8")
    settings = federation.hub.application.extensions["liancha.hub"]
    hub = create_app({"NODES": swapped, "DATABASE_URL": database_url,
                      "SIGNING_KEY": settings.signing_key,
                      "IDENTITY_PUBLIC_KEY": settings.identity_public_key,
                      "CERTIFICATE_KEYS": tmp_path / "keys", "CALLBACK_POLL_S": 0})
    with hub.app_context():
        probe_nodes(hub, "test")
    seen = nodes_seen(hub.test_client(), federation.token())
    assert seen["510500"]["status"] == "down"
    assert seen["510500"]["error"] == ("the node says it is archive 500118, the registry says "
                                       "510500")
