"""Hub tokens for the checks: valid ones, and the forgeries a node must refuse.

PyJWT will not produce some attack tokens (`alg: none` with no signature, HS256 keyed with
a public key), so those are assembled by hand from base64url parts.
"""

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from schemas.signing import hub_token_claims


def claims(audience: str, purpose: str, /, lifetime_s: int = 60, **overrides: Any) -> dict:
    """The claims of a fresh hub token; an override of None removes that claim."""
    result: dict[str, Any] = hub_token_claims(audience, purpose, lifetime_s)
    for name, value in overrides.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def sign(key: Ed25519PrivateKey, token_claims: dict) -> str:
    """An EdDSA token signed with `key` (the hub's, or a stranger's)."""
    return jwt.encode(token_claims, key, algorithm="EdDSA")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segment(document: dict) -> str:
    return _b64url(json.dumps(document, separators=(",", ":")).encode("utf-8"))


def unsigned(token_claims: dict) -> str:
    """`alg: none`: a token anyone can write, with an empty signature."""
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(token_claims)}."


def hs256(token_claims: dict, secret: bytes) -> str:
    """An HS256 token keyed with `secret`: with a public key as secret, key confusion."""
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT'})}.{_segment(token_claims)}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(mac)}"


def public_key_secrets(key: Ed25519PublicKey) -> dict[str, bytes]:
    """The byte strings a confused verifier might take as the HMAC secret: PEM and raw."""
    return {
        "PEM": key.public_bytes(serialization.Encoding.PEM,
                                serialization.PublicFormat.SubjectPublicKeyInfo),
        "raw": key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
    }
