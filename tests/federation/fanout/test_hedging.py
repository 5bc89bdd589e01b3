"""Hedged requests: a node that is usually fast but stalls once gets a second identical
request (new token, same request id) at about its recent p95, and its answer is used; the
budget stops hedges beyond its share of calls; no hedging before enough samples."""

import time

import pytest

from federation.fanout.hedging import HedgePolicy, percentile
from tests.federation.fanout.conftest import search_request


def warm_up(hub, times: int) -> None:
    for _ in range(times):
        assert hub.search(search_request())[0].status == "ok"


def test_a_stalled_call_is_hedged_and_the_hedge_answer_is_used(fake, fanout):
    node = fake()
    hub = fanout([node], default_deadline_s=1.0, overall_deadline_s=1.0)
    policy = hub.hedging[node.code]
    warm_up(hub, 20)
    while policy.calls * policy.budget - policy.hedges < 1:  # a whole hedge to spend
        warm_up(hub, 1)
    hedges_before = policy.hedges
    node.script.append("hang")  # the next call stalls; the hedge will not
    request = search_request()
    started = time.monotonic()
    outcome = hub.search(request)[0]
    elapsed = time.monotonic() - started
    assert (outcome.status, outcome.hedged, outcome.count) == ("ok", True, 1)
    # the stall would have cost the whole second; the hedge answers in a fraction of it
    assert outcome.latency_ms < 500 and elapsed < 0.6
    first, hedge = node.calls[-2:]
    assert (first["behaviour"], hedge["behaviour"]) == ("hang", "ok")
    assert first["request_id"] == hedge["request_id"] == request["request_id"]
    assert first["jti"] != hedge["jti"]
    assert policy.hedges == hedges_before + 1


def test_the_budget_stops_hedges_beyond_its_share(fake, fanout):
    node = fake()
    hub = fanout([node], default_deadline_s=0.3, overall_deadline_s=0.3, hedge_budget=0.05)
    # Each call earns 5 % of a hedge; a slow warm-up call on a busy machine may spend one.
    # Warm up until exactly one whole hedge is left in the bucket.
    policy = hub.hedging[node.code]
    warm_up(hub, 20)
    while not 1 <= policy.calls * policy.budget - policy.hedges < 2:
        warm_up(hub, 1)
    hedges_before = policy.hedges
    node.script.extend(["hang", "ok", "hang"])  # stall, its hedge, stall
    first = hub.search(search_request())[0]
    assert (first.status, first.hedged) == ("ok", True)
    second = hub.search(search_request())[0]  # the budget has no whole hedge left
    assert (second.status, second.hedged) == ("timeout", False)
    assert policy.hedges == hedges_before + 1


def test_no_hedging_before_twenty_samples_or_with_no_budget(fake, fanout):
    node = fake()
    hub = fanout([node], default_deadline_s=0.3, overall_deadline_s=0.3)
    warm_up(hub, 10)
    node.script.append("hang")
    assert hub.search(search_request())[0].hedged is False
    other = fake()
    unhedged = fanout([other], default_deadline_s=0.3, overall_deadline_s=0.3,
                      hedge_budget=0.0)
    warm_up(unhedged, 25)
    other.script.append("hang")
    outcome = unhedged.search(search_request())[0]
    assert (outcome.status, outcome.hedged) == ("timeout", False)


def test_the_hedge_delay_follows_the_recent_p95_with_a_floor():
    policy = HedgePolicy(0.05)
    for index in range(19):
        policy.record(0.040 + index / 1000)
    assert policy.delay_s() is None
    policy.record(0.100)
    assert policy.delay_s() == pytest.approx(1.2 * percentile(policy.samples, 0.95))
    assert percentile(policy.samples, 0.95) == pytest.approx(0.058)
    fast = HedgePolicy(0.05)
    for _ in range(30):
        fast.record(0.001)
    assert fast.delay_s() == 0.010


def test_the_token_bucket_allows_budget_times_calls_plus_a_small_burst():
    policy = HedgePolicy(0.05)
    granted = 0
    for _ in range(1000):
        policy.on_call()
        granted += policy.try_hedge()
    assert granted == 50
    idle = HedgePolicy(0.05)
    for _ in range(1000):
        idle.on_call()
    assert sum(idle.try_hedge() for _ in range(20)) == 5  # burst: at most 5 saved up
