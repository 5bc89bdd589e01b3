"""Each kind of node fault through real HTTP: the right status and reason, the whole search
back within the overall deadline plus 100 ms, and the healthy nodes still ok."""

import time

import pytest

from federation.fanout import FanOut
from federation.registry import NodeEntry
from schemas.signing import verify_body
from tests.federation.fanout.conftest import search_request
from tests.federation.fanout.fakes import closed_port

MARGIN_S = 0.1


def timed_search(hub: FanOut, request: dict | None = None, archives: list | None = None):
    started = time.monotonic()
    outcomes = hub.search(request or search_request(), archives)
    return outcomes, time.monotonic() - started


def test_every_node_answers_ok_with_verified_evidence(fake, fanout):
    nodes = [fake(), fake("slow", delay_ms=50), fake()]
    hub = fanout(nodes)
    request = search_request()
    outcomes, _ = timed_search(hub, request)
    assert [o.archive["code"] for o in outcomes] == [n.code for n in nodes]
    for node, outcome in zip(nodes, outcomes, strict=True):
        assert (outcome.status, outcome.count, outcome.error, outcome.hedged) == \
            ("ok", 1, None, False)
        assert outcome.records[0]["record_id"] == f"{node.code}/marriage/1"
        signed = verify_body(outcome.evidence.signature, outcome.evidence.body,
                             node.entry().keys)
        assert signed.request_id == request["request_id"] and signed.kid == outcome.evidence.kid
        call = node.calls[0]
        assert (call["aud"], call["request_id"]) == (node.code, request["request_id"])
    assert outcomes[1].latency_ms >= 50
    assert len({node.calls[0]["jti"] for node in nodes}) == 3


FAULTS = [
    ("hang", "timeout", "no answer within"),
    ("drip", "timeout", "no answer within"),
    ("slow_beyond", "timeout", "no answer within"),
    ("http500", "error", "answered HTTP 500: Internal Server Error"),
    ("garbage", "error", "answer is not JSON"),
    ("wrong_key", "error", "signature does not verify: the answer is signed with an unknown key"),
    ("unsigned", "error", "signature does not verify: the answer carries no signature"),
    ("wrong_archive", "error", "answer comes from archive '999999'"),
]


@pytest.mark.parametrize(("behaviour", "status", "reason"), FAULTS)
def test_a_faulty_node_gets_its_status_and_the_rest_stay_ok(fake, fanout, behaviour, status,
                                                            reason):
    faulty = fake("slow", delay_ms=1500) if behaviour == "slow_beyond" else fake(behaviour)
    nodes = [fake(), faulty, fake("slow", delay_ms=30)]
    hub = fanout(nodes)
    outcomes, elapsed = timed_search(hub)
    assert elapsed <= hub.overall_deadline_s + MARGIN_S
    assert [o.status for o in outcomes] == ["ok", status, "ok"]
    bad = outcomes[1]
    assert reason in bad.error
    assert (bad.count, bad.records, bad.evidence) == (0, [], None)
    if status == "timeout":
        assert bad.latency_ms >= 0.4 * 1000 - 5


def test_a_node_that_is_down_is_an_error_at_once(fake, fanout, hub_key):
    down = NodeEntry("510099", "停机档案馆", f"http://127.0.0.1:{closed_port()}", {})
    hub = fanout([fake(), down])
    outcomes, elapsed = timed_search(hub)
    assert [o.status for o in outcomes] == ["ok", "error"]
    assert outcomes[1].error == "connection refused"
    assert elapsed < 0.3


def test_the_overall_deadline_cuts_a_node_with_a_longer_own_deadline(fake, fanout):
    patient = fake("hang", deadline_s=5.0)
    hub = fanout([fake(), patient], default_deadline_s=5.0, overall_deadline_s=0.5)
    outcomes, elapsed = timed_search(hub)
    assert 0.5 <= elapsed <= 0.5 + MARGIN_S
    assert [o.status for o in outcomes] == ["ok", "timeout"]


def test_a_node_own_deadline_is_shorter_than_the_default(fake, fanout):
    hasty = fake("slow", delay_ms=300, deadline_s=0.15)
    hub = fanout([hasty, fake("slow", delay_ms=300)], default_deadline_s=0.5,
                 overall_deadline_s=0.6)
    outcomes, _ = timed_search(hub)
    assert [o.status for o in outcomes] == ["timeout", "ok"]
    assert outcomes[0].latency_ms < 250


def test_many_faults_at_once_still_answer_within_the_deadline(fake, fanout):
    down = NodeEntry("510098", "停机档案馆", f"http://127.0.0.1:{closed_port()}", {})
    nodes = [fake("hang"), fake("drip"), fake("http500"), fake(), down, fake("wrong_key")]
    hub = fanout(nodes, default_deadline_s=1.0, overall_deadline_s=0.5)
    for _ in range(2):
        outcomes, elapsed = timed_search(hub)
        assert elapsed <= 0.5 + MARGIN_S
        assert [o.status for o in outcomes] == \
            ["timeout", "timeout", "error", "ok", "error", "error"]


def test_scope_archives_and_record_types(fake, fanout):
    marriages = fake(record_types=frozenset({"marriage"}))
    forestry = fake(record_types=frozenset({"forestry_right"}))
    anything = fake()
    hub = fanout([marriages, forestry, anything])
    outcomes, _ = timed_search(hub, search_request(record_types=["marriage", "employment"]))
    assert [o.status for o in outcomes] == ["ok", "skipped", "ok"]
    assert "holds none of the asked record types" in outcomes[1].error
    assert forestry.calls == []
    outcomes, _ = timed_search(hub, archives=[anything.code, marriages.code])
    assert [o.archive["code"] for o in outcomes] == [marriages.code, anything.code]
    with pytest.raises(ValueError, match="unknown archive codes: 000001, 999999"):
        hub.search(search_request(), ["999999", marriages.code, "000001"])


@pytest.mark.parametrize("behaviour", ["hang", "drip"])
def test_abandoned_calls_end_by_themselves_at_their_deadline(fake, fanout, behaviour):
    stuck = fake(behaviour)
    hub = fanout([stuck], default_deadline_s=0.3, overall_deadline_s=0.3)
    assert hub.search(search_request(), None)[0].status == "timeout"
    give_up = time.monotonic() + 1.0
    while not hub.hedging[stuck.code].samples and time.monotonic() < give_up:
        time.sleep(0.01)
    # the call noted how long it lasted when it gave up: right at the deadline
    assert hub.hedging[stuck.code].samples and hub.hedging[stuck.code].samples[0] < 0.3 + 0.1


def test_a_call_the_hub_never_made_is_the_hubs_error_not_the_nodes(fake, fanout):
    """One call slot, taken by a hanging node until its deadline: the other node's
    call never leaves the hub. That is reported as the hub's error, within the deadline,
    and the healthy node's circuit does not count it."""
    hanging, healthy = fake("hang"), fake("ok")
    # the healthy node's deadline comes well before the hanging call lets the slot go, so
    # that its call cannot start in between however late this machine wakes the threads
    hanging.deadline_s, healthy.deadline_s = 0.55, 0.25
    engine = fanout([hanging, healthy], max_calls=1, breaker_fail_max=1,
                    hedge_budget=0.0)
    engine.hedging[hanging.code].record(10.0)  # the hanging node is called first
    started = time.monotonic()
    outcomes = {o.archive["code"]: o for o in engine.search(search_request())}
    assert time.monotonic() - started < 0.6 + 0.1
    assert outcomes[hanging.code].status == "timeout"
    assert outcomes[healthy.code].status == "error"
    assert "hub was too busy" in outcomes[healthy.code].error
    assert healthy.calls == []  # it was never called, not even later
    assert engine.breaker_state(healthy.code) == "closed"
    assert engine.breaker_state(hanging.code) == "open"
