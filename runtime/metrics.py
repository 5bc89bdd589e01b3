"""Prometheus metrics of a hub or a node, and the hooks other code calls to count things.

Each app has its own `CollectorRegistry` (tests build many apps in one process; the global
registry would refuse a second metric of the same name). Under gunicorn with several
workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty directory writable by the workers
before the server starts: prometheus-client then keeps the values in files there and
`/metrics` adds up every worker's (docs/operations.md).

Labels never carry what a request named: `endpoint` is the Flask url rule
(`/api/v1/queries/<query_id>`), never the path; `archive` is an archive code; methods
outside the usual few become `other`. No label holds personal data.
"""

import os
from collections.abc import Iterable
from typing import Protocol

from flask import current_app, has_app_context
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

EXTENSION = "liancha.metrics"
CACHED = "cached"  # the fan-out status label of an answer taken from the answer cache
UNMATCHED = "<unmatched>"  # the endpoint label of a request no url rule matched (a 404)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
NODE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class Outcome(Protocol):
    """What `count_fanout` reads of a fan-out's `NodeOutcome`."""

    archive: dict
    status: str
    latency_ms: float | None
    hedged: bool


class AppMetrics:
    """The metrics of one app, in its own registry."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.readers: list[Collector] = []  # computed at each scrape (e.g. from the database)
        self.requests = Counter(
            "liancha_http_requests", "HTTP requests answered, by url rule and status",
            ("method", "endpoint", "status"), registry=self.registry)
        self.request_seconds = Histogram(
            "liancha_http_request_duration_seconds",
            "Time from the request's arrival to its answer, by url rule and status",
            ("method", "endpoint", "status"), buckets=REQUEST_BUCKETS, registry=self.registry)
        if service != "hub":
            return
        self.node_outcomes = Counter(
            "liancha_fanout_node_outcomes", "Each archive's part in a fan-out, by status "
            "(ok, timeout, error, unavailable, skipped; cached: from the answer cache)",
            ("archive", "status"),
            registry=self.registry)
        self.node_seconds = Histogram(
            "liancha_fanout_node_latency_seconds", "Time to the node answer used (or waited, "
            "for a timeout), by archive and status", ("archive", "status"),
            buckets=NODE_BUCKETS, registry=self.registry)
        self.hedges = Counter(
            "liancha_fanout_hedges", "Fan-outs in which a second request went to the node",
            ("archive",), registry=self.registry)
        self.cache = Counter(
            "liancha_answer_cache_lookups", "Answer cache lookups by result (hit, miss, "
            "error: Redis unreachable)", ("result",), registry=self.registry)

    def observe_request(self, method: str, endpoint: str, status: int, seconds: float) -> None:
        labels = (method if method in METHODS else "other", endpoint, str(status))
        self.requests.labels(*labels).inc()
        self.request_seconds.labels(*labels).observe(seconds)

    def add_reader(self, reader: Collector) -> None:
        """A collector read at each scrape, once however many worker processes there are."""
        self.readers.append(reader)
        self.registry.register(reader)

    def exposition(self) -> bytes:
        """The Prometheus text format: this app's metrics, or every worker's in
        multiprocess mode."""
        if not multiprocess_mode():
            return generate_latest(self.registry)
        combined = CollectorRegistry()
        MultiProcessCollector(combined)
        for reader in self.readers:
            combined.register(reader)
        return generate_latest(combined)


def multiprocess_mode() -> bool:
    # prometheus-client's own switch, read by the library itself when it is imported;
    # the app only needs to know whether to collect from its files
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def count_node_outcome(archive: str, status: str, latency_s: float | None,
                       hedged: bool = False) -> None:
    """Count one archive's outcome in a fan-out (within the hub's app context, else a
    no-op: the fan-out's worker threads have none)."""
    metrics = _hub_metrics()
    if metrics is None:
        return
    metrics.node_outcomes.labels(archive, status).inc()
    if latency_s is not None:
        metrics.node_seconds.labels(archive, status).observe(latency_s)
    if hedged:
        metrics.hedges.labels(archive).inc()


def count_fanout(outcomes: Iterable[Outcome]) -> None:
    """Count every archive's outcome of one fan-out (`FanOut.search`'s list). An answer
    reused from the answer cache counts as `cached`, without latency: no node was called."""
    for outcome in outcomes:
        archive = str(outcome.archive["code"])
        if getattr(outcome, "cached", False):
            count_node_outcome(archive, CACHED, None)
            continue
        latency_ms = outcome.latency_ms
        count_node_outcome(archive, outcome.status,
                           None if latency_ms is None else latency_ms / 1000, outcome.hedged)


def count_cache(result: str) -> None:
    """Count one answer-cache lookup: `hit`, `miss` or `error` (within the hub's app
    context, else a no-op)."""
    metrics = _hub_metrics()
    if metrics is not None:
        metrics.cache.labels(result).inc()


def _hub_metrics() -> AppMetrics | None:
    if not has_app_context():
        return None
    metrics = current_app.extensions.get(EXTENSION)
    return metrics if metrics is not None and metrics.service == "hub" else None
