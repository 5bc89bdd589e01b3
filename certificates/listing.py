"""The certificates a person holds: "my certificates" in the app (and at a kiosk).

A certificate's holder is the subject of the query it was issued from (`holder_subject`,
`citizen:<id number>`), whoever asked for it: the person themselves, or a holding
archive answering their cross-archive request.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from certificates.models import Certificate
from federation import audit
from federation.identity import Identity
from federation.permissions import require
from runtime.errors import PermissionDenied

LIMIT = 500  # a person holds a handful; the cap only bounds a pathological answer


def held_certificates(session: Session, identity: Identity) -> list[Certificate]:
    """The caller's own certificates, newest first, revoked ones included (with status)."""
    require(identity, "certificate.read")
    if identity.person is None or not identity.id_number:
        raise PermissionDenied("Only a person acting for themselves lists the certificates "
                               "they hold.")
    statement = (
        select(Certificate)
        .where(Certificate.holder_subject == f"citizen:{identity.id_number}")
        .order_by(Certificate.issued_at.desc(), Certificate.certificate_no.desc())
        .options(defer(Certificate.pdf))  # a listing never sends the PDFs
        .limit(LIMIT)
    )
    held = list(session.scalars(statement))
    audit.looked_at(session, identity, "certificates.listed", str(identity.subject),
                    detail={"certificates": [c.certificate_no for c in held]})
    return held
