"""The compact signed token a certificate's QR code carries, and its offline verification.

Two forms, one set of claims (`CertificateClaims`):
- the current one, issued since 2026-12: COSE_Sign1 with EdDSA over CBOR, in base32 behind an
  upper-case URL so that the QR code uses its alphanumeric mode (`certificates.tokens.cose`);
- the first one, still read for the certificates issued with it: a compact JWS
  (`certificates.tokens.jws`).
`verify_token` tells them apart by their alphabet (a JWS has dots and lower case; the
current form is upper-case base32) and answers the same statuses for both:
`altered` (any change, including one that turns the kid into a near one), `unknown_key` (a
well-formed token of a key not published), `expired` (valid, after `x`), `valid`.

Claims: `n` the certificate number (`510500-2026-123`, carried as the sequence 123 when the
archive and year are `a` and the year of `d`), `d` the issue date as the integer YYYYMMDD,
`h` the first 16 bytes of the content's SHA-256 (`short_digest`), `m` the masked holder
name, `a` the issuing archive's code, optional `x` the last valid day.

Why 16 bytes of digest: the signature, not the hash, stops forgery; `h` only binds the token
to one content. Passing another content off under a signed token means matching a 128-bit
prefix: a second preimage, 2^128 work.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlsplit

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


def number_date(value: Any) -> date | None:
    """The date of a YYYYMMDD integer, else None."""
    if type(value) is not int or not 10000101 <= value <= 99991231:
        return None
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None


def compact_number(archive: str, year: int, sequence: int) -> str:
    """The certificate number in the token's form: `510500-2026-123`."""
    return f"{archive}-{year}-{sequence}"


class CertificateClaims(NamedTuple):
    """What a certificate's token says. (A named tuple, not a frozen dataclass: built on every
    verification, and a frozen dataclass costs a microsecond more to build.)"""

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
        issued_on = number_date(claims.get("d"))
        expires_on = number_date(claims["x"]) if "x" in claims else None
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


class TokenCheck(NamedTuple):
    """The outcome of `verify_token`: a status, and the claims whenever they could be read.
    (A named tuple, as `CertificateClaims`.)

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


NEAR_CHANGES = 2  # characters changed in a key's id (or header) still read as damage


def near_any(text: str, known: Iterable[str]) -> bool:
    """Whether `text` is one of `known` with at most NEAR_CHANGES characters changed: damage
    to a published key's id, not another key (the keyring keeps its kids apart)."""
    return any(len(candidate) == len(text) and sum(
        a != b for a, b in zip(candidate, text, strict=True)) <= NEAR_CHANGES
        for candidate in known)


def judged(claims: CertificateClaims | None, kid: str, today: date | None) -> TokenCheck:
    """The check of a token whose signature verified: its claims must read, and not be
    past their last day (`today`, else the system's date, read only when there is one)."""
    if claims is None:
        return TokenCheck(ALTERED, None, kid, "signed claims that cannot be read")
    if claims.expires_on is not None and (today or date.today()) > claims.expires_on:
        return TokenCheck(EXPIRED, claims, kid, f"expired after {claims.expires_on}")
    return TokenCheck(VALID, claims, kid, "signature valid")


def issue_token(keyring: Keyring, claims: CertificateClaims) -> str:
    """Sign `claims` with the keyring's active key, in the current (COSE) form."""
    kid, key = keyring.signer()
    return cose.sign(claims, kid, key)


def verify_token(
    token: str, keys: dict[str, Ed25519PublicKey], today: date | None = None
) -> TokenCheck:
    """Check a token of either form offline against published keys (kid -> key)."""
    if not isinstance(token, str) or not token.isascii():
        return TokenCheck(ALTERED, None, None, "not a certificate token")
    if "." in token:  # the first form's three parts; the current form has no dot
        return jws.verify(token, keys, today)
    return cose.verify(token, keys, today)


def verify_url(base_url: str, token: str) -> str:
    """What the QR code holds: `{base}/V/{token}`, the scheme and host in upper case (they
    are case-insensitive) so that with a base without a path the whole URL is in the QR
    code's alphanumeric mode; a token of the first form keeps `{base}/v/{token}`."""
    base = base_url.rstrip("/")
    if not cose.is_cose_text(token):
        return f"{base}{VERIFY_PATH}{token}"
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}".upper()
    return f"{origin}{parts.path}{VERIFY_PATH.upper()}{token}"


def token_from_url(url: str) -> str:
    """The token in a verification URL read from a QR code (query and fragment ignored)."""
    path = unquote(urlsplit(url.strip()).path).rstrip("/")
    cut = max(path.rfind(VERIFY_PATH), path.rfind(VERIFY_PATH.upper()))
    token = path[cut + len(VERIFY_PATH):] if cut >= 0 else ""
    if not token or "/" in token:
        raise ValueError(f"not a verification URL ({VERIFY_PATH}<token>): {url!r}")
    return token


# The two forms build on the claims above, hence imported last.
from certificates.tokens import cose, jws  # noqa: E402
