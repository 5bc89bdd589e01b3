"""What the fan-out reports per archive: `NodeOutcome`, and the `Evidence` of an ok answer.

The shapes are the contract of docs/hub.md. `status` is one of `STATUSES`; `records`,
`count` and `evidence` are filled only when the status is `ok` (a node answer that fails
any check, its signature first of all, contributes no records).
"""

from dataclasses import dataclass, field
from datetime import datetime

OK, TIMEOUT, ERROR, UNAVAILABLE, SKIPPED = "ok", "timeout", "error", "unavailable", "skipped"
NOT_HELD = "not_held"  # the archive's fresh locator holds none of the subject's keys
STATUSES = (OK, TIMEOUT, ERROR, UNAVAILABLE, SKIPPED, NOT_HELD)
ANSWERED = frozenset({OK, NOT_HELD})  # what the archive holds of the subject is known


@dataclass(frozen=True)
class Evidence:
    """The exact answer bytes and the node's `Liancha-Signature` over them: proof of origin."""

    body: bytes
    signature: str
    kid: str  # RFC 7638 thumbprint of the node key that verified the signature
    received_at: datetime  # UTC, timezone-aware
    key: dict | None = None  # the archive's public JWK, when a lower hub relayed the answer


@dataclass(slots=True)  # a national search makes thousands, most of them `not_held`
class NodeOutcome:
    """One archive's part in one search."""

    archive: dict  # {"code", "name"}
    status: str  # ok | timeout | error | unavailable | skipped | not_held
    latency_ms: float | None  # time to the answer used (or waited, for a timeout)
    count: int = 0  # records used (0 unless ok)
    error: str | None = None  # plain reason for timeout/error/unavailable/skipped
    records: list[dict] = field(default_factory=list)  # the node's records, only when ok
    evidence: Evidence | None = None  # only when ok
    hedged: bool = False  # a second request was sent
    # what the node said of the subject's name besides the records, only when ok: the
    # answer's `name_frequency` and `namesakes` (standard 1.1; absent from older nodes)
    name_context: dict = field(default_factory=dict)
    # an archive below a lower hub: the hubs it was reached through, nearest to us first
    via: list[dict] = field(default_factory=list)
    kind: str = "node"  # the nodes file's kind of the entry: node | hub
    children: list["NodeOutcome"] = field(default_factory=list)  # a lower hub's archives

    @property
    def ok(self) -> bool:
        return self.status == OK


class _Shared(NodeOutcome):
    """An outcome that every search shares (an archive's `not_held`): read-only, so that
    one search cannot change what the next one reports."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a shared outcome cannot be changed ({name})")


def shared_outcome(archive: dict, status: str, error: str, kind: str) -> NodeOutcome:
    """One outcome for many searches: with nothing of a search's own in it (no latency, no
    records), and its lists empty for good."""
    outcome = NodeOutcome(dict(archive), status, None, error=error, kind=kind)
    outcome.records, outcome.via, outcome.children = (), (), ()  # type: ignore[assignment]
    outcome.__class__ = _Shared
    return outcome


def leaves(outcomes: list[NodeOutcome]) -> list[NodeOutcome]:
    """One outcome per archive: a lower hub that answered stands for its archives (each
    marked with the hub it came through); one that did not stays as itself. An archive a
    lower hub reports that another entry already stands for (the nodes files overlap, or
    the hub is mistaken) is kept once: the first, in the nodes file's order."""
    flat: list[NodeOutcome] = []
    seen: set[str] = set()
    for outcome in outcomes:
        below = outcome.children if outcome.kind == "hub" and outcome.ok else [outcome]
        for leaf in below:
            if leaf.archive["code"] not in seen:
                seen.add(leaf.archive["code"])
                flat.append(leaf)
    return flat


NAME_CONTEXT_KEYS = ("name_frequency", "namesakes")


def name_context(answer: dict) -> dict:
    """The parts of a node's search answer that speak of the subject's name."""
    return {key: answer[key] for key in NAME_CONTEXT_KEYS if key in answer}
