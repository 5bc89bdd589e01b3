"""Pushing a national request's status changes to the platform's callback URL, signed, and
retried with exponential back-off until the platform acknowledges (any 2xx).

Each delivery is POSTed as exactly the payload bytes `casework.callbacks` stored, with
`Liancha-Signature` (a JWS by the hub's key over their SHA-256, as nodes sign answers;
the key is published at `/national/api/v1/keys`) and `Liancha-Delivery` (its id, for the
platform to drop duplicates: delivery is at least once). The deliveries of one request go
in order: a later one waits while an earlier one is unacknowledged.

`deliver_due` knows nothing of Flask: the background job `deliver_callbacks` calls it, on
a Celery worker or in the hub's process, right after a change commits and every
`CALLBACK_POLL_S` for the retries (`federation.jobs`). Several callers may run at once:
a delivery is claimed (its next attempt moved past a lease) in a committed compare-and-set
before it is sent, so only one of them sends it.
"""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import requests
import urllib3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casework.models import CallbackDelivery
from national_api import outbound
from national_api.outbound import CallbackRefused
from schemas.signing import HUB_ISSUER, SIGNATURE_HEADER, sign_body

DELIVERY_HEADER = "Liancha-Delivery"
TIMEOUT_S = 5.0
LEASE_S = 60.0  # longer than one attempt: a claim left by a crashed sender is retried then
JITTER = 0.1  # up to +10 % on each back-off, so that retries of many requests spread out
BATCH = 100
log = logging.getLogger(__name__)


@dataclass
class DeliveryRun:
    """What one pass did, by delivery id."""

    delivered: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def deliver_due(session: Session, signing_key: Ed25519PrivateKey, now: datetime,
                base_s: float, max_s: float, http: Any = None,
                timeout_s: float = TIMEOUT_S, allow_private: bool = False) -> DeliveryRun:
    """Send every delivery due at `now` that is first in line for its request: to the
    address its URL's host resolves to now, if that is still one the hub may call
    (`national_api.outbound`; `http`: a stand-in for tests)."""
    now = now.astimezone(UTC)  # stored times are UTC (naive ones too, on SQLite)
    run = DeliveryRun()
    post = partial(_post, http or PinnedHttp(allow_private), timeout_s=timeout_s)
    for delivery_id in _due_heads(session, now):
        while delivery_id is not None:
            delivery = _claim(session, delivery_id, now)
            if delivery is None:  # another sender has it, or it is not due
                break
            if not _attempt(session, delivery, signing_key, now, (base_s, max_s), post, run):
                break
            delivery_id = _next_in_line(session, delivery)
    return run


def backoff_s(attempts: int, base_s: float, max_s: float) -> float:
    """How long after its `attempts`-th failure a delivery is tried again."""
    return min(base_s * 2 ** (attempts - 1) * (1 + random.uniform(0, JITTER)), max_s)


def _due_heads(session: Session, now: datetime) -> list[int]:
    """The earliest undelivered delivery of each request, where it is due."""
    heads = (select(func.min(CallbackDelivery.id))
             .where(CallbackDelivery.delivered_at.is_(None))
             .group_by(CallbackDelivery.request_no))
    due = session.scalars(select(CallbackDelivery.id)
                          .where(CallbackDelivery.id.in_(heads),
                                 CallbackDelivery.next_attempt_at <= now)
                          .order_by(CallbackDelivery.next_attempt_at, CallbackDelivery.id)
                          .limit(BATCH)).all()
    session.rollback()  # end the read: each claim is its own transaction
    return list(due)


def _claim(session: Session, delivery_id: int, now: datetime) -> CallbackDelivery | None:
    claimed = session.execute(
        update(CallbackDelivery)
        .where(CallbackDelivery.id == delivery_id, CallbackDelivery.delivered_at.is_(None),
               CallbackDelivery.next_attempt_at <= now)
        .values(next_attempt_at=now + timedelta(seconds=LEASE_S))
        .execution_options(synchronize_session=False))
    session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(CallbackDelivery, delivery_id, populate_existing=True)


def _attempt(session: Session, delivery: CallbackDelivery, signing_key: Ed25519PrivateKey,
             now: datetime, backoff: tuple[float, float],
             post: Callable[[CallbackDelivery, bytes, str], str | None],
             run: DeliveryRun) -> bool:
    """One POST; True if the platform acknowledged it."""
    body = delivery.payload.encode("utf-8")
    error = post(delivery, body, sign_body(signing_key, body, HUB_ISSUER, delivery.request_no))
    delivery.attempts += 1
    if error is None:
        delivery.delivered_at, delivery.last_error = now, None
        run.delivered.append(delivery.id)
    else:
        delivery.last_error = error[:2000]
        delivery.next_attempt_at = now + timedelta(
            seconds=backoff_s(delivery.attempts, *backoff))
        run.failed[delivery.id] = error
        log.info("callback %s of %s to %s failed (attempt %d): %s", delivery.id,
                 delivery.request_no, delivery.url, delivery.attempts, error)
    session.commit()
    return error is None


def _post(http: Any, delivery: CallbackDelivery, body: bytes, signature: str,
          timeout_s: float) -> str | None:
    """None when acknowledged (2xx), else what went wrong."""
    try:
        response = http.post(delivery.url, data=body, timeout=timeout_s,
                             allow_redirects=False, headers={
                                 "Content-Type": "application/json; charset=utf-8",
                                 SIGNATURE_HEADER: signature,
                                 DELIVERY_HEADER: str(delivery.id)})
    except CallbackRefused as exc:  # resolved since to a place the hub may not call
        return f"refused: {exc}"
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"


class PinnedHttp:
    """`post` as `requests.post` is called here, through `national_api.outbound`."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def post(self, url: str, data: bytes, timeout: float, allow_redirects: bool,
             headers: dict[str, str]) -> "SimpleAnswer":
        status, text = outbound.post(url, data, headers, timeout, self.allow_private)
        return SimpleAnswer(status, text)


@dataclass(frozen=True)
class SimpleAnswer:
    status_code: int
    text: str


def _next_in_line(session: Session, delivery: CallbackDelivery) -> int | None:
    following = session.scalars(
        select(CallbackDelivery.id)
        .where(CallbackDelivery.request_no == delivery.request_no,
               CallbackDelivery.delivered_at.is_(None), CallbackDelivery.id > delivery.id)
        .order_by(CallbackDelivery.id).limit(1)).first()
    session.rollback()
    return following
