"""The upper hub's calls: its token checked as a node checks a hub's, the search fanned out to
this hub's own archives within what is left of the upper hub's deadline, and the answer
built so that the upper hub can check every archive's part (schemas/nesting.py)."""

import hashlib
import time
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from accounts.assertions import spend
from federation import audit
from federation.config import HubSettings, UpperHub
from federation.errors import NoLocator
from federation.fanout import FanOut, NodeOutcome
from runtime.errors import Unauthorized
from schemas.fields import RECORD_TYPES
from schemas.locator import FALSE_POSITIVE_RATE
from schemas.nesting import HUB_KIND
from schemas.signing import HubCall, TokenRefused, check_hub_token, public_jwk

CLOCK_LEEWAY_S = 30
MAX_TOKEN_LIFETIME_S = 300
# what this hub keeps of the upper hub's deadline to answer: a sixth, at least 150 ms
ANSWER_RESERVE, ANSWER_RESERVE_MIN_S = 1 / 6, 0.15
UPPER_ACTOR, UPPER_ROLE = "upper-hub", "upper_hub"


def authorize_upper_call(session: Session, upper: UpperHub, authorization: str | None) -> HubCall:
    """The upper hub's token for this hub (audience: this hub's code), used once."""
    try:
        call = check_hub_token(authorization, upper.public_key, upper.code, CLOCK_LEEWAY_S,
                               MAX_TOKEN_LIFETIME_S)
    except TokenRefused as exc:
        raise Unauthorized(str(exc)) from exc
    # spent now (flushed: a replay in another transaction fails on the key); committed with
    # the call's audit entry, one commit per call
    spend(session, f"{UPPER_ACTOR}:{call.jti}", datetime.fromtimestamp(call.expires_at, UTC))
    return call


def budget_s(settings: HubSettings, deadline_ms: str | None) -> float:
    """How long this hub's own archives may take: its overall deadline, or less when the
    upper hub gave less, keeping a part of it to answer."""
    own = settings.overall_deadline_s
    try:
        given = float(deadline_ms) / 1000 if deadline_ms else None
    except ValueError:
        given = None
    if given is None or given <= 0:
        return own
    return max(0.0, min(own, given - max(ANSWER_RESERVE_MIN_S, ANSWER_RESERVE * given)))


def search_below(session: Session, settings: HubSettings, fanout: FanOut, call: HubCall,
                 request: dict, deadline_ms: str | None) -> dict:
    """Fan the upper hub's search out to this hub's archives; the answer it signs."""
    started = time.perf_counter()
    upper = settings.upper
    assert upper is not None
    outcomes = fanout.search(request, within_s=budget_s(settings, deadline_ms))
    records = [record for outcome in outcomes if outcome.ok for record in outcome.records]
    answer = {
        "archive": {"code": upper.code, "name": upper.name},
        "request_id": request["request_id"],
        "kind": HUB_KIND,
        "records": records,
        "total": len(records),
        "truncated": False,  # each archive's own `truncated` is in its relayed answer
        "nodes": [_status(outcome) for outcome in outcomes],
        "evidence": [_relayed(outcome, settings) for outcome in outcomes
                     if outcome.ok and outcome.evidence is not None],
        "took_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    audit.record(session, actor=UPPER_ACTOR, role=UPPER_ROLE, action="query.relayed",
                 target=str(request["request_id"]), purpose=call.purpose,
                 detail={"jti": call.jti, "records": len(records),
                         "archives": {o.archive["code"]: o.status for o in outcomes}})
    session.commit()
    return answer


def audit_relayed_record(session: Session, call: HubCall, record_id: str) -> None:
    audit.record(session, actor=UPPER_ACTOR, role=UPPER_ROLE, action="record.relayed",
                 target=record_id, purpose=call.purpose, detail={"jti": call.jti})
    session.commit()


def _status(outcome: NodeOutcome) -> dict:
    return {"archive": outcome.archive, "status": outcome.status,
            "latency_ms": outcome.latency_ms, "count": outcome.count, "error": outcome.error,
            "via": outcome.via}


def _relayed(outcome: NodeOutcome, settings: HubSettings) -> dict:
    evidence = outcome.evidence
    assert evidence is not None
    if evidence.key is not None:  # relayed to us by a hub further down
        key = evidence.key
    else:
        entry = next(node for node in settings.nodes if node.code == outcome.archive["code"])
        key = public_jwk(entry.keys[evidence.kid])
    return {"archive": outcome.archive, "key": key, "body": evidence.body.decode("utf-8"),
            "signature": evidence.signature, "via": outcome.via}


def service_info(settings: HubSettings) -> dict:
    upper = settings.upper
    assert upper is not None
    return {"archive": {"code": upper.code, "name": upper.name, "region_code": upper.code},
            "standard_version": "1.1", "kind": HUB_KIND,
            "record_types": [t for t in RECORD_TYPES
                             if any(node.holds_any([t]) for node in settings.nodes)],
            "counts": {}, "signing_keys": [public_jwk(settings.signing_key.public_key())],
            "archives": [{"code": node.code, "name": node.name} for node in settings.nodes]}


def hub_locator(settings: HubSettings, fanout: FanOut) -> tuple[dict, str]:
    """This hub's locator for its upper hub (the union of its archives'), and its ETag;
    `NoLocator` unless every archive below has a fresh one (then the upper hub asks this
    hub every time)."""
    upper = settings.upper
    assert upper is not None
    union = fanout.locators.union() if fanout.locators is not None else None
    if union is None:
        raise NoLocator("this hub holds no fresh locator of every archive below it: ask it "
                        "every time")
    tag = '"' + hashlib.sha256("|".join(union.pop("etags")).encode()).hexdigest()[:32] + '"'
    return {"archive": {"code": upper.code, "name": upper.name},
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "false_positive_rate": FALSE_POSITIVE_RATE, **union}, tag
