"""Scheduled health probes of every archive's node (job `probe_nodes`), so that an archive's
IT team learns a node is down from the hub's monitoring before a citizen meets it.

A probe asks the node's `/readyz` (it can serve: its database answers) and
`/v1/service-info` (it is the archive the registry says, and how many records it holds),
each within `PROBE_TIMEOUT_S`. What it found is kept per archive (`NodeHealth`), with the
time of the last change, shown to clerks (`GET /api/v1/nodes`) and exported as
`liancha_node_up` on the hub's `/metrics`. A change of status is logged once.
"""

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from federation.config import HubSettings
from federation.identity import Identity
from federation.models import NodeHealth
from federation.permissions import require
from federation.registry import NodeEntry

log = logging.getLogger(__name__)
UP, DOWN = "up", "down"


@dataclass(frozen=True)
class Probe:
    status: str
    latency_ms: float
    error: str | None = None
    standard_version: str | None = None
    records: int | None = None


def probe_nodes(session: Session, settings: HubSettings) -> None:
    """Probe every node at once and keep what each probe found."""
    with ThreadPoolExecutor(max_workers=min(8, max(1, len(settings.nodes))),
                            thread_name_prefix="probe") as pool:
        probes = list(pool.map(lambda node: probe(node, settings.probe_timeout_s),
                               settings.nodes))
    now = datetime.now(UTC)
    for node, found in zip(settings.nodes, probes, strict=True):
        _keep(session, node, found, now)
    session.commit()


def probe(node: NodeEntry, timeout_s: float) -> Probe:
    started = time.perf_counter()
    try:
        ready = requests.get(f"{node.url}/readyz", timeout=timeout_s)
        if ready.status_code != 200:
            return Probe(DOWN, _since(started), f"/readyz answered HTTP {ready.status_code}")
        info = requests.get(f"{node.url}/v1/service-info", timeout=timeout_s).json()
        code = info["archive"]["code"]
        if code != node.code:
            return Probe(DOWN, _since(started), f"the node says it is archive {code}, the "
                                                f"registry says {node.code}")
        return Probe(UP, _since(started), None, str(info.get("standard_version")),
                     sum(int(count) for count in info.get("counts", {}).values()))
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        return Probe(DOWN, _since(started), f"{type(exc).__name__}: {exc}"[:500])


def node_health(session: Session, settings: HubSettings, identity: Identity,
                circuit_of: Callable[[str], str]) -> list[dict]:
    """Every archive's last probe and its circuit now, for clerks."""
    require(identity, "node.health")
    kept = {row.archive_code: row for row in session.scalars(select(NodeHealth))}
    answer = []
    for node in settings.nodes:
        row = kept.get(node.code)
        answer.append({
            "archive": {"code": node.code, "name": node.name},
            "status": row.status if row else "unknown",
            "checked_at": row.checked_at if row else None,
            "since": row.since if row else None,
            "last_up_at": row.last_up_at if row else None,
            "latency_ms": row.latency_ms if row else None,
            "error": row.error if row else None,
            "standard_version": row.standard_version if row else None,
            "records": row.records if row else None,
            "circuit": circuit_of(node.code),
        })
    return answer


class NodeHealthMetrics(Collector):
    """`liancha_node_up` and the age of each archive's last probe, read from the database at
    each scrape (so every hub worker exports the same, whoever probed)."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(_health_families())  # registering reads no database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up, age = _health_families()
        try:
            with self._sessions() as session:
                rows = list(session.scalars(select(NodeHealth)))
        except SQLAlchemyError:  # the database is away: /metrics still answers
            rows = []
        now = datetime.now(UTC)
        for row in rows:
            up.add_metric([row.archive_code], 1.0 if row.status == UP else 0.0)
            checked = row.checked_at if row.checked_at.tzinfo else row.checked_at.replace(
                tzinfo=UTC)
            age.add_metric([row.archive_code], (now - checked).total_seconds())
        yield up
        yield age


def _health_families() -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
    up = GaugeMetricFamily("liancha_node_up", "1 if the last probe of the archive's node "
                           "found it serving, else 0", labels=["archive"])
    age = GaugeMetricFamily("liancha_node_probe_age_seconds", "Seconds since the last probe "
                            "of the archive's node", labels=["archive"])
    return up, age


def _keep(session: Session, node: NodeEntry, found: Probe, now: datetime) -> None:
    row = session.get(NodeHealth, node.code)
    if row is None:
        row = NodeHealth(archive_code=node.code, status=found.status, since=now, checked_at=now)
        session.add(row)
        _log_change(node, found, first=True)
    elif row.status != found.status:
        row.status, row.since = found.status, now
        _log_change(node, found, first=False)
    row.checked_at, row.latency_ms, row.error = now, found.latency_ms, found.error
    if found.status == UP:
        row.last_up_at = now
        row.standard_version, row.records = found.standard_version, found.records


def _log_change(node: NodeEntry, found: Probe, first: bool) -> None:
    if found.status == DOWN:
        log.warning("node %s (%s) is down: %s", node.code, node.url, found.error)
    elif not first:
        log.warning("node %s (%s) is up again", node.code, node.url)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
