"""The circuit breaker per node: opens after fail_max failures (then `unavailable` at once,
without calling the node), lets one trial call through after the cool-down, and closes
again on success."""

import time

from tests.federation.fanout.conftest import search_request


def test_the_breaker_opens_refuses_at_once_and_half_opens_after_the_cool_down(fake, fanout):
    failing, healthy = fake("http500"), fake()
    hub = fanout([failing, healthy], breaker_fail_max=3, breaker_reset_s=0.5)
    for _ in range(3):
        assert [o.status for o in hub.search(search_request())] == ["error", "ok"]
    started = time.monotonic()
    outcomes = hub.search(search_request())
    assert time.monotonic() - started < 0.1
    assert [o.status for o in outcomes] == ["unavailable", "ok"]
    assert outcomes[0].error.startswith("circuit open after 3 failures; retry after ")
    assert outcomes[0].latency_ms is None
    assert len(failing.calls) == 3  # not called while open
    assert hub.breaker_state(failing.code) == "open"

    time.sleep(0.55)
    failing.behaviour = "ok"  # the archive is back: the trial call closes the circuit
    assert [o.status for o in hub.search(search_request())] == ["ok", "ok"]
    assert hub.breaker_state(failing.code) == "closed"
    assert len(failing.calls) == 4


def test_a_failed_trial_call_opens_the_circuit_again(fake, fanout):
    failing = fake("http500")
    hub = fanout([failing], breaker_fail_max=2, breaker_reset_s=0.3)
    statuses = [hub.search(search_request())[0].status for _ in range(3)]
    assert statuses == ["error", "error", "unavailable"]
    time.sleep(0.35)
    assert hub.search(search_request())[0].status == "error"  # the trial, still failing
    assert hub.search(search_request())[0].status == "unavailable"
    assert len(failing.calls) == 3


def test_timeouts_count_as_failures_and_ok_resets_the_count(fake, fanout):
    flaky = fake("hang")
    hub = fanout([flaky], default_deadline_s=0.2, overall_deadline_s=0.3, breaker_fail_max=2)
    assert hub.search(search_request())[0].status == "timeout"
    flaky.script.append("ok")
    assert hub.search(search_request())[0].status == "ok"  # resets the count
    assert hub.search(search_request())[0].status == "timeout"
    assert hub.breaker_state(flaky.code) == "closed"
    assert hub.search(search_request())[0].status == "timeout"
    outcome = hub.search(search_request())[0]
    assert outcome.status == "unavailable" and "after 2 failures" in outcome.error
