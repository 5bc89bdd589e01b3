"""Verifying a certificate: its token offline against the published keys, then online
against the registry; and whether an uploaded PDF is exactly one the registry issued.

Statuses, in the order they are decided:

- `altered`: the token is malformed or its signature fails (`verify_token`), or it verifies
  but the registry has no certificate of that number, or holds another token, kid, content
  digest or issue date for it: a signed token that the registry does not know as issued;
- `unknown_key`: signed by a key the hub does not publish (a newer key another process added
  is picked up by reloading the keyring once; a revoked key stays unknown);
- `revoked`: the registry says revoked (this wins over `expired`);
- `expired`: past the token's last valid day;
- `valid`;
- and `not_found` for a number and verification code (核验码) that no certificate has
  (`verify_code`: a certificate found by them is then judged by its token as above).

Details to compare with the paper come from the registry row, and only when the registry
confirms the token (`valid`, `revoked`, `expired`): a token that is not confirmed shows
nothing, so that a forged QR cannot make the page display what the forger wants.

Every check, by token or by PDF, writes one `AuditEvent` (`certificate.verified`, actor and
role `public`) and commits it. An uploaded PDF is found by its SHA-256 in lower-case hex,
the form `Certificate.pdf_sha256` holds.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from certificates.models import Certificate
from certificates.tokens import (
    ALTERED,
    EXPIRED,
    UNKNOWN_KEY,
    VALID,
    Keyring,
    TokenCheck,
    token_from_url,
    verify_token,
)
from certificates.verify_codes import typed_code, typed_number
from federation import audit
from runtime.errors import InvalidInput

REVOKED = "revoked"
#: a verification URL that is not this hub's: whatever its token, the QR code sends people
#: elsewhere than the registry that could vouch for it
FOREIGN_URL = "foreign_url"
#: a number and verification code (核验码) that no certificate has
NOT_FOUND = "not_found"
STATUSES = (VALID, REVOKED, ALTERED, UNKNOWN_KEY, EXPIRED, FOREIGN_URL, NOT_FOUND)
VIAS = ("page", "api", "upload", "code_page")
EXACT = "exact"
NOT_ISSUED = "not_issued"
ACTION = "certificate.verified"
PUBLIC = "public"
UNKNOWN_TARGET = "unknown"
_TARGET_CHARS = 200  # AuditEvent.target
_SHORT_DIGEST_BYTES = 16


@dataclass(frozen=True, slots=True)
class CertificateDetails:
    """What a verifier compares with the paper: masked, as printed."""

    certificate_no: str  # compact, 510500-2026-123
    display_no: str  # 泸档证〔2026〕第000123号
    archive_name: str
    holder_masked: str
    issued_on: date
    kind: str  # records | no_record
    scope: dict | None = None  # what was searched (record types, window, in words)

    @classmethod
    def of(cls, row: Certificate) -> CertificateDetails:
        return cls(row.certificate_no, row.display_no, row.archive_name, row.holder_masked,
                   row.issued_on, row.kind, row.scope())

    def to_dict(self) -> dict[str, Any]:
        return {"certificate_no": self.certificate_no, "display_no": self.display_no,
                "archive_name": self.archive_name, "holder_masked": self.holder_masked,
                "issued_on": self.issued_on, "kind": self.kind, "scope": self.scope}


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of one verification."""

    status: str
    certificate: CertificateDetails | None  # only when the registry confirms the token
    checked_at: datetime  # UTC
    reason: str  # why, in English, for the audit record and logs
    claimed_no: str | None = None  # the number the token claims, confirmed or not
    expires_on: date | None = None
    revoked_at: datetime | None = None  # UTC
    revoked_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The API's answer: `revoked_at` and `revoked_reason` only when revoked."""
        answer: dict[str, Any] = {
            "status": self.status,
            "certificate": self.certificate.to_dict() if self.certificate else None,
            "checked_at": self.checked_at,
        }
        if self.expires_on is not None and self.certificate is not None:
            answer["expires_on"] = self.expires_on
        if self.status == REVOKED:
            answer["revoked_at"] = self.revoked_at
            answer["revoked_reason"] = self.revoked_reason
        return answer


@dataclass(frozen=True, slots=True)
class PdfCheck:
    """Whether uploaded bytes are exactly a PDF the registry issued, and that one's status."""

    match: str  # exact | not_issued
    sha256: str  # of the uploaded bytes, lower-case hex
    checked_at: datetime
    verification: Verification | None = None  # the matched certificate's, when exact

    @property
    def exact(self) -> bool:
        return self.match == EXACT


def verify(session: Session, keyring: Keyring, token: str, via: str,
           today: date | None = None) -> Verification:
    """Check `token` offline, then against the registry; audit and commit the check."""
    _check_via(via)
    verification = _judge(session, keyring, token, today)
    _audit(session, verification.claimed_no,
           {"status": verification.status, "via": via, "reason": verification.reason})
    return verification


def verify_code(session: Session, keyring: Keyring, number: str, code: str, via: str,
                today: date | None = None) -> tuple[Verification, str | None]:
    """Find a certificate by its number and verification code (核验码, typed where the QR
    code cannot be read), then `verify` its registered token as if scanned; `not_found`
    when no certificate has that number and code. Also the token, to check a PDF against."""
    _check_via(via)
    typed, wanted = typed_number(number), typed_code(code)
    row = None
    if wanted is not None:
        row = session.get(Certificate, typed) or session.scalars(
            select(Certificate).where(Certificate.display_no == typed)).first()
    if row is None or row.verify_code is None or not hmac.compare_digest(
            row.verify_code, wanted or ""):
        found = Verification(NOT_FOUND, None, datetime.now(UTC),
                             "no certificate with this number and verification code")
        _audit(session, None, {"status": NOT_FOUND, "via": via, "reason": found.reason,
                               "number": typed[:64]})
        return found, None
    verification = _judge(session, keyring, row.token, today)
    _audit(session, verification.claimed_no,
           {"status": verification.status, "via": via, "reason": verification.reason,
            "by": "code"})
    return verification, row.token


def verify_url(session: Session, keyring: Keyring, url: str, via: str,
               today: date | None = None, public_url: str | None = None) -> Verification:
    """`verify` the token in a verification URL (what the QR code holds): `foreign_url`
    when the URL is not under this hub's `public_url`, whatever its token says."""
    try:
        token = token_from_url(url)
    except ValueError:
        raise InvalidInput(
            {"url": ["Not a verification URL: it must end in /v/<token>."]}) from None
    if public_url is not None and not _ours(url, public_url):
        found = Verification(FOREIGN_URL, None, datetime.now(UTC),
                             f"the URL is not under this hub's address {public_url}")
        _audit(session, None, {"status": FOREIGN_URL, "via": via,
                               "host": urlsplit(url).netloc[:200]})
        return found
    return verify(session, keyring, token, via, today)


def _ours(url: str, public_url: str) -> bool:
    given, ours = urlsplit(url), urlsplit(public_url)
    prefix = ours.path.rstrip("/")
    return (given.scheme.lower(), given.netloc.lower()) == (
        ours.scheme.lower(), ours.netloc.lower()) and given.path.startswith(
            (prefix + "/v/", prefix + "/V/"))


def check_pdf(session: Session, pdf_bytes: bytes, keyring: Keyring | None = None,
              via: str = "upload", today: date | None = None) -> PdfCheck:
    """Find the certificate whose PDF is exactly `pdf_bytes`; audit and commit the check.

    With a keyring the matched certificate's token is verified in full (an exact copy of a
    revoked certificate says revoked, one whose key was revoked says unknown_key); without
    one its status is the registry's (valid or revoked).
    """
    _check_via(via)
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    row = session.scalars(select(Certificate).where(Certificate.pdf_sha256 == digest)).first()
    now = datetime.now(UTC)
    if row is None:
        check = PdfCheck(NOT_ISSUED, digest, now)
    elif keyring is not None:
        check = PdfCheck(EXACT, digest, now, _judge(session, keyring, row.token, today))
    else:
        status = REVOKED if row.status == REVOKED else VALID
        check = PdfCheck(EXACT, digest, now, _confirmed(row, status, "registry status", now))
    status = check.verification.status if check.verification else None
    _audit(session, row.certificate_no if row else None,
           {"via": via, "pdf": check.match, "sha256": digest, "status": status})
    return check


def _judge(session: Session, keyring: Keyring, token: str, today: date | None) -> Verification:
    now = datetime.now(UTC)
    check = verify_token(token, keyring.verification_keys(), today)
    if check.status == UNKNOWN_KEY:
        keyring.reload()  # a key added by another process since this one loaded its keyring
        check = verify_token(token, keyring.verification_keys(), today)
    claimed = check.claims.number if check.claims else None
    if check.status not in (VALID, EXPIRED):
        return Verification(check.status, None, now, check.detail, claimed)
    row = session.get(Certificate, claimed)
    disagreement = _disagreement(row, token, check)
    if row is None or disagreement:
        return Verification(ALTERED, None, now, disagreement, claimed)
    status = REVOKED if row.status == REVOKED else check.status
    return _confirmed(row, status, check.detail, now,
                      check.claims.expires_on if check.claims else None)


def _confirmed(row: Certificate, status: str, reason: str, now: datetime,
               expires_on: date | None = None) -> Verification:
    revoked = status == REVOKED
    return Verification(status, CertificateDetails.of(row), now, reason, row.certificate_no,
                        expires_on, _utc(row.revoked_at) if revoked else None,
                        row.revoked_reason if revoked else None)


def _disagreement(row: Certificate | None, token: str, check: TokenCheck) -> str:
    """Why a signed token is not the one the registry issued; empty when it is."""
    claims = check.claims
    if row is None or claims is None:
        return "signed, but the registry has no such certificate"
    if row.token != token:
        return "signed, but not the token the registry issued for this number"
    if row.kid != check.kid:
        return "the registry's kid differs from the token's"
    if _short_digest(row.content_digest) != claims.digest:
        return "the registry's content digest differs from the token's"
    if row.issued_on != claims.issued_on:
        return "the registry's issue date differs from the token's"
    return ""


def _short_digest(full: str) -> str | None:
    """The token's `h` for a registry `content_digest`: its first 16 bytes, base64url."""
    try:
        raw = base64.urlsafe_b64decode(full + "=" * (-len(full) % 4))
    except (binascii.Error, ValueError):
        return None
    return base64.urlsafe_b64encode(raw[:_SHORT_DIGEST_BYTES]).rstrip(b"=").decode("ascii")


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _check_via(via: str) -> None:
    if via not in VIAS:
        raise ValueError(f"via must be one of {VIAS}, not {via!r}")


def _audit(session: Session, target: str | None, detail: dict[str, Any]) -> None:
    audit.record(session, actor=PUBLIC, role=PUBLIC, action=ACTION,
                 target=(target or UNKNOWN_TARGET)[:_TARGET_CHARS], detail=detail)
    session.commit()
