"""One request id from the hub to every node: in the hub's answer header and in the JSON
log lines of the hub and of each real node (served over loopback in this process's threads,
so their records reach `caplog`)."""

import logging
import re
import uuid

from tests.nodes.people import ZHANG_ID
from tests.observability.conftest import json_lines

SUBJECT = {"id_number": ZHANG_ID, "name": "张国华"}
NODES = 3
PROPAGATION = ("the nodes did not get the hub request's id: the fan-out's worker threads must "
               "run in a copy of the caller's context (FanOut._submit: executor.submit("
               "contextvars.copy_context().run, self._attempt, ...)), docs/operations.md")


def search_lines(lines: list[dict]) -> list[dict]:
    """The nodes' access lines of their `POST /v1/search`."""
    return [line for line in lines if line["service"] == "node"
            and line["logger"] == "liancha.access" and line["path"] == "/v1/search"]


def test_the_hub_request_id_is_on_every_node_log_line_of_the_query(federation, caplog):
    caplog.set_level(logging.INFO)
    trace = f"trace-{uuid.uuid4().hex[:12]}"
    response = federation.hub.post(
        "/api/v1/queries", json={"subject": SUBJECT, "purpose": "工龄认定"},
        headers={"Authorization": f"Bearer {federation.token()}", "X-Request-Id": trace})
    assert response.status_code == 200 and response.headers["X-Request-Id"] == trace
    query_id = response.json["query_id"]
    lines = json_lines(caplog.records)

    hub = [line for line in lines if line["service"] == "hub"
           and line["logger"] == "liancha.access" and line["path"] == "/api/v1/queries"]
    assert [(line["request_id"], line["status"]) for line in hub] == [(trace, 200)]
    searches = search_lines(lines)
    assert len(searches) >= NODES  # one per node (a hedge would add one)
    assert {line["request_id"] for line in searches} == {trace}, PROPAGATION
    assert all(line["status"] == 200 and line["method"] == "POST" for line in searches)
    # the nodes' own search lines name the query (the body's request_id) under the same id
    node_search = [line for line in lines if line["logger"] == "liancha.node.access"]
    assert len(node_search) >= NODES
    assert {line["request_id"] for line in node_search} == {trace}
    assert all(query_id in line["message"] for line in node_search)
    for line in hub + searches:
        assert {"time", "level", "logger", "message", "service", "request_id", "method",
                "path", "status", "duration_ms"} <= set(line)


def test_a_hub_request_without_an_id_gets_one_and_the_nodes_log_it(federation, caplog):
    caplog.set_level(logging.INFO)
    response = federation.query({"subject": SUBJECT, "purpose": "工龄认定"})
    assert response.status_code == 200
    made = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made) and made != response.json["query_id"]
    searches = search_lines(json_lines(caplog.records))
    assert len(searches) >= NODES
    assert {line["request_id"] for line in searches} == {made}, PROPAGATION


def test_a_malformed_hub_request_id_is_replaced_on_the_hub_and_the_nodes(federation, caplog):
    caplog.set_level(logging.INFO)
    forged = 'x" level=CRITICAL msg=forged'
    response = federation.hub.post(
        "/api/v1/queries", json={"subject": SUBJECT, "purpose": "工龄认定"},
        headers={"Authorization": f"Bearer {federation.token()}", "X-Request-Id": forged})
    assert response.status_code == 200
    made = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    lines = json_lines(caplog.records)
    assert {line["request_id"] for line in search_lines(lines)} == {made}, PROPAGATION
    assert not any("forged" in str(line) for line in lines)


def test_a_fan_out_outside_any_request_is_logged_under_its_query_id(federation, caplog):
    """A fan-out a background job runs: no hub request, so the nodes log the query's id."""
    caplog.set_level(logging.INFO)
    fanout = federation.hub.application.extensions["liancha.fanout"]
    query_id = uuid.uuid4().hex
    outcomes = fanout.search({"subject": SUBJECT, "purpose": "probe", "request_id": query_id})
    assert [outcome.status for outcome in outcomes] == ["ok"] * NODES
    searches = search_lines(json_lines(caplog.records))
    assert len(searches) >= NODES and {line["request_id"] for line in searches} == {query_id}
