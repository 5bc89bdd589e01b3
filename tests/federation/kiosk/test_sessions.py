"""Kiosk sessions: opened by a card read the registered device signs, refreshed by each
call, ended by 结束服务, inactivity, the next card, or the device's deactivation."""

import dataclasses
import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from accounts.kiosks import (
    SessionEnded,
    authenticate_session,
    deactivate_device,
    expire_idle_sessions,
    open_session,
)
from accounts.models import KioskSession
from federation.audit import AuditEvent, verify_chain
from kiosk_api.reader import mint_card_assertion
from tests.federation.kiosk.conftest import DEVICE, LI, ZHANG, Card, register
from tests.nodes.people import ZHANG_ID, ZHANG_ID_15, bad_check, id18

ENDED = "本次服务已结束，请重新放置身份证。"
SUBJECT = f"citizen:{ZHANG_ID}@kiosk:{DEVICE}"


def _assertion_for(key: Ed25519PrivateKey, device_id: str) -> str:
    return mint_card_assertion(key, device_id, ZHANG)


def database(kiosk):  # type: ignore[no-untyped-def]
    return kiosk.hub.application.extensions["liancha.db"].session()


def settings(kiosk):  # type: ignore[no-untyped-def]
    return kiosk.hub.application.extensions["liancha.hub"]


def kiosk_events(kiosk) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with database(kiosk) as session:
        return [(e.action, e.actor) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("kiosk.session.%"))
            .order_by(AuditEvent.id))]


def test_a_session_opens_from_a_card_read_and_ends_on_finish(kiosk):
    opened = kiosk.open()
    assert opened.status_code == 201, opened.json
    token = opened.json["session_token"]
    assert opened.json["person"] == {"name": "张*华", "id_number": "5105**********0011"}
    assert opened.json["device"] == {"device_id": DEVICE, "location": "泸州市政务服务中心一楼",
                                     "archive": {"code": "510500", "name": "泸州市档案馆"}}
    assert opened.json["expires_in_idle_s"] == 120.0
    assert opened.headers["Cache-Control"] == "no-store"
    with database(kiosk) as session:
        [row] = session.scalars(select(KioskSession)).all()
        assert row.session_hash == hashlib.sha256(token.encode()).hexdigest()
        assert (row.id_number, row.name, row.ended_at) == (ZHANG_ID, "张国华", None)

    assert kiosk.get("/session", token).status_code == 200
    finished = kiosk.post("/sessions/finish", token)
    assert finished.status_code == 204
    after = kiosk.get("/session", token)
    assert after.status_code == 401 and after.json["detail"] == ENDED
    assert after.mimetype == "application/problem+json"
    assert kiosk.post("/sessions/finish", token).status_code == 401
    assert kiosk_events(kiosk) == [("kiosk.session.opened", SUBJECT),
                                   ("kiosk.session.finished", SUBJECT)]
    with database(kiosk) as session:
        assert session.scalars(select(KioskSession)).one().end_reason == "finished"
        assert verify_chain(session).ok


def test_a_session_idles_out_after_kiosk_idle_s_without_a_call(kiosk):
    app = kiosk.hub.application
    app.extensions["liancha.hub"] = dataclasses.replace(settings(kiosk), kiosk_idle_s=0.5)
    token = kiosk.session()
    for _ in range(3):  # calls closer together than the idle time keep it open
        time.sleep(0.2)
        assert kiosk.get("/session", token).status_code == 200
    time.sleep(0.8)
    idle = kiosk.post("/records", token, {"purpose": "工龄认定"})
    assert idle.status_code == 401 and idle.json["detail"] == ENDED
    assert kiosk_events(kiosk)[-1] == ("kiosk.session.idle", SUBJECT)
    with database(kiosk) as session:
        assert session.scalars(select(KioskSession)).one().end_reason == "idle"


def test_idleness_is_counted_from_the_last_call(kiosk):
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    idle_s = settings(kiosk).kiosk_idle_s
    with database(kiosk) as session:
        opened = open_session(session, settings(kiosk), kiosk.assertion(), now=t0)
        later = t0 + timedelta(seconds=idle_s - 1)
        identity, _ = authenticate_session(session, settings(kiosk), opened.token, now=later)
        assert identity.subject == SUBJECT and identity.role == "kiosk"
        assert (identity.archive, identity.device, identity.name) == ("510500", DEVICE, "张国华")
        assert identity.person == {"id_number": ZHANG_ID, "name": "张国华"}
        authenticate_session(session, settings(kiosk), opened.token,
                             now=later + timedelta(seconds=idle_s - 1))
        with pytest.raises(SessionEnded):
            authenticate_session(session, settings(kiosk), opened.token,
                                 now=later + timedelta(seconds=2 * idle_s))
        with pytest.raises(SessionEnded):  # and it stays ended
            authenticate_session(session, settings(kiosk), opened.token,
                                 now=later + timedelta(seconds=2 * idle_s))


def test_the_next_card_ends_the_previous_session_and_abandoned_ones_are_swept(kiosk):
    hall_key = Ed25519PrivateKey.generate()
    register(kiosk.hub.application, "LZ-HALL-02", "510500", hall_key)
    first = kiosk.session(ZHANG)
    second = kiosk.session(LI)
    assert kiosk.get("/session", first).status_code == 401
    assert kiosk.get("/session", second).status_code == 200

    with database(kiosk) as session:  # a session at another device, long left alone
        other = open_session(session, settings(kiosk), _assertion_for(hall_key, "LZ-HALL-02"),
                             now=datetime.now(UTC) - timedelta(hours=1))
        assert expire_idle_sessions(session, settings(kiosk)) == 1
        session.commit()
        with pytest.raises(SessionEnded):
            authenticate_session(session, settings(kiosk), other.token)
    actions = [action for action, _ in kiosk_events(kiosk)]
    assert actions.count("kiosk.session.replaced") == 1
    assert actions.count("kiosk.session.idle") == 1


def test_a_replayed_card_read_is_refused(kiosk):
    assertion = kiosk.assertion()
    assert kiosk.open(assertion=assertion).status_code == 201
    replayed = kiosk.open(assertion=assertion)
    assert replayed.status_code == 401
    assert "身份证" in replayed.json["detail"]


def test_unregistered_and_inactive_devices_are_refused(kiosk):
    stranger = Ed25519PrivateKey.generate()
    unknown = kiosk.open(assertion=_assertion_for(stranger, "NOT-REGISTERED"))
    assert unknown.status_code == 401 and unknown.json["detail"]

    token = kiosk.session()
    with database(kiosk) as session:
        deactivate_device(session, DEVICE)
    assert kiosk.open().status_code == 401
    ended = kiosk.get("/session", token)
    assert ended.status_code == 401 and ended.json["detail"] == ENDED
    assert kiosk_events(kiosk)[-1] == ("kiosk.session.device_inactive", SUBJECT)


def test_a_card_read_signed_with_another_key_is_refused(kiosk):
    forged = kiosk.assertion(key=Ed25519PrivateKey.generate())
    refused = kiosk.open(assertion=forged)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    with database(kiosk) as session:
        assert session.scalars(select(KioskSession)).all() == []


@pytest.mark.parametrize("id_number", [
    bad_check(ZHANG_ID),  # a wrong check character
    ZHANG_ID_15,  # cards carry 18 digits
    id18("51050019521340001"),  # month 13, day 40
    "51050019520304001Y",
    "",
])
def test_a_card_with_a_bad_id_number_is_refused(kiosk, id_number):
    refused = kiosk.open(Card(id_number, "张国华"))
    assert refused.status_code == 401, refused.json
    assert refused.json["detail"] == "无法识别这张身份证，请重新放置身份证或联系工作人员。"


@pytest.mark.parametrize("claims", [
    {"aud": "liancha-hub"},  # a token for another audience
    {"exp": int(time.time()) + 3600},  # lives longer than an assertion may
    {"exp": int(time.time()) - 10},  # expired
    {"sub": "LZ-HALL-99"},  # the subject is not the device
    {"name": ""},
])
def test_card_reads_with_wrong_claims_are_refused(kiosk, claims):
    assert kiosk.open(assertion=kiosk.assertion(**claims)).status_code == 401


def test_opening_needs_an_assertion(kiosk):
    missing = kiosk.hub.post("/kiosk/api/v1/sessions", json={})
    assert missing.status_code == 422
    assert missing.json["errors"] == {"assertion": ["此项必填。"]}
    garbage = kiosk.hub.post("/kiosk/api/v1/sessions", json={"assertion": "not-a-jwt"})
    assert garbage.status_code == 401
