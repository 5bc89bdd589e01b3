"""The hub's `FanOut` as its settings describe it."""

from federation.config import HubSettings
from federation.fanout.engine import FanOut


def build_fanout(settings: HubSettings) -> FanOut:
    return FanOut(
        settings.nodes, settings.signing_key,
        default_deadline_s=settings.node_deadline_s,
        overall_deadline_s=settings.overall_deadline_s,
        hedge_budget=settings.hedge_budget,
        breaker_fail_max=settings.breaker_fail_max,
        breaker_reset_s=settings.breaker_reset_s,
    )
