"""The token endpoint refuses every forged, stale, misdirected or replayed client assertion
(RFC 6749 §5.2 errors, never a 500), and audits each grant and refusal."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from accounts.platform import deactivate_client
from federation.audit import AuditEvent, verify_chain
from schemas.signing import public_pem
from tests.federation.national.conftest import API


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _crafted(header: dict, claims: dict, sign: bytes | None) -> str:
    """A JWT written by hand (pyjwt refuses to make these)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = b"" if sign is None else hmac.new(sign, signing_input.encode(),
                                                  hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _claims(platform, **changes: object) -> dict:  # type: ignore[no-untyped-def]
    now = int(time.time())
    return {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.audience,
            "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex, **changes}


def _refused(answer, status: int = 401, error: str = "invalid_client") -> str:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["error"] == error and body["error_description"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert "access_token" not in body
    return body["error_description"]


def test_a_valid_assertion_gets_a_national_token_that_opens_the_api(platform):
    answer = platform.exchange(platform.assertion())
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert answer.headers["Cache-Control"] == "no-store"
    claims = jwt.decode(body["access_token"], platform.settings.signing_key.public_key(),
                        algorithms=["EdDSA"], audience="liancha-hub")
    assert claims["role"] == "national" and claims["client"] == platform.client_id
    assert platform.get("/requests/SQ510500-2026-99999", body["access_token"]).status_code == 404


def test_alg_none_is_refused(platform):
    token = _crafted({"alg": "none", "typ": "JWT"}, _claims(platform), None)
    assert "EdDSA" in _refused(platform.exchange(token))


def test_hs256_signed_with_the_public_key_is_refused(platform):
    pem = public_pem(platform.key.public_key())
    token = _crafted({"alg": "HS256", "typ": "JWT"}, _claims(platform), pem)
    _refused(platform.exchange(token))


def test_a_signature_by_another_key_is_refused(platform):
    forged = jwt.encode(_claims(platform), Ed25519PrivateKey.generate(), algorithm="EdDSA")
    assert "signature" in _refused(platform.exchange(forged)).lower()


def test_an_expired_assertion_is_refused(platform):
    now = int(time.time())
    assert "expired" in _refused(platform.exchange(
        platform.assertion(iat=now - 400, exp=now - 200))).lower()


@pytest.mark.parametrize("audience", ["liancha-hub", "https://hub.example.org/national/api/v1",
                                      "https://evil.example/national/api/v1/token"])
def test_an_assertion_for_another_audience_is_refused(platform, audience: str):
    assert "audience" in _refused(platform.exchange(platform.assertion(aud=audience))).lower()


def test_a_replayed_jti_is_refused(platform):
    assertion = platform.assertion()
    assert platform.exchange(assertion).status_code == 200
    assert "replayed" in _refused(platform.exchange(assertion))
    # a new assertion reusing the jti is a replay too
    jti = jwt.decode(assertion, options={"verify_signature": False})["jti"]
    _refused(platform.exchange(platform.assertion(jti=jti)))


def test_an_assertion_living_longer_than_300_s_is_refused(platform):
    now = int(time.time())
    assert "300" in _refused(platform.exchange(platform.assertion(iat=now, exp=now + 301)))


def test_an_unknown_client_or_a_subject_other_than_the_issuer_is_refused(platform):
    _refused(platform.exchange(platform.assertion(iss="stranger", sub="stranger")))
    _refused(platform.exchange(platform.assertion(sub="someone-else")))
    claims = _claims(platform)
    del claims["sub"]
    _refused(platform.exchange(jwt.encode(claims, platform.key, algorithm="EdDSA")))


def test_a_deactivated_client_gets_no_token_and_its_token_stops_working(platform):
    token = platform.token()
    assert platform.get("/requests/SQ510500-2026-99999", token).status_code == 404
    with platform.app.app_context():
        session = platform.session()
        deactivate_client(session, platform.client_id)
        session.close()
    _refused(platform.exchange(platform.assertion()))
    answer = platform.get("/requests/SQ510500-2026-99999", token)
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "e30.e30.", "🙂" * 50,
                                     _b64(b'{"alg":"EdDSA"}') + ".W10." + _b64(b"x")])
def test_garbage_is_refused_without_a_server_error(platform, garbage: str):
    answer = platform.exchange(garbage)
    assert answer.status_code in (400, 401), answer.get_data(as_text=True)
    assert answer.get_json()["error"] in ("invalid_request", "invalid_client")


def test_malformed_token_requests_are_400(platform):
    assertion = platform.assertion()
    form = {"grant_type": "client_credentials", "client_assertion": assertion,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    cases = [
        ({**form, "grant_type": "password"}, "unsupported_grant_type"),
        ({k: v for k, v in form.items() if k != "grant_type"}, "invalid_request"),
        ({**form, "client_assertion_type": "urn:x"}, "invalid_request"),
        ({k: v for k, v in form.items() if k != "client_assertion"}, "invalid_request"),
    ]
    for data, error in cases:
        _refused(platform.hub.post(f"{API}/token", data=data), 400, error)
    # the form is required: the same fields as JSON are not read
    _refused(platform.hub.post(f"{API}/token", json=form), 400, "invalid_request")
    assert platform.exchange(assertion).status_code == 200  # nothing above spent it


def test_grants_and_refusals_are_audited(platform):
    platform.token()
    platform.exchange(platform.assertion(aud="liancha-hub"))
    with platform.app.app_context():
        session = platform.session()
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action.like("platform.%")).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["platform.registered", "platform.token",
                                              "platform.token_refused"]
        assert {e.actor for e in events[1:]} == {f"national:{platform.client_id}"}
        assert "audience" in json.loads(events[-1].detail)["reason"].lower()
        assert verify_chain(session).ok
        session.close()


def test_the_hub_publishes_its_callback_key(platform):
    keys = platform.hub.get(f"{API}/keys").get_json()["keys"]
    assert [k["kty"] for k in keys] == ["OKP"] and keys[0]["alg"] == "EdDSA"
    document = platform.hub.get("/national/openapi.json").get_json()
    assert {f"{API}/token", f"{API}/requests", f"{API}/requests/{{request_no}}/result",
            f"{API}/keys"} <= set(document["paths"])
    token_body = document["paths"][f"{API}/token"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in token_body
