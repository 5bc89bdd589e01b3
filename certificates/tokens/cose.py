"""The certificate token as its QR code carries it: COSE_Sign1 (RFC 9052) with EdDSA over a
CBOR payload, in base32 for the QR code's alphanumeric mode.

Why this form: a QR code survives paper by its module size and its error correction, and
both are paid for in payload. The earlier form, a 250-character JWS in byte mode, needed a
version 12 symbol at level M; a COSE_Sign1 of about 127 bytes, base32 in alphanumeric mode
(5.5 bits a character) behind an upper-case URL, fits version 11 at level Q (25 % of the
symbol may be lost). The same construction as the EU Digital COVID Certificate (COSE_Sign1,
CBOR, a compact text encoding), which independent implementations verify (pycose, in the
tests). Base32 (RFC 4648, A-Z and 2-7) rather than Base45 (RFC 9285): Base45's alphabet has
the space and `%`, which a URL cannot hold as they are, and it saves only 6 %.

Structure: tag 18, `[protected, {}, payload, signature]`, where
- protected is the CBOR map `{1: -8, 4: kid}` (alg EdDSA, the keyring's kid as bytes);
- payload is the canonical CBOR map `{1: n, 2: d, 3: h, 4: m, 5: a, 6?: x}` of
  `CertificateClaims` (the same claims as the JWS form, the digest as its 16 raw bytes);
- signature: Ed25519 over `["Signature1", protected, b"", payload]`, 64 bytes.

Every encoding is canonical, and a token is accepted only in the exact bytes its parts
re-encode to, so any change to a token is `altered` (or `unknown_key` for a well-formed token
of a key that is not published).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.tokens.token import (
    ALTERED,
    DIGEST_CHARS,
    UNKNOWN_KEY,
    CertificateClaims,
    TokenCheck,
    compact_number,
    judged,
    near_any,
    number_date,
)

COSE_SIGN1_TAG = 18
ALG, KID, EDDSA = 1, 4, -8
_BASE32 = re.compile("[A-Z2-7]+")


def encode_text(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# base32 characters to the digits `int(..., 32)` reads; every other character to "!", which
# it does not (one pass both checks the alphabet and translates)
_FROM_BASE32 = str.maketrans({**{chr(code): "!" for code in range(128)},
                              **{c: "0123456789abcdefghijklmnopqrstuv"[i]
                                 for i, c in enumerate(_ALPHABET)}})


def decode_text(text: str) -> bytes | None:
    """The bytes of canonical unpadded base32 (ASCII `text`), else None. (Through
    `int(..., 32)`: the standard library's b32decode is a Python loop, a quarter of a
    verification's time.)"""
    digits = text.translate(_FROM_BASE32)
    if not digits or "!" in digits or not digits.isascii():
        return None
    bits = len(text) * 5
    length, spare = divmod(bits, 8)
    if spare >= 5:  # no canonical encoding ends with a character carrying no data bit
        return None
    number = int(digits, 32)
    if number & ((1 << spare) - 1):  # the unused bits of the last character must be zero
        return None
    return (number >> spare).to_bytes(length, "big")


def is_cose_text(token: str) -> bool:
    """Whether `token` is written in this form's alphabet (a JWS has dots and lower case)."""
    return _BASE32.fullmatch(token) is not None


@lru_cache(maxsize=64)
def protected_header(kid: str) -> bytes:
    return cbor2.dumps({ALG: EDDSA, KID: kid.encode("ascii")}, canonical=True)


def _bstr_head(length: int) -> bytes:
    """The CBOR head of a byte string of `length`, in its shortest form."""
    if length < 24:
        return bytes((0x40 | length,))
    if length < 256:
        return bytes((0x58, length))
    return b"\x59" + length.to_bytes(2, "big")


def _signing_input(protected: bytes, payload: bytes) -> bytes:
    """`["Signature1", protected, b"", payload]` in CBOR (written out: this is on every
    verification's path)."""
    return (b"\x84\x6aSignature1" + _bstr_head(len(protected)) + protected + b"\x40"
            + _bstr_head(len(payload)) + payload)


def sign(claims: CertificateClaims, kid: str, key: Any) -> str:
    """The token for `claims`, signed with `key` (an Ed25519 private key) under `kid`."""
    protected = protected_header(kid)
    payload = cbor2.dumps(claims_map(claims), canonical=True)
    signature = key.sign(_signing_input(protected, payload))
    return encode_text(cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG,
                                                 [protected, {}, payload, signature])))


def claims_map(claims: CertificateClaims) -> dict[int, Any]:
    payload = claims.payload()  # validates, and shortens the number as the JWS form does
    mapped = {1: payload["n"], 2: payload["d"],
              3: base64.urlsafe_b64decode(payload["h"] + "=="), 4: payload["m"],
              5: payload["a"]}
    if "x" in payload:
        mapped[6] = payload["x"]
    return mapped


def _claims(payload: bytes) -> CertificateClaims | None:
    """The claims of a payload map, checked as `CertificateClaims.from_payload` checks them
    (written out: this is on every verification's path)."""
    try:
        mapped = cbor2.loads(payload)
    except (cbor2.CBORDecodeError, ValueError, TypeError):
        return None
    # no canonical re-encoding check: the signature covers these exact bytes
    if type(mapped) is not dict or not mapped.keys() <= _PAYLOAD_KEYS:
        return None
    number, digest, holder, archive = mapped.get(1), mapped.get(3), mapped.get(4), mapped.get(5)
    issued_on = number_date(mapped.get(2))
    expires_on = number_date(mapped[6]) if 6 in mapped else None
    if (issued_on is None or (6 in mapped and expires_on is None)
            or not (isinstance(digest, bytes) and len(digest) == 16)
            or not (isinstance(holder, str) and holder)
            or not (isinstance(archive, str) and archive)):
        return None
    if type(number) is int and number > 0:
        number = compact_number(archive, issued_on.year, number)
    elif not (isinstance(number, str) and number):
        return None
    return CertificateClaims(number, issued_on, binascii.b2a_base64(digest, newline=False)[
        :DIGEST_CHARS].decode("ascii").translate(_URL_SAFE), holder, archive, expires_on)


_URL_SAFE = str.maketrans("+/", "-_")


_PAYLOAD_KEYS = frozenset({1, 2, 3, 4, 5, 6})


@lru_cache(maxsize=256)
def _kid_of(protected: bytes) -> str | None:
    """The kid of a protected header that is exactly ours, else None."""
    try:
        header = cbor2.loads(protected)
    except (cbor2.CBORDecodeError, ValueError, TypeError):
        return None
    if not isinstance(header, Mapping) or header.keys() != {ALG, KID} \
            or header[ALG] != EDDSA or not isinstance(header[KID], bytes):
        return None
    try:
        kid = header[KID].decode("ascii")
    except UnicodeDecodeError:
        return None
    return kid if kid and protected_header(kid) == protected else None


def verify(token: str, keys: dict[str, Ed25519PublicKey],
           today: date | None = None) -> TokenCheck:
    raw = decode_text(token)
    parts = _parts(raw) if raw is not None else None
    if parts is None:
        return TokenCheck(ALTERED, None, None, "not a COSE_Sign1 token in canonical base32")
    protected, payload, signature, signed = parts
    kid = _kid_of(protected)
    if kid is None:
        return TokenCheck(ALTERED, _claims(payload), None, "the protected header is not ours")
    key = keys.get(kid)
    if key is None:
        if near_any(kid, keys):
            return TokenCheck(ALTERED, _claims(payload), kid, "the key id was changed")
        return TokenCheck(UNKNOWN_KEY, _claims(payload), kid, f"no published key {kid!r}")
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        return TokenCheck(ALTERED, _claims(payload), kid, "the signature does not match")
    return judged(_claims(payload), kid, today)


def _parts(raw: bytes) -> tuple[bytes, bytes, bytes, bytes] | None:
    """(protected, payload, signature, signing input) of a tagged COSE_Sign1 in exactly the
    bytes `sign` writes (tag 18, an array of four, shortest heads, an empty map, a 64-byte
    signature), else None. Read by hand: the layout is fixed, and one form only is accepted;
    the signing input is cut from the same bytes (its byte strings have the same heads)."""
    if raw[:2] != b"\xd2\x84":
        return None
    protected, at = _bstr(raw, 2)
    if protected is None or raw[at:at + 1] != b"\xa0":
        return None
    payload, end = _bstr(raw, at + 1)
    if payload is None or raw[end:end + 2] != b"\x58\x40" or len(raw) != end + 66:
        return None
    return protected, payload, raw[end + 2:], _SIGNATURE1 + raw[2:at] + b"\x40" + raw[at + 1:end]


_SIGNATURE1 = b"\x84\x6aSignature1"


def _bstr(raw: bytes, at: int) -> tuple[bytes | None, int]:
    """The byte string whose head is at `at` (shortest head only), and where it ends."""
    if at >= len(raw):
        return None, at
    head = raw[at]
    if 0x40 <= head < 0x58:
        length, start = head - 0x40, at + 1
    elif head == 0x58 and at + 1 < len(raw) and raw[at + 1] >= 24:
        length, start = raw[at + 1], at + 2
    elif head == 0x59 and at + 2 < len(raw) and int.from_bytes(raw[at + 1:at + 3]) >= 256:
        length, start = int.from_bytes(raw[at + 1:at + 3]), at + 3
    else:
        return None, at
    end = start + length
    return (raw[start:end], end) if end <= len(raw) else (None, at)
