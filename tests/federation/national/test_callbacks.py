"""Status changes pushed to the platform's callback URL: signed with the key the hub
publishes, in order per request, retried with growing back-off until acknowledged, and
sent once even when two senders run at the same time; and the hub sending them itself."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Flask, request
from sqlalchemy import select

from casework.models import CallbackDelivery
from casework.transitions import (
    accept_request,
    assist_request,
    complete_request,
    search_for_request,
)
from federation.background import DISPATCHER, stop_background
from national_api.delivery import backoff_s, deliver_due
from schemas.signing import key_from_jwk, verify_body
from tests.federation.national.conftest import (
    API,
    JIANGJIN,
    LUZHOU,
    SUBMISSION,
    YONGCHUAN,
    platform_on,
)
from tests.live import serve


@dataclass
class Receiver:
    """The platform's callback endpoint: answers each POST as `script` says (then 204)."""

    script: list[str]
    hang_s: float = 1.5
    hits: list[dict] = field(default_factory=list)

    def app(self) -> Flask:
        app = Flask("receiver")

        @app.post("/callbacks")
        def callback():  # type: ignore[no-untyped-def]
            action = self.script[len(self.hits)] if len(self.hits) < len(self.script) else "ack"
            self.hits.append({"body": request.get_data(), "action": action,
                              "headers": dict(request.headers)})
            if action == "fail":
                return "boom", 500
            if action == "hang":  # beyond the sender's timeout: it gives up first
                time.sleep(self.hang_s)
                return "too late", 503
            if action == "slow_ack":
                time.sleep(0.3)
            return "", 204

        return app

    @property
    def acknowledged(self) -> list[dict]:
        return [h for h in self.hits if h["action"] in ("ack", "slow_ack")]


@contextmanager
def receiving(receiver: Receiver) -> Iterator[str]:
    with serve(receiver.app()) as base:
        yield f"{base}/callbacks"


def _deliveries(platform) -> list[CallbackDelivery]:  # type: ignore[no-untyped-def]
    session = platform.session()
    try:
        return list(session.scalars(select(CallbackDelivery).order_by(CallbackDelivery.id)))
    finally:
        session.close()


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _deliver(platform, now: datetime, base_s: float = 5.0):  # type: ignore[no-untyped-def]
    session = platform.session()
    try:
        return deliver_due(session, platform.settings.signing_key, now, base_s, 600.0,
                           timeout_s=0.5, allow_private=True)
    finally:
        session.close()


def _finish(platform, number: str) -> None:  # type: ignore[no-untyped-def]
    """The clerks' steps after acceptance, through the services."""
    app, settings = platform.app, platform.settings
    keyring = app.extensions["liancha.certificate_keys"]
    with app.app_context():
        session = platform.session()
        answer = search_for_request(session, settings, app.extensions["liancha.fanout"],
                                    YONGCHUAN, number)
        found = [r["record_id"] for r in answer["records"]
                 if r["record_id"].endswith("YC-E-1978")]
        assist_request(session, settings, keyring, YONGCHUAN, number,
                       {"outcome": "found", "query_id": answer["query_id"],
                        "record_ids": found})
        assist_request(session, settings, keyring, JIANGJIN, number, {"outcome": "not_found"})
        complete_request(session, settings, keyring, LUZHOU, number, {})
        session.close()


def test_callbacks_are_retried_with_growing_backoff_in_order_and_signed(make_hub, tmp_path):
    receiver = Receiver(["fail", "hang"])
    with receiving(receiver) as url:
        platform = platform_on(make_hub(), tmp_path, callback_url=url)
        number = platform.submit().get_json()["request_no"]

        t0 = datetime.now(UTC)
        first = _deliver(platform, t0)
        assert list(first.failed) and "HTTP 500" in next(iter(first.failed.values()))
        with platform.app.app_context():  # a second change while the first is unacknowledged
            session = platform.session()
            accept_request(session, platform.settings, platform.settings.calendar, LUZHOU,
                           number)
            session.close()
        applied, accepted = _deliveries(platform)
        now = datetime.now(UTC)
        assert _utc(accepted.next_attempt_at) <= now < _utc(applied.next_attempt_at)
        blocked = _deliver(platform, now)  # the later one waits for the earlier one
        assert blocked.delivered == [] and blocked.failed == {} and len(receiver.hits) == 1

        first_retry = _utc(applied.next_attempt_at)
        second = _deliver(platform, first_retry)
        assert "Timeout" in second.failed[applied.id]
        applied_after = _deliveries(platform)[0]
        second_retry = _utc(applied_after.next_attempt_at)
        third = _deliver(platform, second_retry)
        assert third.delivered == [applied.id, accepted.id]  # acknowledged, then the next

        _finish(platform, number)
        rest = _deliver(platform, datetime.now(UTC) + timedelta(seconds=60))
        assert len(rest.delivered) == 3 and rest.failed == {}

    intervals = [(first_retry - t0).total_seconds(), (second_retry - first_retry).total_seconds()]
    assert 5.0 <= intervals[0] <= 5.5 and 10.0 <= intervals[1] <= 11.0, intervals
    rows = _deliveries(platform)
    assert [r.attempts for r in rows] == [3, 1, 1, 1, 1]
    assert all(r.delivered_at is not None for r in rows)
    assert rows[0].last_error is None
    assert _utc(rows[0].delivered_at) == second_retry

    acked = receiver.acknowledged
    assert [h["headers"]["Liancha-Delivery"] for h in acked] == [str(r.id) for r in rows]
    assert [h["body"] for h in acked] == [r.payload.encode("utf-8") for r in rows]
    payloads = [json.loads(h["body"]) for h in acked]
    assert [p["event"]["action"] for p in payloads] == ["apply", "accept", "assist", "assist",
                                                       "complete"]
    states = [p["state"] for p in payloads]
    assert [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s] == [
        "applied", "accepted", "completed"]
    assert payloads[-1]["certificate_nos"] and payloads[0]["idempotency_key"] == "key-1"

    jwks = platform.hub.get(f"{API}/keys").get_json()["keys"]
    keys = {jwk["kid"]: key_from_jwk(jwk) for jwk in jwks}
    for hit in receiver.hits:
        signed = verify_body(hit["headers"]["Liancha-Signature"], hit["body"], keys)
        assert signed.request_id == number and signed.archive == "liancha-hub"


def test_an_unreachable_callback_url_is_kept_for_later(make_hub, tmp_path):
    platform = platform_on(make_hub(), tmp_path, callback_url="http://127.0.0.1:9/callbacks")
    platform.submit()
    now = datetime.now(UTC)
    run = _deliver(platform, now, base_s=2.0)
    [delivery] = _deliveries(platform)
    assert "ConnectionError" in run.failed[delivery.id]
    assert delivery.attempts == 1 and delivery.delivered_at is None
    assert "ConnectionError" in delivery.last_error
    assert 2.0 <= (_utc(delivery.next_attempt_at) - now).total_seconds() <= 2.2


def test_backoff_doubles_up_to_its_cap():
    for attempts, plain in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0)):
        assert plain <= backoff_s(attempts, 1.0, 600.0) <= plain * 1.1
    assert backoff_s(30, 1.0, 600.0) == 600.0


def test_two_senders_at_once_send_a_delivery_once(make_hub, tmp_path):
    receiver = Receiver(["slow_ack"])
    with receiving(receiver) as url:
        platform = platform_on(make_hub(), tmp_path, callback_url=url)
        platform.submit()
        now = datetime.now(UTC)
        runs: list = []
        senders = [threading.Thread(target=lambda: runs.append(_deliver(platform, now)))
                   for _ in range(2)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(30)
    assert len(receiver.hits) == 1
    assert sorted(len(run.delivered) for run in runs) == [0, 1]
    assert _deliveries(platform)[0].attempts == 1


def test_the_hub_delivers_in_the_background_and_stops(make_hub, tmp_path):
    receiver = Receiver(["fail"])
    with receiving(receiver) as url:
        app = make_hub(CALLBACK_POLL_S=0.1, CALLBACK_RETRY_BASE_S=0.2)
        thread = app.extensions[DISPATCHER].scheduler
        assert thread.is_alive()
        platform = platform_on(app, tmp_path, callback_url=url)
        platform.submit(body={**SUBMISSION, "callback_url": url})
        deadline = time.monotonic() + 20
        while not receiver.acknowledged and time.monotonic() < deadline:
            time.sleep(0.05)
        stop_background(app)
    assert not thread.is_alive()
    assert [h["action"] for h in receiver.hits] == ["fail", "ack"]
    [delivery] = _deliveries(platform)
    assert delivery.attempts == 2 and delivery.delivered_at is not None
