"""What a national platform client does with the hub: submit a request under its
`Idempotency-Key`, read it, fetch its result and certificates. Only its own requests.

The request itself is filed, read and advanced by `casework`; this adds the platform's
rules: the client must still be active, a key is bound to the request it first filed,
and a certificate is served only if the request lists it.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accounts.platform import active_client
from casework.models import CaseRequest
from casework.services import (
    apply_request_once,
    archive_names,
    get_request,
    readable_request,
    submission_fingerprint,
)
from casework.views import request_view
from certificates.issuing import CertificateNotFound
from certificates.models import Certificate
from certificates.tokens import verify_url
from federation import audit
from federation.config import HubSettings
from federation.identity import Identity
from federation.permissions import require
from national_api.outbound import CallbackRefused, check_url
from runtime.errors import DomainError, InvalidInput

API = "/national/api/v1"


class IdempotencyKeyReused(DomainError):
    """draft-ietf-httpapi-idempotency-key-header §2.7: the key was used for another payload."""

    status = 422
    title = "Idempotency-Key reused"


@dataclass(frozen=True)
class Submission:
    request: dict  # the request view
    created: bool  # False: the key's first request, returned again


def submit_request(session: Session, settings: HubSettings, identity: Identity, body: dict,
                   idempotency_key: str) -> Submission:
    """File the request, or return the one this client already filed under this key."""
    client = active_client(session, identity)
    if body.get("callback_url"):
        try:
            check_url(body["callback_url"], settings.guards.callbacks_allow_private)
        except CallbackRefused as exc:
            raise InvalidInput({"callback_url": [str(exc)]}) from exc
    body = {**body, "idempotency_key": idempotency_key,
            "callback_url": body.get("callback_url") or client.callback_url}
    existing = _by_key(session, identity, idempotency_key)
    if existing is not None:
        return _replay(session, settings, existing, body)
    view, created = apply_request_once(session, settings, settings.calendar, identity, body)
    if not created:  # the same key filed concurrently, and theirs stood
        existing = _by_key(session, identity, idempotency_key)
        assert existing is not None
        return _replay(session, settings, existing, body)
    return Submission(view, created=True)


def read_request(session: Session, settings: HubSettings, identity: Identity,
                 request_no: str) -> dict:
    active_client(session, identity)
    return get_request(session, settings, identity, request_no)


def request_result(session: Session, settings: HubSettings, identity: Identity,
                   request_no: str) -> dict:
    """Where the request ended (or that it has not yet), with its certificates."""
    active_client(session, identity)
    request = readable_request(session, identity, request_no)
    audit.looked_at(session, identity, "request.read", request_no, request.purpose,
                    {"what": "result"})
    names = archive_names(settings)
    certificates = [c for c in (session.get(Certificate, number)
                                for number in _certificate_nos(request)) if c is not None]
    pdf = _pdf_url(settings, request.request_no)
    return {
        "request_no": request.request_no,
        "state": request.state,
        "final": request.state in ("completed", "refused"),
        "closed_at": _utc(request.closed_at),
        "refusal_reason": request.refusal_reason,
        "certificates": [{
            "certificate_no": c.certificate_no, "display_no": c.display_no, "kind": c.kind,
            "issuing_archive": {"code": c.archive_code,
                                "name": names.get(c.archive_code, c.archive_name)},
            "issued_on": c.issued_on, "status": c.status, "revoked_reason": c.revoked_reason,
            "verify_url": verify_url(settings.public_url, c.token),
            "pdf_url": pdf(c.certificate_no)} for c in certificates],
    }


def certificate_of_request(session: Session, identity: Identity, request_no: str,
                           certificate_no: str) -> Certificate:
    """A certificate the request lists, for the client that submitted the request."""
    require(identity, "certificate.read")
    active_client(session, identity)
    request = readable_request(session, identity, request_no)
    certificate = (session.get(Certificate, certificate_no)
                   if certificate_no in _certificate_nos(request) else None)
    if certificate is None:
        raise CertificateNotFound(f"Request {request_no} has no certificate {certificate_no}.")
    audit.record(session, actor=identity.subject, role=identity.role,
                 action="certificate.fetched", target=certificate_no, purpose=request.purpose,
                 detail={"request_no": request_no})
    session.commit()
    return certificate


def _by_key(session: Session, identity: Identity, key: str) -> CaseRequest | None:
    return session.scalars(select(CaseRequest).where(
        CaseRequest.client_id == identity.client,
        CaseRequest.idempotency_key == key)).first()


def _replay(session: Session, settings: HubSettings, existing: CaseRequest,
            body: dict) -> Submission:
    """The first request again, if this is the same submission (the same fingerprint of
    the whole payload); the key reused for anything else is refused."""
    if existing.request_fingerprint != submission_fingerprint(body):
        raise IdempotencyKeyReused(
            f"Idempotency-Key {existing.idempotency_key!r} already filed request "
            f"{existing.request_no} with a different payload; use a new key for a new "
            "submission.")
    return Submission(request_view(session, existing, archive_names(settings)), created=False)


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every stored one is UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _certificate_nos(request: CaseRequest) -> list[str]:
    return list(json.loads(request.certificate_nos or "[]"))


def _pdf_url(settings: HubSettings, request_no: str) -> Callable[[str], str]:
    return lambda number: (f"{settings.public_url}{API}/requests/{request_no}"
                           f"/certificates/{number}/pdf")
