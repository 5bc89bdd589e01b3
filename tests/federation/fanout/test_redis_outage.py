"""Fault: stop Redis (and hang it). Queries keep being answered within their deadline,
uncached and with each worker's local breakers, without an exception; when Redis is back,
the cache and the shared breakers resume."""

import logging
import time
from collections.abc import Iterator

import pytest

from federation.fanout.cache import cache_secret
from federation.fanout.shared import SOCKET_TIMEOUT_S
from tests.federation.fanout.conftest import search_request
from tests.federation.fanout.test_redis_support import PrivateRedis, hub_worker

SCOPE = "clerk:510500"
OVERALL_S, SLACK_S = 0.6, 0.1


@pytest.fixture
def redis_server(tmp_path) -> Iterator[PrivateRedis]:  # type: ignore[no-untyped-def]
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def timed(hub, request: dict) -> tuple[list, float]:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    outcomes = hub.search(request, cache_scope=SCOPE)
    return outcomes, time.monotonic() - started


def cached(outcome) -> bool:  # type: ignore[no-untyped-def]
    return bool(getattr(outcome, "cached", False))


def test_stop_redis_queries_keep_being_answered_and_caching_resumes(
        fake, fanout, hub_key, redis_server, caplog):
    node, failing = fake(), fake("http500")
    hub = hub_worker(fanout, [node, failing], redis_server.url, cache_secret(hub_key),
                     retry_after_s=0.3, breaker_fail_max=3, breaker_reset_s=30)
    hub.search(search_request(), cache_scope=SCOPE)
    assert cached(hub.search(search_request(), cache_scope=SCOPE)[0])
    calls = len(node.calls)

    redis_server.stop()
    with caplog.at_level(logging.WARNING, "federation.fanout.shared"):
        answers = [timed(hub, search_request()) for _ in range(4)]
    for outcomes, took in answers:
        assert took < OVERALL_S + SLACK_S
        assert outcomes[0].status == "ok" and not cached(outcomes[0])
    # the failing node: 2 failures before, then the local circuit counts on (opens at 3)
    assert [o[1].status for o, _ in answers] == ["error", "unavailable", "unavailable",
                                                 "unavailable"]
    assert len(node.calls) == calls + 4
    assert "local breakers and no answer cache" in caplog.text
    assert hub.breaker_state(failing.code) == "open"  # the local circuit's

    redis_server.start()  # empty: a new Redis knows no circuit and no answer
    time.sleep(0.35)  # the fuse lets Redis be tried again
    outcomes, _ = timed(hub, search_request())
    assert outcomes[0].status == "ok" and not cached(outcomes[0])
    assert outcomes[1].status == "error"  # Redis's circuit is closed: the node is asked
    outcomes, _ = timed(hub, search_request())
    assert cached(outcomes[0]) and len(node.calls) == calls + 5
    assert redis_server.client().hget(f"liancha:breaker:{failing.code}", "failures") == b"2"


def test_a_hung_redis_costs_one_short_timeout_then_is_left_alone(
        fake, fanout, hub_key, redis_server):
    node = fake()
    hub = hub_worker(fanout, [node], redis_server.url, cache_secret(hub_key),
                     retry_after_s=1.0, socket_timeout_s=SOCKET_TIMEOUT_S)  # the hub's own
    hub.search(search_request(), cache_scope=SCOPE)
    redis_server.pause()  # accepts connections, answers nothing
    try:
        outcomes, took = timed(hub, search_request(subject={"name": "李秀英"}))
        assert outcomes[0].status == "ok" and took < OVERALL_S + SLACK_S
        assert took >= SOCKET_TIMEOUT_S  # it did wait for Redis, once
        outcomes, took = timed(hub, search_request(subject={"name": "王建国"}))
        assert outcomes[0].status == "ok" and took < OVERALL_S + SLACK_S
        assert hub.shared.failures == 1  # Redis was not asked again: no second timeout
        assert not hub.shared.available
    finally:
        redis_server.resume()
    time.sleep(1.05)
    timed(hub, search_request(subject={"name": "王建国"}))
    assert cached(timed(hub, search_request(subject={"name": "王建国"}))[0][0])
