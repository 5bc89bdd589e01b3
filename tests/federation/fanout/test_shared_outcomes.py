"""An archive's `not_held` outcome is made once and shared by every search: read-only."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.fanout import FanOut
from federation.fanout.outcomes import NOT_HELD, shared_outcome
from federation.registry import NodeEntry


def test_a_shared_outcome_cannot_be_changed() -> None:
    outcome = shared_outcome({"code": "510100", "name": "成都市档案馆"}, NOT_HELD, "why", "node")
    with pytest.raises(AttributeError):
        outcome.status = "ok"
    with pytest.raises(AttributeError):
        outcome.records.append({"record_id": "x"})  # type: ignore[attr-defined]
    assert (outcome.status, outcome.error, outcome.latency_ms, outcome.count,
            list(outcome.records), outcome.ok) == (NOT_HELD, "why", None, 0, [], False)


class _NothingHeld:
    """A locator book whose every archive is fresh and holds none of the subject's keys."""

    def __init__(self, nodes: list[NodeEntry]) -> None:
        self.nodes = {node.code: node for node in nodes}

    def to_ask(self, subject: dict) -> set[str]:
        return set()

    def knows(self) -> dict[str, NodeEntry]:
        return self.nodes

    def close(self) -> None:
        pass


def test_searches_report_not_held_archives_alike_without_calling_them() -> None:
    nodes = [NodeEntry(f"5101{n:02d}", f"档案馆{n}", f"http://127.0.0.1:9/{n}", {})
             for n in range(5)]  # port 9: a call would fail, not come back not_held
    fanout = FanOut(nodes, Ed25519PrivateKey.generate(), locators=_NothingHeld(nodes))  # type: ignore[arg-type]
    first = fanout.search({"subject": {"name": "李明"}, "purpose": "p", "request_id": "r1"})
    second = fanout.search({"subject": {"name": "王芳"}, "purpose": "p", "request_id": "r2"})
    assert [o.status for o in first] == [NOT_HELD] * 5
    assert [(o.archive, o.status, o.error) for o in first] == \
        [(o.archive, o.status, o.error) for o in second]
    fanout.close()
