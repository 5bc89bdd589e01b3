"""The hub's access log: no query strings, no QR tokens, probes kept quiet."""

import logging

from tests.observability.conftest import json_lines

TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJuIjoxMjMsIm0iOiLlvKAq5Y2OIn0.c2lnbmF0dXJl"


def access(caplog) -> list[dict]:  # type: ignore[no-untyped-def]
    return [line for line in json_lines(caplog.records) if line["logger"] == "liancha.access"]


def test_a_qr_token_and_a_query_string_never_reach_the_log(federation, caplog):
    caplog.set_level(logging.INFO)
    assert federation.hub.get(f"/v/{TOKEN}").status_code == 200
    federation.hub.get("/api/v1/queries?name=张国华")
    lines = access(caplog)
    assert [line["path"] for line in lines] == ["/v/<token>", "/api/v1/queries"]
    assert lines[0]["endpoint"] == "/v/<path:token>"
    assert TOKEN not in caplog.text and "张国华" not in str(lines)


def test_probes_and_metrics_are_logged_at_debug_only(federation, caplog):
    caplog.set_level(logging.INFO)
    for path in ("/healthz", "/readyz", "/metrics"):
        assert federation.hub.get(path).status_code == 200
    assert access(caplog) == []
    caplog.set_level(logging.DEBUG, "liancha.access")
    federation.hub.get("/healthz")
    assert [(line["level"], line["path"]) for line in access(caplog)] == [("DEBUG", "/healthz")]


def test_a_path_cannot_forge_a_line_of_the_log(federation, caplog):
    caplog.set_level(logging.INFO)
    federation.hub.get("/api/v1/queries/x%0A2026-12-02 INFO liancha.access GET /forged 200")
    [line] = access(caplog)
    assert "\n" not in line["path"] and "\n" not in line["message"]
    assert line["path"] == "/api/v1/queries/x\\n2026-12-02 INFO liancha.access GET /forged 200"
