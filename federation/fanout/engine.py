"""`FanOut`: one search sent to every archive in scope at once, answered within deadlines.

The calls are coroutines on the process's one fan-out event loop (`loop.py`): a search
costs a socket and a small task per archive, not a thread, so a broadcast to thousands of
archives fits in one process. What is not I/O stays on the caller's thread (choosing whom
to ask, the locators, the answer cache, the breakers, which may talk to Redis), so that a
slow Redis never holds the loop that every search shares.

How the deadlines hold: every node gets an absolute deadline (its own `deadline_s` or the
default, never past the overall one) and a timer at it (and one at its hedge time); a node
not answered when its timer fires is `timeout`, and the caller's thread waits for the
search's coroutine, so `search` returns by the overall deadline whatever the nodes do.
Calls still running then are abandoned, not awaited; they end by themselves at their
deadline (`client.py`).
At most `max_calls` calls are in flight in the process at once; a call that cannot start
before its deadline is the hub's error, not the node's.
"""

import asyncio
import functools
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import aiohttp
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.fanout.breakers import NodeBreaker
from federation.fanout.cache import AnswerCache
from federation.fanout.client import Attempt, NodeClient
from federation.fanout.hedging import HedgePolicy
from federation.fanout.locators import LocatorBook
from federation.fanout.loop import close_at_exit, submit
from federation.fanout.outcomes import (
    ERROR,
    NOT_HELD,
    OK,
    SKIPPED,
    TIMEOUT,
    UNAVAILABLE,
    NodeOutcome,
    leaves,
    shared_outcome,
)
from federation.fanout.shared import SharedRedis
from federation.registry import NodeEntry
from runtime import request_ids

NOT_HELD_REASON = "its record locator holds none of the subject's keys: not asked"


@dataclass
class _Flight:
    """One node's calls in one search: the first request and perhaps a hedge."""

    node: NodeEntry
    started: float
    deadline: float
    hedge_at: float | None
    tasks: list[asyncio.Task] = field(default_factory=list)
    failures: list[Attempt] = field(default_factory=list)
    hedged: bool = False
    left: bool = False  # a call of this flight got a slot and went out


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
        max_calls: int | None = None,
        shared: SharedRedis | None = None,
        cache: AnswerCache | None = None,
        locators: LocatorBook | None = None,
    ) -> None:
        """`shared`: the Redis that holds the breakers of all hub workers (None: each
        process keeps its own); `cache`: reuse of nodes' recent answers (None: none);
        `locators`: the archives' record locators (None: every archive is asked);
        `max_calls`: node calls in flight at once in this process (default: two per node)."""
        self.nodes = list(nodes)
        self.default_deadline_s = default_deadline_s
        self.overall_deadline_s = overall_deadline_s
        self._by_code = {node.code: node for node in self.nodes}
        self._has_hubs = any(node.is_hub for node in self.nodes)
        # made once: a national search reports thousands of archives not asked
        self._not_held = {node.code: shared_outcome(
            {"code": node.code, "name": node.name}, NOT_HELD, NOT_HELD_REASON, node.kind)
            for node in self.nodes}
        self.max_calls = max_calls or max(2, 2 * len(self.nodes))
        self._clients = {node.code: NodeClient(node, signing_key) for node in self.nodes}
        self._breakers = {
            node.code: NodeBreaker(node.code, breaker_fail_max, breaker_reset_s, shared)
            for node in self.nodes}
        self.shared, self.cache, self.locators = shared, cache, locators
        self.hedging = {node.code: HedgePolicy(hedge_budget) for node in self.nodes}
        self._opened: tuple[int, aiohttp.ClientSession, asyncio.Semaphore] | None = None
        self._open_lock = threading.Lock()

    def _ensure_open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        """This process's session and call slots on its loop, made on first use (a process
        forked after the fan-out was made, a Celery or gunicorn worker, gets its own)."""
        with self._open_lock:
            if self._opened is None or self._opened[0] != os.getpid():
                session, slots = submit(self._open()).result()
                self._opened = (os.getpid(), session, slots)
            return self._opened[1], self._opened[2]

    async def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        """On the loop: the HTTP session (keep-alive connections, as many as the calls in
        flight need: the call slots bound them; no proxies or netrc between the hub and its
        nodes) and the call slots."""
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300)
        session = aiohttp.ClientSession(connector=connector, trust_env=False,
                                        timeout=aiohttp.ClientTimeout(total=None),
                                        skip_auto_headers=("User-Agent",))
        close_at_exit(session)
        return session, asyncio.Semaphore(self.max_calls)

    def close(self) -> None:
        """Stop taking work; calls still running end at their own deadlines."""
        opened = self._opened
        if opened is not None and opened[0] == os.getpid() and not opened[1].closed:
            try:
                submit(opened[1].close()).result(timeout=5)
            except (TimeoutError, RuntimeError):
                pass
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
        record_types = request.get("record_types")
        asked = scope
        if record_types:
            asked = []
            for node in scope:
                if node.holds_any(record_types):
                    asked.append(node)
                else:
                    outcomes[node.code] = _outcome(
                        node, SKIPPED, None,
                        f"holds none of the asked record types ({', '.join(record_types)})")
        to_ask = None if self.locators is None else \
            self.locators.to_ask(request.get("subject") or {})
        if to_ask is not None:  # never skipped on doubt: an archive the book lacks is asked
            routed, known = [], self.locators.knows()  # type: ignore[union-attr]
            for node in asked:
                if node.code in to_ask or node.code not in known:
                    routed.append(node)
                else:
                    outcomes[node.code] = self._not_held[node.code]
            asked = routed
        if self.cache is not None and cache_scope is not None:
            # a cached answer is used even if the node's circuit opened since (a lower
            # hub's answers are not cached: its archives' are, by the lower hub)
            outcomes.update(self.cache.fetch([node for node in asked if not node.is_hub],
                                             request, cache_scope))
        calling = []
        for node in asked:
            if node.code in outcomes:
                continue
            refused = self._breakers[node.code].admit()
            if refused:
                outcomes[node.code] = _outcome(node, UNAVAILABLE, None, refused)
                continue
            calling.append(node)
        # the nodes that usually take longest are called first: they set the pace
        calling.sort(key=lambda node: -self.hedging[node.code].typical_s())
        if calling:
            answered = self._flights(calling, body, request, overall_end)
            for code, (outcome, counted) in answered.items():
                outcomes[code] = outcome
                if counted:  # the outcome says something about the node: its breaker learns
                    self._breakers[code].record(failed=outcome.status != OK)
        if self.cache is not None and cache_scope is not None:
            self.cache.store([(node, outcomes[node.code]) for node in calling
                              if not node.is_hub], request, cache_scope)
        ordered = [outcomes[node.code] for node in scope]
        # a lower hub that answered stands for its archives, each one an outcome of its own
        return leaves(ordered) if self._has_hubs else ordered

    def _flights(self, calling: list[NodeEntry], body: bytes, request: dict,
                 overall_end: float) -> dict[str, tuple[NodeOutcome, bool]]:
        """The calls of one search, on the loop; the caller's thread waits for them up to
        the overall deadline (and a little for the loop to hand the answer back)."""
        context = {"request_id": str(request["request_id"]), "purpose": str(request["purpose"]),
                   "hub_request_id": request_ids.current()}
        session, slots = self._ensure_open()
        future = submit(self._search(calling, body, context, overall_end, session, slots))
        try:
            return future.result(timeout=max(0.0, overall_end - time.monotonic()) + 5.0)
        except TimeoutError:  # the loop itself is stuck: every call is the hub's fault
            future.cancel()
            now = time.monotonic()
            return {node.code: (_outcome(node, ERROR, None, "the hub's fan-out loop did not "
                                         f"answer by the deadline ({now - overall_end:.1f} s "
                                         "late); not the archive's fault"), False)
                    for node in calling}

    async def _search(self, calling: list[NodeEntry], body: bytes, context: dict,
                      overall_end: float, session: aiohttp.ClientSession,
                      slots: asyncio.Semaphore) -> dict[str, tuple[NodeOutcome, bool]]:
        """Every node's outcome and whether it says something about the node (its breaker
        learns from it). Driven by callbacks: a call's end, a node's hedge time and its
        deadline each touch that node's flight only, so a search of thousands of archives
        costs the same per archive as a search of one."""
        loop = asyncio.get_running_loop()
        context = dict(context, session=session, slots=slots)
        answered: dict[str, tuple[NodeOutcome, bool]] = {}
        all_answered = loop.create_future()
        timers: list[asyncio.TimerHandle] = []

        def finish(flight: _Flight, outcome: NodeOutcome, counted: bool = True) -> None:
            if flight.node.code in answered:
                return
            answered[flight.node.code] = (outcome, counted)
            if len(answered) == len(calling) and not all_answered.done():
                all_answered.set_result(None)

        def ended(flight: _Flight, task: asyncio.Task) -> None:
            if flight.node.code in answered:
                return
            if not flight.left:  # its only call never got a slot: the hub's fault
                finish(flight, _never_left(flight, time.monotonic()), counted=False)
                return
            attempt = _result(task)
            if attempt.ok:
                finish(flight, _used(flight, attempt))
                return
            flight.failures.append(attempt)
            if all(t.done() for t in flight.tasks):
                finish(flight, _used(flight, flight.failures[0]))

        def deadline(flight: _Flight) -> None:
            if flight.node.code in answered:
                return
            now = time.monotonic()
            if not flight.left:  # no slot came free before the deadline: the hub's fault
                finish(flight, _never_left(flight, now), counted=False)
            else:
                finish(flight, _timed_out(flight, now))

        def hedge(flight: _Flight) -> None:
            if flight.node.code not in answered and self.hedging[flight.node.code].try_hedge():
                flight.hedged = True
                start(flight)

        def start(flight: _Flight) -> None:
            task = self._start(flight, body, context)
            flight.tasks.append(task)
            task.add_done_callback(functools.partial(ended, flight))

        for node in calling:  # the loop's clock is time.monotonic(), the deadlines' own
            flight = self._launch(node, overall_end)
            start(flight)
            timers.append(loop.call_at(flight.deadline, deadline, flight))
            if flight.hedge_at is not None:
                timers.append(loop.call_at(flight.hedge_at, hedge, flight))
        try:
            await all_answered
        finally:
            for timer in timers:
                timer.cancel()
        return answered

    def _launch(self, node: NodeEntry, overall_end: float) -> _Flight:
        now = time.monotonic()
        policy = self.hedging[node.code]
        delay = policy.delay_s()
        deadline = min(now + (node.deadline_s or self.default_deadline_s), overall_end)
        flight = _Flight(node, now, deadline, now + delay if delay is not None else None)
        policy.on_call()
        return flight

    def _start(self, flight: _Flight, body: bytes, context: dict) -> asyncio.Task:
        return asyncio.get_running_loop().create_task(self._attempt(flight, body, context))

    async def _attempt(self, flight: _Flight, body: bytes, context: dict) -> Attempt:
        """One request once a slot is free, its latency noted for the hedge delay."""
        node = flight.node
        try:
            async with asyncio.timeout(max(0.0, flight.deadline - time.monotonic())):
                await context["slots"].acquire()
        except TimeoutError:
            now = time.monotonic()
            return Attempt(ERROR, "no call slot before the deadline", now, now)
        flight.left = True
        try:
            attempt = await self._clients[node.code].call(
                context["session"], body, context["request_id"], context["purpose"],
                flight.deadline, context["hub_request_id"])
        finally:
            context["slots"].release()
        if attempt.status in (OK, TIMEOUT):
            self.hedging[node.code].record(attempt.elapsed_s)
        return attempt

    def _scope(self, archives: list[str] | None) -> list[NodeEntry]:
        if archives is None:
            return self.nodes
        unknown = sorted({code for code in archives if code not in self._by_code})
        if unknown:
            raise ValueError(f"unknown archive codes: {', '.join(unknown)}")
        wanted = set(archives)
        return [node for node in self.nodes if node.code in wanted]


def _result(task: asyncio.Task) -> Attempt:
    try:
        return task.result()
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


def _never_left(flight: _Flight, now: float) -> NodeOutcome:
    for task in flight.tasks:
        task.cancel()  # still waiting for a slot: it would only call the node for nobody
    return _outcome(flight.node, ERROR, _ms(now - flight.started),
                    "the hub was too busy to call this archive before the deadline (every "
                    "call slot in use: FANOUT_CALLS); not the archive's fault")


def _timed_out(flight: _Flight, now: float) -> NodeOutcome:
    waited = now - flight.started
    return _outcome(flight.node, TIMEOUT, _ms(waited),
                    f"no answer within {waited:.2f} s (deadline)", flight.hedged)
