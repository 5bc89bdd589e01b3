"""The hub's fan-out: a search sent to every archive in scope in parallel, signed per node,
with per-node and overall deadlines, hedged requests and a circuit breaker per node.

    fanout = FanOut(load_registry(path), hub_signing_key)
    outcomes = fanout.search(search_request, archives=None)  # one NodeOutcome per node
    fanout.close()
"""

from federation.fanout.engine import FanOut
from federation.fanout.outcomes import STATUSES, Evidence, NodeOutcome

__all__ = ["STATUSES", "Evidence", "FanOut", "NodeOutcome"]
