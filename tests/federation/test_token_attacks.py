"""Forged and misused bearer tokens at the hub: every one refused with 401, none a 500.

(Replayed `jti`s matter for one-time assertions: a kiosk's card read and a platform
client's assertion; their replay tests sit with those surfaces. A bearer token is, by
design, presented on every call until it expires.)
"""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from federation.identity import AUDIENCE, ISSUER, mint_clerk_token
from schemas.signing import HUB_ISSUER, public_pem
from tests.federation.test_queries import SUBJECT

QUERY = {"purpose": "工龄认定"}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def citizen_claims(**changes: object) -> dict:
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, "sub": "x",
            "role": "citizen", **SUBJECT, **changes}


def attempt(federation, token: str):  # type: ignore[no-untyped-def]
    return federation.hub.post("/api/v1/queries", json=QUERY,
                               headers={"Authorization": f"Bearer {token}"})


def forged(federation) -> dict[str, str]:  # type: ignore[no-untyped-def]
    identity_public = federation.hub.application.extensions["liancha.hub"].identity_public_key
    hub_public = federation.hub_key.public_key()
    stranger = Ed25519PrivateKey.generate()
    sign = lambda claims, key=federation.identity_key: jwt.encode(  # noqa: E731
        claims, key, algorithm="EdDSA")
    return {
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(citizen_claims())}.",
        "HS256 with the identity public key": _hs256(citizen_claims(),
                                                     public_pem(identity_public)),
        "HS256 with the hub public key": _hs256(
            {**citizen_claims(), "iss": HUB_ISSUER, "role": "clerk", "archive": "510500",
             "roles": ["admin"]}, public_pem(hub_public)),
        "expired": sign(citizen_claims(iat=int(time.time()) - 900,
                                       exp=int(time.time()) - 300)),
        "wrong audience": sign(citizen_claims(aud="510500")),
        "wrong issuer": sign(citizen_claims(iss="someone-else")),
        "signed by a stranger": sign(citizen_claims(), stranger),
        "a clerk role from the identity provider": sign(citizen_claims(role="clerk",
                                                                       archive="510500")),
        "a citizen without a verified id": sign(citizen_claims(id_number=None)),
        "a hub clerk token signed by a stranger": mint_clerk_token(stranger, "mallory",
                                                                   "510500", ["admin"]),
        "a node token (audience an archive)": jwt.encode(
            {"iss": HUB_ISSUER, "aud": "510500", "iat": int(time.time()),
             "exp": int(time.time()) + 60, "jti": "j", "purpose": "x", "sub": "clerk:x",
             "role": "clerk", "archive": "510500", "roles": ["admin"]},
            federation.hub_key, algorithm="EdDSA"),
        "garbage": "not.a.token",
    }


def _hs256(claims: dict, secret: bytes) -> str:
    """What pyjwt refuses to make (an asymmetric key as an HMAC secret), made by hand."""
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


ATTACKS = ["alg none", "HS256 with the identity public key", "HS256 with the hub public key",
           "expired", "wrong audience", "wrong issuer", "signed by a stranger",
           "a clerk role from the identity provider", "a citizen without a verified id",
           "a hub clerk token signed by a stranger", "a node token (audience an archive)",
           "garbage"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_forged_or_misused_token_is_refused(federation, attack: str) -> None:
    response = attempt(federation, forged(federation)[attack])
    assert response.status_code == 401, (attack, response.json)
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_genuine_token_is_accepted(federation) -> None:
    """The attacks fail for what they forge, not because every token fails."""
    good = federation.token("citizen", **SUBJECT)
    assert attempt(federation, good).status_code == 200
    assert attempt(federation, federation.token()).status_code == 422  # a clerk names a subject
