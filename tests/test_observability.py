"""Request ids, log lines and `/metrics` of one node app in-process (docs/operations.md).

The hub and real nodes over HTTP are in `tests/observability/`.
"""

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from nodes.app import create_app
from runtime import logs
from runtime.request_ids import HEADER
from schemas.signing import load_private_key, mint_hub_token

FRESH_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def node(database_url: str, keys: dict[str, Path]) -> Flask:
    return create_app({"ARCHIVE_CODE": "510500", "ARCHIVE_NAME": "泸州市档案馆",
                       "DATABASE_URL": database_url, "HUB_PUBLIC_KEY": keys["hub_public"],
                       "SIGNING_KEY": keys["node_private"], "LOG_FORMAT": "json"})


def test_a_well_formed_incoming_id_is_kept_and_echoed(node):
    response = node.test_client().get("/healthz", headers={HEADER: "lb-7f3a.2026:x_1"})
    assert response.headers[HEADER] == "lb-7f3a.2026:x_1"


@pytest.mark.parametrize("incoming", [
    "two words", "x" * 101, "-leading-dash", "id;drop", "a\tb", "", "{\"json\":1}"])
def test_a_malformed_incoming_id_is_replaced_by_a_fresh_one(node, incoming):
    response = node.test_client().get("/healthz", headers={HEADER: incoming})
    assert FRESH_ID.fullmatch(response.headers[HEADER]), response.headers[HEADER]


def test_without_an_incoming_id_each_request_gets_its_own(node):
    client = node.test_client()
    first, second = client.get("/healthz"), client.get("/v1/service-info")
    assert FRESH_ID.fullmatch(first.headers[HEADER])
    assert first.headers[HEADER] != second.headers[HEADER]


def test_an_access_line_per_request_in_json_with_the_request_id(node, keys, caplog):
    token = mint_hub_token(load_private_key(keys["hub_private"]), "510500", "test")
    caplog.set_level(logging.INFO)
    response = node.test_client().post(
        "/v1/search", json={"subject": {"name": "张国华"}, "purpose": "test",
                            "request_id": "query-1"},
        headers={"Authorization": f"Bearer {token}", HEADER: "hub-req-1"})
    assert response.status_code == 200
    render = logs.formatter("json")
    lines = [json.loads(render.format(r)) for r in caplog.records]
    access = [line for line in lines if line["logger"] == "liancha.access"]
    assert len(access) == 1
    line = access[0]
    assert {"time", "level", "logger", "message", "service", "request_id", "method", "path",
            "status", "duration_ms"} <= set(line)
    assert (line["service"], line["request_id"], line["method"], line["path"],
            line["status"], line["level"]) == ("node", "hub-req-1", "POST", "/v1/search",
                                               200, "INFO")
    assert line["time"].endswith("+00:00") and line["duration_ms"] >= 0
    # the node's own search line carries the header's id too, whatever the body says
    search = [line for line in lines if line["logger"] == "liancha.node.access"]
    assert [line["request_id"] for line in search] == ["hub-req-1"]


def test_outside_a_request_records_have_no_request_id(node, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("liancha.test").info("between requests")
    record = caplog.records[-1]
    assert record.request_id == "-" and record.service in ("hub", "node")


def test_text_lines_name_the_service_and_the_request(node, caplog):
    caplog.set_level(logging.INFO)
    node.test_client().get("/v1/service-info", headers={HEADER: "abc-123"})
    record = next(r for r in caplog.records if r.name == "liancha.access")
    text = logs.formatter("text").format(record)
    assert "[node abc-123]" in text and "GET /v1/service-info 200" in text


def test_logging_is_configured_once_however_many_apps(node, database_url, keys):
    factory = logging.getLogRecordFactory()
    for _ in range(3):
        create_app({"ARCHIVE_CODE": "500118", "ARCHIVE_NAME": "永川", "LOG_FORMAT": "text",
                    "DATABASE_URL": database_url, "HUB_PUBLIC_KEY": keys["hub_public"],
                    "SIGNING_KEY": keys["node_private"]})
    ours = [h for h in logging.getLogger().handlers if isinstance(h, logs._Handler)]
    assert len(ours) == 1
    assert "%(request_id)s" in ours[0].formatter._fmt  # the latest app asked for text
    assert logging.getLogRecordFactory() is factory  # not one more wrapper per app


def test_node_metrics_count_by_url_rule_never_the_path(node, keys):
    client = node.test_client()
    token = mint_hub_token(load_private_key(keys["hub_private"]), "510500", "test")
    secret = "510500/marriage/LZ-M-19880604-张国华"
    assert client.get(f"/v1/records/{secret}",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert client.get("/no/such/page/51050019520304001X").status_code == 404
    exposition = client.get("/metrics")
    assert exposition.status_code == 200
    assert exposition.headers["Content-Type"].startswith("text/plain; version=")
    text = exposition.get_data(as_text=True)
    assert ('liancha_http_requests_total{endpoint="/v1/records/<path:record_id>",'
            'method="GET",status="404"} 1.0') in text
    assert 'liancha_http_requests_total{endpoint="<unmatched>",method="GET",status="404"}' \
        in text
    assert "liancha_http_request_duration_seconds_bucket{" in text
    assert "LZ-M-19880604" not in text and "张国华" not in text and "51050019520304001X" \
        not in text
    assert "liancha_fanout" not in text  # hub metrics only on the hub


def test_a_basic_config_made_before_is_replaced_not_repeated():
    """The CLI's `logging.basicConfig` then an app: each line is written once, in JSON."""
    script = ("import logging; logging.basicConfig(level=logging.INFO)\n"
              "from runtime.logs import configure_logging\n"
              "configure_logging('hub', 'json'); logging.getLogger('x').info('once')\n")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                          text=True, timeout=60, env={"PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["message"] == "once"
