"""`/metrics` of the hub and of real nodes after a query: names, labels, and nobody in it."""

import requests

from tests.nodes.people import ZHANG_ID
from tests.observability.conftest import value

SUBJECT = {"id_number": ZHANG_ID, "name": "张国华"}
ARCHIVES = ("510500", "500118", "500116")


def personal(text: str) -> list[str]:
    """The subject's id number or name, in any form it might appear in, if present."""
    forms = [ZHANG_ID, ZHANG_ID[:6] + ZHANG_ID[8:17], "张国华", "張國華",
             "\\u5f20\\u56fd\\u534e", "%E5%BC%A0"]
    return [form for form in forms if form.lower() in text.lower()]


def test_hub_metrics_count_requests_and_each_archive_without_personal_data(federation):
    before = federation.hub.get("/metrics").get_data(as_text=True)
    answer = federation.query({"subject": SUBJECT, "purpose": "工龄认定"})
    assert answer.status_code == 200
    query_id = answer.json["query_id"]
    token = federation.token()
    assert federation.hub.get(f"/api/v1/queries/{ZHANG_ID}",
                              headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert federation.hub.get(f"/people/{ZHANG_ID}/张国华").status_code == 404

    response = federation.hub.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = response.get_data(as_text=True)
    requests_total = "liancha_http_requests_total"
    assert value(text, requests_total, method="POST", endpoint="/api/v1/queries",
                 status="200") == value(before, requests_total, method="POST",
                                        endpoint="/api/v1/queries", status="200") + 1
    assert value(text, requests_total, method="GET", endpoint="/api/v1/queries/<string:query_id>",
                 status="404") == 1
    assert value(text, requests_total, method="GET", endpoint="<unmatched>",
                 status="404") == 1
    assert value(text, "liancha_http_request_duration_seconds_count", method="POST",
                 endpoint="/api/v1/queries", status="200") == 1
    for archive in ARCHIVES:
        assert value(text, "liancha_fanout_node_outcomes_total", archive=archive,
                     status="ok") == 1
        assert value(text, "liancha_fanout_node_latency_seconds_count", archive=archive,
                     status="ok") == 1
        assert value(text, "liancha_fanout_node_latency_seconds_sum", archive=archive,
                     status="ok") > 0
    assert "# TYPE liancha_answer_cache_lookups_total counter" in text
    assert personal(text) == []
    assert query_id not in text


def test_node_metrics_count_searches_by_url_rule_without_personal_data(federation):
    assert federation.query({"subject": SUBJECT, "purpose": "工龄认定"}).status_code == 200
    for url in federation.node_urls.values():
        response = requests.get(f"{url}/metrics", timeout=5)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = response.text
        assert value(text, "liancha_http_requests_total", method="POST",
                     endpoint="/v1/search", status="200") >= 1
        assert value(text, "liancha_http_request_duration_seconds_bucket", method="POST",
                     endpoint="/v1/search", status="200", le="+Inf") >= 1
        assert "liancha_fanout" not in text and "liancha_answer_cache" not in text
        assert personal(text) == []


def test_metrics_need_no_token_and_are_not_in_any_openapi_document(federation):
    assert federation.hub.get("/metrics").status_code == 200
    spec = federation.hub.get("/api/v1/openapi.json")
    if spec.status_code == 200:
        assert "/metrics" not in spec.json["paths"]
