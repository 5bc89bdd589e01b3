"""`FanOut`: one search sent to every archive in scope at once, answered within deadlines.

How the deadlines hold: every node gets an absolute deadline (its own `deadline_s` or the
default, never past the overall one) and the caller's thread only ever waits on futures
with a timeout up to the next deadline or hedge time, so `search` returns by the overall
deadline whatever the nodes do. Calls still running then are abandoned, not waited for;
they end by themselves, because each one's socket timeouts and body reading stop at its
deadline (see `client.py`).
"""

import concurrent.futures as cf
import contextvars
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.fanout.breakers import NodeBreaker
from federation.fanout.cache import AnswerCache
from federation.fanout.client import Attempt, NodeClient
from federation.fanout.hedging import HedgePolicy
from federation.fanout.locators import LocatorBook
from federation.fanout.outcomes import (
    ERROR,
    NOT_HELD,
    OK,
    SKIPPED,
    TIMEOUT,
    UNAVAILABLE,
    NodeOutcome,
    leaves,
)
from federation.fanout.shared import SharedRedis
from federation.registry import NodeEntry


@dataclass
class _Flight:
    """One node's calls in one search: the first request and perhaps a hedge."""

    node: NodeEntry
    started: float
    deadline: float
    hedge_at: float | None
    futures: list[cf.Future] = field(default_factory=list)
    failures: list[Attempt] = field(default_factory=list)
    hedged: bool = False


class FanOut:
    """Parallel signed searches over the registry's nodes (see docs/hub.md)."""

    def __init__(
        self,
        nodes: Iterable[NodeEntry],
        signing_key: Ed25519PrivateKey,
        default_deadline_s: float = 3.0,
        overall_deadline_s: float = 5.0,
        hedge_budget: float = 0.05,
        breaker_fail_max: int = 5,
        breaker_reset_s: float = 30.0,
        max_workers: int | None = None,
        shared: SharedRedis | None = None,
        cache: AnswerCache | None = None,
        locators: LocatorBook | None = None,
    ) -> None:
        """`shared`: the Redis that holds the breakers of all hub workers (None: each
        process keeps its own); `cache`: reuse of nodes' recent answers (None: none);
        `locators`: the archives' record locators (None: every archive is asked)."""
        self.nodes = list(nodes)
        self.default_deadline_s = default_deadline_s
        self.overall_deadline_s = overall_deadline_s
        self._by_code = {node.code: node for node in self.nodes}
        threads = max_workers or max(2, 2 * len(self.nodes))
        self._clients = {node.code: NodeClient(node, signing_key, pool_size=threads)
                         for node in self.nodes}
        self._breakers = {
            node.code: NodeBreaker(node.code, breaker_fail_max, breaker_reset_s, shared)
            for node in self.nodes}
        self.shared, self.cache, self.locators = shared, cache, locators
        self.hedging = {node.code: HedgePolicy(hedge_budget) for node in self.nodes}
        # shared by every query of this process: a call waits here when all are busy
        self._executor = cf.ThreadPoolExecutor(max_workers=threads,
                                               thread_name_prefix="fanout")

    def close(self) -> None:
        """Stop taking work; calls still running end at their own deadlines."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        for client in self._clients.values():
            client.close()
        if self.shared is not None:
            self.shared.close()
        if self.locators is not None:
            self.locators.close()

    def breaker_state(self, code: str) -> str:
        return self._breakers[code].state

    def search(self, request: dict, archives: list[str] | None = None,
               cache_scope: str | None = None,
               within_s: float | None = None) -> list[NodeOutcome]:
        """One outcome per archive in scope, in registry order (a lower hub's archives in
        its place); never raises for a node's fault.

        `cache_scope` names who asks (e.g. a clerk's archive): recent answers to the same
        request in the same scope are reused (see cache.py); None never uses the cache.
        `within_s` shortens the overall deadline (what is left of a request's own)."""
        started = time.monotonic()
        overall_s = self.overall_deadline_s if within_s is None else min(
            self.overall_deadline_s, max(within_s, 0.0))
        overall_end = started + overall_s
        scope = self._scope(archives)
        body = orjson.dumps(request)
        outcomes: dict[str, NodeOutcome] = {}
        flights: dict[str, _Flight] = {}
        record_types = request.get("record_types")
        asked = [node for node in scope if node.holds_any(record_types)]
        for node in scope:
            if not node.holds_any(record_types):
                outcomes[node.code] = _outcome(
                    node, SKIPPED, None,
                    f"holds none of the asked record types ({', '.join(record_types)})")
        if self.locators is not None:
            routes = self.locators.route(request.get("subject") or {},
                                         [node.code for node in asked])
            for node in asked:
                if routes[node.code] is False:  # never on doubt: None is asked
                    outcomes[node.code] = _outcome(
                        node, NOT_HELD, None,
                        "its record locator holds none of the subject's keys: not asked")
            asked = [node for node in asked if node.code not in outcomes]
        if self.cache is not None and cache_scope is not None:
            # a cached answer is used even if the node's circuit opened since (a lower
            # hub's answers are not cached: its archives' are, by the lower hub)
            outcomes.update(self.cache.fetch([node for node in asked if not node.is_hub],
                                             request, cache_scope))
        for node in asked:
            if node.code in outcomes:
                continue
            refused = self._breakers[node.code].admit()
            if refused:
                outcomes[node.code] = _outcome(node, UNAVAILABLE, None, refused)
                continue
            flights[node.code] = None  # type: ignore[assignment]
        # the nodes that usually take longest are called first: they set the pace
        for code in sorted(flights, key=lambda code: -self.hedging[code].typical_s()):
            flights[code] = self._launch(self._by_code[code], body, request, overall_end)
        called = list(flights)
        self._await(flights, outcomes, body, request)
        if self.cache is not None and cache_scope is not None:
            self.cache.store([(self._by_code[code], outcomes[code]) for code in called
                              if not self._by_code[code].is_hub], request, cache_scope)
        # a lower hub that answered stands for its archives, each one an outcome of its own
        return leaves([outcomes[node.code] for node in scope])

    def _launch(self, node: NodeEntry, body: bytes, request: dict,
                overall_end: float) -> _Flight:
        now = time.monotonic()
        policy = self.hedging[node.code]
        delay = policy.delay_s()
        deadline = min(now + (node.deadline_s or self.default_deadline_s), overall_end)
        flight = _Flight(node, now, deadline, now + delay if delay is not None else None)
        policy.on_call()
        flight.futures.append(self._submit(node, body, request, deadline))
        return flight

    def _scope(self, archives: list[str] | None) -> list[NodeEntry]:
        if archives is None:
            return self.nodes
        unknown = sorted({code for code in archives if code not in self._by_code})
        if unknown:
            raise ValueError(f"unknown archive codes: {', '.join(unknown)}")
        wanted = set(archives)
        return [node for node in self.nodes if node.code in wanted]

    def _submit(self, node: NodeEntry, body: bytes, request: dict, deadline: float) -> cf.Future:
        # the worker thread runs in a copy of the caller's context: its request id goes on
        return self._executor.submit(contextvars.copy_context().run, self._attempt, node, body,
                                     str(request["request_id"]), str(request["purpose"]),
                                     deadline)

    def _attempt(self, node: NodeEntry, body: bytes, request_id: str, purpose: str,
                 deadline: float) -> Attempt:
        """Runs on a worker thread: one request, its latency noted for the hedge delay."""
        attempt = self._clients[node.code].call(body, request_id, purpose, deadline)
        if attempt.status in (OK, TIMEOUT):
            self.hedging[node.code].record(attempt.elapsed_s)
        return attempt

    def _await(self, flights: dict[str, _Flight], outcomes: dict[str, NodeOutcome],
               body: bytes, request: dict) -> None:
        """Wait for answers, hedge slow nodes, cut at deadlines; the caller's only wait."""
        owner: dict[cf.Future, str] = {}
        for code, flight in flights.items():
            owner[flight.futures[0]] = code
        while flights:
            now = time.monotonic()
            for code, flight in list(flights.items()):
                if now >= flight.deadline and not _left(flight):
                    # every thread was busy until the deadline: the hub's fault, not the node's
                    self._finish(flights, outcomes, code, _never_left(flight, now),
                                 count=False)
                elif now >= flight.deadline:
                    self._finish(flights, outcomes, code, _timed_out(flight, now))
                elif flight.hedge_at is not None and now >= flight.hedge_at:
                    flight.hedge_at = None
                    if self.hedging[code].try_hedge():
                        flight.hedged = True
                        future = self._submit(flight.node, body, request, flight.deadline)
                        flight.futures.append(future)
                        owner[future] = code
            if not flights:
                break
            wake = min(min(f.deadline, f.hedge_at or f.deadline) for f in flights.values())
            pending = [future for future, code in owner.items() if code in flights]
            done, _ = cf.wait(pending, timeout=max(0.0, wake - time.monotonic()),
                              return_when=cf.FIRST_COMPLETED)
            for future in done:
                code = owner.pop(future)
                flight = flights.get(code)
                if flight is None:
                    continue
                attempt = _result(future)
                if attempt.ok:
                    self._finish(flights, outcomes, code, _used(flight, attempt))
                    continue
                flight.failures.append(attempt)
                if all(f.done() for f in flight.futures):
                    self._finish(flights, outcomes, code, _used(flight, flight.failures[0]))

    def _finish(self, flights: dict[str, _Flight], outcomes: dict[str, NodeOutcome],
                code: str, outcome: NodeOutcome, count: bool = True) -> None:
        """`count`: the outcome says something about the node (its breaker learns it)."""
        del flights[code]
        outcomes[code] = outcome
        if count:
            self._breakers[code].record(failed=outcome.status != OK)


def _result(future: cf.Future) -> Attempt:
    try:
        return future.result()
    except Exception as exc:  # a bug of ours must not become the node's 500
        now = time.monotonic()
        return Attempt("error", f"hub could not call the node: {exc!r}", now, now)


def _outcome(node: NodeEntry, status: str, latency_ms: float | None,
             error: str | None, hedged: bool = False) -> NodeOutcome:
    return NodeOutcome({"code": node.code, "name": node.name}, status, latency_ms,
                       error=error, hedged=hedged, kind=node.kind)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _used(flight: _Flight, attempt: Attempt) -> NodeOutcome:
    latency = _ms(attempt.finished - flight.started)
    if not attempt.ok:
        return _outcome(flight.node, attempt.status, latency, attempt.error, flight.hedged)
    outcome = _outcome(flight.node, OK, latency, None, flight.hedged)
    outcome.records, outcome.count, outcome.evidence = \
        attempt.records, len(attempt.records), attempt.evidence
    outcome.name_context = attempt.name_context
    outcome.children = attempt.children
    return outcome


def _left(flight: _Flight) -> bool:
    """Whether a request of this flight got a thread (and so left the hub)."""
    return any(future.running() or future.done() for future in flight.futures)


def _never_left(flight: _Flight, now: float) -> NodeOutcome:
    for future in flight.futures:
        future.cancel()  # still queued: it would only call the node for nobody
    return _outcome(flight.node, ERROR, _ms(now - flight.started),
                    "the hub was too busy to call this archive before the deadline (every "
                    "fan-out thread in use: FANOUT_THREADS); not the archive's fault")


def _timed_out(flight: _Flight, now: float) -> NodeOutcome:
    waited = now - flight.started
    return _outcome(flight.node, TIMEOUT, _ms(waited),
                    f"no answer within {waited:.2f} s (deadline)", flight.hedged)
