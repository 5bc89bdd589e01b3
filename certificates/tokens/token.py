"""The compact signed token a certificate's QR code carries, and its offline verification.

Format: a JWS compact serialization (RFC 7515) `header.payload.signature`, base64url without
padding, signed with Ed25519 (alg `EdDSA`, RFC 8037):

- header `{"alg":"EdDSA","kid":"<kid>","typ":"lcc"}` (`lcc`: Liancha certificate), exactly
  these members; `kid` is the keyring's short kid (see `certificates.tokens.keyring`);
- payload, JSON without whitespace, non-ASCII as UTF-8 (base64url carries it, so nothing is
  ever percent-encoded in the URL, and a Chinese character costs 4 token characters instead
  of 8 for a `\\uXXXX` escape):
  `n` certificate number, `d` issue date as the integer YYYYMMDD, `h` the first 16 bytes of
  the content's SHA-256 (22 characters), `m` the masked holder name, `a` the issuing
  archive's code, optional `x` the last day the certificate is valid (YYYYMMDD).
- signature: 64 bytes, 86 characters.

The certificate number travels in the compact ASCII form `<archive>-<year>-<sequence>`
(510500-2026-123 for 泸档证〔2026〕第000123号): the Chinese form costs 3 UTF-8 bytes a
character and repeats what the token says elsewhere. Since numbers are sequential per issuing
archive and year, and a number is given when the certificate is issued, its archive and
year are `a` and the year of `d`: `n` is then only the sequence, an integer (`"n":123`). A
number of any other shape is carried whole as a string.

Why 16 bytes of digest: the signature, not the hash, stops forgery; `h` only binds the token
to one content. Passing another content off under a signed token means matching a 128-bit
prefix: a second preimage, 2^128 work. A collision costs 2^64 but needs two contents prepared
in advance of which the hub then signs one, while the hub builds the content from its own
records (only a few fields, such as the purpose, come from the requester), and the online
check compares with the registry, which should keep the full `content_digest`.

Sizes: header 56 characters, signature 86, dots 2, and the payload 100-110 for a
Chinese name: 247 characters for 张*华 with number 510500-2026-123, 250 with a 4-character
name and a 4-digit sequence, 255 for 阿***·**提; an expiry date adds 17. In the QR the URL
adds its base (`https://liancha.example.cn/v/` is 29 more, all in QR byte mode).

Statuses of `verify_token`, checked in this order:
`altered`: not three base64url parts in canonical form, header not exactly ours, payload not
readable, or the signature fails - any change to a token lands here, including one that turns
the kid into a kid no key has, when the header stays within 2 characters of a published key's
header (the keyring keeps its kids apart in every position, so the headers of two real kids
differ in at least 3 characters);
`unknown_key`: a well-formed header whose kid is not among the given keys (a newer key, or a
revoked one); `expired`: valid signature but today is after `x`; `valid`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

if TYPE_CHECKING:
    from certificates.tokens.keyring import Keyring

VALID = "valid"
ALTERED = "altered"
UNKNOWN_KEY = "unknown_key"
EXPIRED = "expired"

TOKEN_TYPE = "lcc"
ALGORITHM = "EdDSA"
DIGEST_CHARS = 22
VERIFY_PATH = "/v/"
_HEADER_MEMBERS = frozenset({"alg", "kid", "typ"})
_HEADER_CACHE_SIZE = 256
_NEAR_HEADER = 2  # changed header characters still read as damage, not as another key


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(segment: str) -> bytes | None:
    """Decode base64url without padding; None unless `segment` is its canonical encoding."""
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if _b64encode(data) == segment else None


def _date_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _number_date(value: Any) -> date | None:
    if type(value) is not int or not 10000101 <= value <= 99991231:
        return None
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def compact_number(archive: str, year: int, sequence: int) -> str:
    """The certificate number in the token's form: `510500-2026-123`."""
    return f"{archive}-{year}-{sequence}"


@dataclass(frozen=True, slots=True)
class CertificateClaims:
    """What a certificate's token says."""

    number: str  # compact certificate number, 510500-2026-123
    issued_on: date
    digest: str  # `short_digest` of the content, 22 characters
    holder: str  # masked holder name, 张*华
    archive: str  # issuing archive's code
    expires_on: date | None = None  # last valid day

    def payload(self) -> dict[str, Any]:
        """The token's claims (`n`, `d`, `h`, `m`, `a`, `x`)."""
        if len(self.digest) != DIGEST_CHARS or _b64decode(self.digest) is None:
            raise ValueError("the digest must be a short_digest: 16 bytes, 22 base64url chars")
        if not (self.number and self.holder and self.archive):
            raise ValueError("number, holder and archive cannot be empty")
        prefix = f"{self.archive}-{self.issued_on.year}-"
        sequence = self.number.removeprefix(prefix)
        short = sequence != self.number and sequence.isascii() and sequence.isdigit()
        claims: dict[str, Any] = {
            "n": int(sequence) if short and str(int(sequence)) == sequence else self.number,
            "d": _date_number(self.issued_on),
            "h": self.digest,
            "m": self.holder,
            "a": self.archive,
        }
        if self.expires_on is not None:
            claims["x"] = _date_number(self.expires_on)
        return claims

    @classmethod
    def from_payload(cls, claims: Any) -> CertificateClaims | None:
        """Read a token's claims; None when they are not what `payload` writes."""
        if not isinstance(claims, dict):
            return None
        number, digest, holder, archive = (claims.get(k) for k in ("n", "h", "m", "a"))
        issued_on = _number_date(claims.get("d"))
        expires_on = _number_date(claims["x"]) if "x" in claims else None
        if (
            issued_on is None
            or ("x" in claims and expires_on is None)
            or not (isinstance(digest, str) and len(digest) == DIGEST_CHARS)
            or not (isinstance(holder, str) and holder)
            or not (isinstance(archive, str) and archive)
        ):
            return None
        if type(number) is int and number > 0:
            number = compact_number(archive, issued_on.year, number)
        elif not (isinstance(number, str) and number):
            return None
        return cls(number, issued_on, digest, holder, archive, expires_on)


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """The outcome of `verify_token`: a status, and the claims whenever they could be read.

    Claims of a token that is not `valid` or `expired` are unverified: show them, if at all,
    only as what the token claims.
    """

    status: str
    claims: CertificateClaims | None
    kid: str | None
    detail: str

    @property
    def valid(self) -> bool:
        return self.status == VALID


@lru_cache(maxsize=64)
def header_segment(kid: str) -> str:
    """The token's first part for a kid."""
    header = {"alg": ALGORITHM, "kid": kid, "typ": TOKEN_TYPE}
    return _b64encode(json.dumps(header, separators=(",", ":")).encode("ascii"))


def issue_token(keyring: Keyring, claims: CertificateClaims) -> str:
    """Sign `claims` with the keyring's active key."""
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


def _near_known_header(segment: str, keys: dict[str, Ed25519PublicKey]) -> bool:
    """Whether a header is a published key's header with at most 2 characters changed."""
    for kid in keys:
        known = header_segment(kid)
        if len(known) == len(segment):
            if sum(a != b for a, b in zip(known, segment, strict=True)) <= _NEAR_HEADER:
                return True
    return False


def verify_token(
    token: str, keys: dict[str, Ed25519PublicKey], today: date | None = None
) -> TokenCheck:
    """Check a token offline against published keys (kid -> key, see `keys_from_jwks`)."""
    parts = token.split(".") if isinstance(token, str) and token.isascii() else []
    if len(parts) != 3:
        return TokenCheck(ALTERED, None, None, "not a compact JWS of three parts")
    header, payload, signature = parts
    kid = _header_kid(header)
    if kid is None:
        return TokenCheck(ALTERED, _read_claims(payload), None, "the header is not ours")
    key = keys.get(kid)
    if key is None:
        if _near_known_header(header, keys):
            return TokenCheck(ALTERED, _read_claims(payload), kid, "the key id was changed")
        return TokenCheck(UNKNOWN_KEY, _read_claims(payload), kid, f"no published key {kid!r}")
    raw_signature = _b64decode(signature)
    try:
        if raw_signature is None:
            raise InvalidSignature
        key.verify(raw_signature, f"{header}.{payload}".encode("ascii"))
    except InvalidSignature:
        return TokenCheck(ALTERED, _read_claims(payload), kid, "the signature does not match")
    claims = _read_claims(payload)
    if claims is None:
        return TokenCheck(ALTERED, None, kid, "signed claims that cannot be read")
    if claims.expires_on is not None and (today or date.today()) > claims.expires_on:
        return TokenCheck(EXPIRED, claims, kid, f"expired after {claims.expires_on}")
    return TokenCheck(VALID, claims, kid, "signature valid")


def verify_url(base_url: str, token: str) -> str:
    """What the QR code holds: `{base}/v/{token}`."""
    return f"{base_url.rstrip('/')}{VERIFY_PATH}{token}"


def token_from_url(url: str) -> str:
    """The token in a verification URL read from a QR code (query and fragment ignored)."""
    path = unquote(urlsplit(url.strip()).path).rstrip("/")
    _, found, token = path.rpartition(VERIFY_PATH)
    if not found or not token or "/" in token:
        raise ValueError(f"not a verification URL ({VERIFY_PATH}<token>): {url!r}")
    return token
