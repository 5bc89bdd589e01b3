"""Breakers and answers shared in Redis by hub workers (two FanOut instances, each with its
own Redis client, over a private redis-server): failures one worker sees open the circuit
for the other, one trial call at a time; a repeated query is answered from the cache
without calling the node, with the node's signed answer; nothing in Redis names the
subject; entries expire; only ok answers are kept; a tampered entry is not used."""

import threading
import time
from collections.abc import Iterator

import pytest

from federation.fanout.cache import CachedOutcome, cache_secret
from schemas.signing import verify_body
from tests.federation.fanout.conftest import search_request
from tests.federation.fanout.test_redis_support import (
    PrivateRedis,
    assert_nothing_names,
    everything_in,
    hub_worker,
)

SCOPE = "clerk:510500"
ID_NUMBER = "510500195203040019"


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(private_redis: PrivateRedis) -> PrivateRedis:
    private_redis.client().flushall()  # our own server: node codes repeat between tests
    return private_redis


@pytest.fixture
def secret(hub_key) -> bytes:  # type: ignore[no-untyped-def]
    return cache_secret(hub_key)


def test_failures_seen_by_one_worker_open_the_circuit_for_the_other(
        fake, fanout, redis_server, secret):
    failing, healthy = fake("http500"), fake()
    one, two = (hub_worker(fanout, [failing, healthy], redis_server.url, secret, cache_s=0,
                           breaker_fail_max=3, breaker_reset_s=1.0) for _ in range(2))
    assert [o.status for o in one.search(search_request())] == ["error", "ok"]
    assert [o.status for o in two.search(search_request())] == ["error", "ok"]
    assert one.breaker_state(failing.code) == "closed"
    assert [o.status for o in one.search(search_request())] == ["error", "ok"]  # the 3rd
    outcome = two.search(search_request())[0]
    assert outcome.status == "unavailable"
    assert outcome.error.startswith("circuit open after 3 failures; retry after ")
    assert len(failing.calls) == 3
    assert one.breaker_state(failing.code) == two.breaker_state(failing.code) == "open"
    # the local circuits saw only their own failures: they stay closed
    assert one._breakers[failing.code].local.state == "closed"

    time.sleep(1.05)
    failing.behaviour = "ok"
    assert one.breaker_state(failing.code) == "half-open"
    assert [o.status for o in two.search(search_request())] == ["ok", "ok"]  # the trial
    assert one.breaker_state(failing.code) == "closed"
    assert [o.status for o in one.search(search_request())] == ["ok", "ok"]
    assert len(failing.calls) == 5


def test_only_one_worker_makes_the_trial_call(fake, fanout, redis_server, secret):
    node = fake("http500")
    one, two = (hub_worker(fanout, [node], redis_server.url, secret, cache_s=0,
                           breaker_fail_max=1, breaker_reset_s=1.0,
                           default_deadline_s=0.5, overall_deadline_s=0.6)
                for _ in range(2))
    assert one.search(search_request())[0].status == "error"
    assert two.search(search_request())[0].status == "unavailable"
    time.sleep(1.05)
    node.behaviour = "hang"
    trial = threading.Thread(target=lambda: one.search(search_request()))
    trial.start()
    waited = time.monotonic()
    while len(node.calls) < 2 and time.monotonic() - waited < 2:
        time.sleep(0.01)  # until the trial call is under way at the node
    outcome = two.search(search_request())[0]
    trial.join()
    assert outcome.status == "unavailable"
    assert outcome.error == "circuit half-open: a trial call is under way"
    assert len(node.calls) == 2
    # the trial timed out: open again, for everyone
    assert two.search(search_request())[0].status == "unavailable"
    assert two.breaker_state(node.code) == "open"


def test_a_repeated_query_is_answered_from_the_cache_without_calling_the_node(
        fake, fanout, redis_server, secret):
    node = fake()
    one, two = (hub_worker(fanout, [node], redis_server.url, secret) for _ in range(2))
    first_request = search_request()
    first = one.search(first_request, cache_scope=SCOPE)[0]
    assert first.status == "ok" and not isinstance(first, CachedOutcome)
    assert len(node.calls) == 1

    again = two.search(search_request(), cache_scope=SCOPE)[0]  # the other worker
    assert isinstance(again, CachedOutcome) and again.cached
    assert len(node.calls) == 1
    assert again.status == "ok" and again.records == first.records and again.count == 1
    assert again.original_latency_ms == first.latency_ms
    assert again.original_request_id == first_request["request_id"]
    assert again.latency_ms is not None  # the cache's own (timing is not asserted here)
    # the evidence is the node's signed answer itself, still verifiable
    assert again.evidence.body == first.evidence.body
    assert again.evidence.signature == first.evidence.signature
    signed = verify_body(again.evidence.signature, again.evidence.body, node.entry().keys)
    assert (signed.archive, signed.request_id) == (node.code, first_request["request_id"])

    # another purpose, another caller, or a caller who does not say: the node is asked
    one.search(search_request(purpose="another purpose"), cache_scope=SCOPE)
    one.search(search_request(), cache_scope="clerk:500118")
    one.search(search_request())
    assert len(node.calls) == 4


def test_nothing_in_redis_names_the_subject(fake, fanout, redis_server, secret):
    node, failing = fake(), fake("http500")
    hub = hub_worker(fanout, [node, failing], redis_server.url, secret)
    subject = {"name": "张国华", "id_number": ID_NUMBER, "birth_date": "1952-03-04"}
    hub.search(search_request(subject=subject), cache_scope=f"citizen:{ID_NUMBER}")
    stored = everything_in(redis_server.client())
    keys = redis_server.client().keys("*")
    assert len([k for k in keys if k.startswith(b"liancha:answer:")]) == 1
    assert f"liancha:breaker:{failing.code}".encode() in keys
    # the subject, and the parties of the node's record (李秀英 is the wife)
    assert_nothing_names(stored, "张国华", "張國華", "李秀英", ID_NUMBER, ID_NUMBER[:17],
                         "1952-03-04", "四川泸州", "泸婚字第0045号")


def test_entries_expire(fake, fanout, redis_server, secret):
    node = fake()
    hub = hub_worker(fanout, [node], redis_server.url, secret, cache_s=1.0)
    hub.search(search_request(), cache_scope=SCOPE)
    (key,) = redis_server.client().keys("liancha:answer:*")
    assert 0 < redis_server.client().pttl(key) <= 1000
    assert getattr(hub.search(search_request(), cache_scope=SCOPE)[0], "cached", False)
    time.sleep(1.1)
    outcome = hub.search(search_request(), cache_scope=SCOPE)[0]
    assert outcome.status == "ok" and not getattr(outcome, "cached", False)
    assert len(node.calls) == 2


def test_only_ok_answers_are_cached(fake, fanout, redis_server, secret):
    node = fake("http500")
    hub = hub_worker(fanout, [node], redis_server.url, secret)
    for _ in range(2):
        assert hub.search(search_request(), cache_scope=SCOPE)[0].status == "error"
    assert len(node.calls) == 2
    assert not redis_server.client().keys("liancha:answer:*")


def test_a_tampered_or_foreign_entry_is_not_used(fake, fanout, redis_server, secret):
    node = fake()
    hub = hub_worker(fanout, [node], redis_server.url, secret)
    stranger = hub_worker(fanout, [node], redis_server.url, b"another hub's secret" * 2)
    hub.search(search_request(), cache_scope=SCOPE)
    (key,) = redis_server.client().keys("liancha:answer:*")
    value = redis_server.client().get(key)
    redis_server.client().set(key, value[:-1] + bytes([value[-1] ^ 1]))
    outcome = hub.search(search_request(), cache_scope=SCOPE)[0]
    assert outcome.status == "ok" and not getattr(outcome, "cached", False)
    assert len(node.calls) == 2
    # a hub with another key computes other keys (keyed HMAC) and cannot read these
    request = search_request()
    assert stranger.cache.key(node.entry(), request, SCOPE) != \
        hub.cache.key(node.entry(), request, SCOPE)
    assert not getattr(stranger.search(search_request(), cache_scope=SCOPE)[0], "cached", 0)
    assert len(node.calls) == 3
