"""The hub's `FanOut` as its settings describe it.

With `redis_url`, the nodes' circuit breakers live in that Redis, shared by every hub
worker, and nodes' answers are reused for `answer_cache_s` seconds (0: never); without
it each process keeps its own breakers and nothing is cached. Either way a failing Redis
never fails a query (see `shared.py`). With `locator_key`, archives whose record locator
holds none of the subject's keys are not asked (see `locators.py`).
"""

from federation.config import HubSettings
from federation.fanout.cache import AnswerCache, cache_secret
from federation.fanout.engine import FanOut
from federation.fanout.locators import LocatorBook
from federation.fanout.shared import SharedRedis


def build_fanout(settings: HubSettings) -> FanOut:
    shared = SharedRedis(settings.redis_url) if settings.redis_url else None
    cache = None
    if shared is not None and settings.answer_cache_s > 0:
        cache = AnswerCache(shared, cache_secret(settings.signing_key), settings.answer_cache_s)
    locators = None
    if settings.locator_key is not None:
        locators = LocatorBook(settings.nodes, settings.locator_key, settings.signing_key,
                               settings.locator_max_age_s)
        locators.refresh_in_background()  # the first queries ask everyone meanwhile
    return FanOut(
        settings.nodes, settings.signing_key,
        default_deadline_s=settings.node_deadline_s,
        overall_deadline_s=settings.overall_deadline_s,
        hedge_budget=settings.hedge_budget,
        breaker_fail_max=settings.breaker_fail_max,
        breaker_reset_s=settings.breaker_reset_s,
        max_calls=settings.fanout_calls,
        shared=shared,
        cache=cache,
        locators=locators,
    )
