"""The first form of the certificate token, still read: a JWS compact serialization
(RFC 7515) `header.payload.signature`, base64url without padding, signed with Ed25519 (alg
`EdDSA`, RFC 8037). Certificates issued before 2026-12 carry it in their QR codes; new ones
carry the COSE form (`certificates.tokens.cose`). `issue` is kept for tests of that reading.

- header `{"alg":"EdDSA","kid":"<kid>","typ":"lcc"}`, exactly these members;
- payload: the claims as JSON without whitespace, non-ASCII as UTF-8;
- signature: 64 bytes, 86 characters.

A header within 2 characters of a published key's header reads as damage (`altered`): the
keyring keeps its kids apart in every position, so the headers of two real kids differ in at
least 3 characters.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.tokens.token import (
    ALGORITHM,
    ALTERED,
    TOKEN_TYPE,
    UNKNOWN_KEY,
    CertificateClaims,
    TokenCheck,
    _b64decode,
    _b64encode,
    judged,
    near_any,
)

if TYPE_CHECKING:
    from certificates.tokens.keyring import Keyring

_HEADER_MEMBERS = frozenset({"alg", "kid", "typ"})
_HEADER_CACHE_SIZE = 256


@lru_cache(maxsize=64)
def header_segment(kid: str) -> str:
    """The token's first part for a kid."""
    header = {"alg": ALGORITHM, "kid": kid, "typ": TOKEN_TYPE}
    return _b64encode(json.dumps(header, separators=(",", ":")).encode("ascii"))


def issue(keyring: Keyring, claims: CertificateClaims) -> str:
    """Sign `claims` with the keyring's active key, in this (first) form."""
    kid, key = keyring.signer()
    header = header_segment(kid)
    payload = json.dumps(claims.payload(), separators=(",", ":"), ensure_ascii=False)
    signing_input = f"{header}.{_b64encode(payload.encode('utf-8'))}"
    return f"{signing_input}.{_b64encode(key.sign(signing_input.encode('ascii')))}"


_header_kids: dict[str, str | None] = {}


def _header_kid(segment: str) -> str | None:
    """The kid of a header that is exactly ours, else None (cached: headers repeat)."""
    if segment in _header_kids:
        return _header_kids[segment]
    kid = None
    raw = _b64decode(segment)
    try:
        header = json.loads(raw.decode("utf-8")) if raw is not None else None
    except ValueError:  # JSON and UTF-8 errors
        header = None
    if (
        isinstance(header, dict)
        and header.keys() == _HEADER_MEMBERS
        and header["alg"] == ALGORITHM
        and header["typ"] == TOKEN_TYPE
        and isinstance(header["kid"], str)
        and header["kid"]
    ):
        kid = header["kid"]
    if len(_header_kids) < _HEADER_CACHE_SIZE:
        _header_kids[segment] = kid
    return kid


def _read_claims(segment: str) -> CertificateClaims | None:
    raw = _b64decode(segment)
    if raw is None:
        return None
    try:
        return CertificateClaims.from_payload(json.loads(raw.decode("utf-8")))
    except ValueError:  # JSON and UTF-8 errors
        return None


def verify(token: str, keys: dict[str, Ed25519PublicKey],
           today: date | None = None) -> TokenCheck:
    """Check a JWS token offline against published keys (kid -> key)."""
    parts = token.split(".")
    if len(parts) != 3:
        return TokenCheck(ALTERED, None, None, "not a compact JWS of three parts")
    header, payload, signature = parts
    kid = _header_kid(header)
    if kid is None:
        return TokenCheck(ALTERED, _read_claims(payload), None, "the header is not ours")
    key = keys.get(kid)
    if key is None:
        if near_any(header, map(header_segment, keys)):
            return TokenCheck(ALTERED, _read_claims(payload), kid, "the key id was changed")
        return TokenCheck(UNKNOWN_KEY, _read_claims(payload), kid, f"no published key {kid!r}")
    raw_signature = _b64decode(signature)
    try:
        if raw_signature is None:
            raise InvalidSignature
        key.verify(raw_signature, f"{header}.{payload}".encode("ascii"))
    except InvalidSignature:
        return TokenCheck(ALTERED, _read_claims(payload), kid, "the signature does not match")
    return judged(_read_claims(payload), kid, today)


