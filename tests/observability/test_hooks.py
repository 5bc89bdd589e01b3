"""The counting hooks other code calls: fan-out outcomes and answer-cache lookups."""

from flask import Flask

from federation.fanout.cache import CachedOutcome
from federation.fanout.outcomes import NodeOutcome
from runtime.metrics import EXTENSION, count_cache, count_fanout, count_node_outcome
from runtime.observability import init_observability
from tests.observability.conftest import value

LUZHOU, YONGCHUAN = {"code": "510500", "name": "泸州"}, {"code": "500118", "name": "永川"}


def app_for(service: str) -> Flask:
    app = Flask(f"hooks-{service}")
    init_observability(app, service, "text")
    return app


def exposition(app: Flask) -> str:
    return app.extensions[EXTENSION].exposition().decode()


def test_a_fan_out_is_counted_per_archive_and_cached_answers_apart():
    hub = app_for("hub")
    with hub.app_context():
        count_fanout([
            NodeOutcome(LUZHOU, "ok", 120.0, count=2, hedged=True),
            NodeOutcome(YONGCHUAN, "unavailable", None, error="circuit open"),
        ])
        count_fanout([CachedOutcome(LUZHOU, "ok", 0.4, count=2)])
        count_cache("hit")
        count_cache("miss")
    text = exposition(hub)
    assert value(text, "liancha_fanout_node_outcomes_total", archive="510500",
                 status="ok") == 1
    assert value(text, "liancha_fanout_node_latency_seconds_sum", archive="510500",
                 status="ok") == 0.12
    assert value(text, "liancha_fanout_node_latency_seconds_bucket", archive="510500",
                 status="ok", le="0.1") == 0
    assert value(text, "liancha_fanout_hedges_total", archive="510500") == 1
    assert value(text, "liancha_fanout_node_outcomes_total", archive="500118",
                 status="unavailable") == 1
    assert value(text, "liancha_fanout_node_latency_seconds_count", archive="500118",
                 status="unavailable") == 0  # no node answered: no latency
    assert value(text, "liancha_fanout_node_outcomes_total", archive="510500",
                 status="cached") == 1
    assert value(text, "liancha_fanout_node_latency_seconds_count", archive="510500",
                 status="cached") == 0
    assert value(text, "liancha_answer_cache_lookups_total", result="hit") == 1
    assert value(text, "liancha_answer_cache_lookups_total", result="miss") == 1


def test_the_hooks_do_nothing_outside_the_hub():
    node = app_for("node")
    with node.app_context():
        count_node_outcome("510500", "ok", 0.1)
        count_cache("hit")
    count_node_outcome("510500", "ok", 0.1)  # no app context at all: a fan-out's worker
    assert "liancha_fanout" not in exposition(node)


def test_each_app_counts_in_its_own_registry():
    first, second = app_for("node"), app_for("node")
    first.test_client().get("/healthz-or-not")
    assert value(exposition(first), "liancha_http_requests_total", method="GET",
                 endpoint="<unmatched>", status="404") == 1
    assert value(exposition(second), "liancha_http_requests_total", method="GET",
                 endpoint="<unmatched>", status="404") == 0


def test_an_unusual_method_is_one_label_not_one_series_each():
    app = app_for("node")
    client = app.test_client()
    for method in ("PROPFIND", "BREW", "X-ANYTHING"):
        client.open("/metrics", method=method)
    text = exposition(app)
    # a method no rule allows matches no rule: the 405 is <unmatched>
    assert value(text, "liancha_http_requests_total", method="other",
                 endpoint="<unmatched>", status="405") == 3
    assert "BREW" not in text and "PROPFIND" not in text
