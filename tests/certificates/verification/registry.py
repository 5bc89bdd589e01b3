"""Certificate rows written straight into the registry, as the issuing side would leave them."""

import hashlib
import json
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from certificates.models import AuditEvent, Certificate
from certificates.tokens import (
    CertificateClaims,
    Keyring,
    canonical_content,
    compact_number,
    content_digest,
    issue_token,
    short_digest,
)
from federation.models import Query

ARCHIVE, ARCHIVE_NAME = "510500", "泸州市档案馆"
HOLDER = "张*华"
ISSUED_ON = date(2026, 3, 2)


def add_query(session: Session) -> str:
    query_id = uuid.uuid4().hex
    session.add(Query(query_id=query_id, created_at=datetime.now(UTC), actor="clerk-1",
                      role="clerk", actor_archive=ARCHIVE, purpose="办理退休工龄认定",
                      subject="{}", complete=True, took_ms=1.0, answer="{}"))
    session.commit()
    return query_id


def content(sequence: int) -> dict:
    return {"certificate_no": display_no(sequence), "holder": HOLDER, "issued_on": ISSUED_ON,
            "records": [{"type": "marriage", "file_no": f"LZ-M-{sequence}"}]}


def display_no(sequence: int) -> str:
    return f"泸档证〔{ISSUED_ON.year}〕第{sequence:06d}号"


def sign(keyring: Keyring, sequence: int, expires_on: date | None = None) -> str:
    claims = CertificateClaims(compact_number(ARCHIVE, ISSUED_ON.year, sequence), ISSUED_ON,
                               short_digest(content(sequence)), HOLDER, ARCHIVE, expires_on)
    return issue_token(keyring, claims)


def add_certificate(session: Session, keyring: Keyring, sequence: int, *,
                    expires_on: date | None = None, pdf: bytes | None = None,
                    verify_code: str | None = None) -> Certificate:
    """A registry row for certificate `sequence` of 2026 with a token from `keyring`."""
    token = sign(keyring, sequence, expires_on)
    pdf = pdf if pdf is not None else f"%PDF-1.7 certificate {sequence}".encode()
    row = Certificate(
        certificate_no=compact_number(ARCHIVE, ISSUED_ON.year, sequence),
        display_no=display_no(sequence), archive_code=ARCHIVE, archive_name=ARCHIVE_NAME,
        year=ISSUED_ON.year, sequence=sequence, query_id=add_query(session), kind="records",
        actor="clerk-1", purpose="办理退休工龄认定", holder_masked=HOLDER, issued_on=ISSUED_ON,
        issued_at=datetime.now(UTC), content=canonical_content(content(sequence)).decode(),
        content_digest=content_digest(content(sequence)), kid=keyring.active_kid, token=token,
        pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(), status="valid",
        verify_code=verify_code)
    session.add(row)
    session.commit()
    return row


def revoke(session: Session, row: Certificate, reason: str, at: datetime) -> None:
    row.status, row.revoked_at, row.revoked_reason = "revoked", at, reason
    session.commit()


def audit_details(session: Session) -> list[tuple[str, dict]]:
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    return [(event.target, json.loads(event.detail or "{}")) for event in events
            if event.action == "certificate.verified"]
