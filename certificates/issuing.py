"""Issuing and revoking certificates: who may, from which query, under which number.

A clerk issues in the name of their own archive, from a query they may read, listing
records of that query's answer; a citizen (app, kiosk) in the name of the archive holding
their own records; the cross-archive workflow through `issue_from_query`. A "no record
found" certificate needs a complete query in which no record is the subject's. Numbers are
sequential per archive and year, handed out inside the issuing transaction, and never
reused (a revoked number stays taken).
"""

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import CaseRequest
from certificates.models import Certificate, CertificateCounter
from certificates.pdf import (
    ArchiveAnswer,
    CertificateContent,
    CertificateRecord,
    UnprintableName,
    render_certificate,
)
from certificates.tokens import (
    CertificateClaims,
    Keyring,
    compact_number,
    content_digest,
    issue_token,
    mask_holder,
    mask_id_number,
    short_digest,
    verify_url,
)
from certificates.verify_codes import new_code
from certificates.wording import (
    RECORD_TYPE_WORDS,
    display_number,
    full_scope,
    record_summary,
    scope_text,
)
from federation import audit
from federation.config import HubSettings
from federation.identity import Identity
from federation.models import Query
from federation.permissions import require
from runtime.errors import DomainError, InvalidInput, PermissionDenied
from runtime.locked_rows import next_in_sequence
from schemas.id_numbers import InvalidIdNumber, parse_id_number

VERIFY_HINT = ("用手机扫描左侧二维码，核对本证明的真实性与有效性；无法扫描时，访问二维码下方的"
               "核验网址，输入证明编号和核验码。")


class CertificateNotFound(DomainError):
    status = 404
    title = "Certificate not found"


class IncompleteCoverage(DomainError):
    status = 409
    title = "Not every archive answered"


@dataclass(frozen=True)
class Issued:
    certificate: Certificate
    verify_url: str


def issue_certificate(session: Session, settings: HubSettings, keyring: Keyring,
                      identity: Identity, body: dict) -> Issued:
    """A clerk issues from a query of their archive, in their archive's name."""
    require(identity, "certificate.issue")
    query = readable_query(session, identity, body["query_id"])
    issued = issue_from_query(session, settings, keyring, identity, query,
                              body.get("record_ids") or [], identity.archive, body["purpose"])
    session.commit()
    return issued


def issue_for_self(session: Session, settings: HubSettings, keyring: Keyring,
                   identity: Identity, body: dict) -> Issued:
    """A citizen (app) or a person at a kiosk: their own records, from their own query, in
    the name of the one archive holding them (at a kiosk, only the kiosk's own archive)."""
    require(identity, "certificate.self_issue")
    query = session.get(Query, body["query_id"])
    if query is None or query.actor != identity.subject:
        raise InvalidInput({"query_id": ["No query with this id that you may use."]})
    record_ids = body.get("record_ids") or []
    if not record_ids:
        raise InvalidInput({"record_ids": ["Choose the records to certify."]})
    answer = json.loads(query.answer)
    holders = {r["archive"]["code"] for r in chosen_records(answer, record_ids)}
    if len(holders) != 1:
        raise InvalidInput({"record_ids": ["Records held by different archives are certified "
                                           "by each archive separately: choose one archive's."]})
    holding = holders.pop()
    if identity.role == "kiosk" and holding != identity.archive:
        raise PermissionDenied(f"This kiosk prints its own archive's records; records held by "
                               f"archive {holding} need a cross-archive request.")
    issued = issue_from_query(session, settings, keyring, identity, query, record_ids, holding,
                              body["purpose"])
    session.commit()
    return issued


def issue_from_query(session: Session, settings: HubSettings, keyring: Keyring,
                     identity: Identity, query: Query, record_ids: list[str],
                     archive_code: str | None, purpose: str) -> Issued:
    """Issue in `archive_code`'s name, in the caller's transaction (the caller has checked
    the permission and commits)."""
    answer = json.loads(query.answer)
    records = chosen_records(answer, record_ids)
    scope = searched_scope(query)
    if not records and scope is None:
        raise InvalidInput({"query_id": ["This search does not say what it covered (it was "
                                         "made before scopes were kept): search again."]})
    archive = _archive(settings, archive_code)
    subject = json.loads(query.subject)
    holder_name = subject.get("name") or _subject_name(answer) or "（姓名未提供）"
    today = datetime.now(UTC).date()
    sequence = next_in_sequence(session, CertificateCounter, archive["code"], today.year)
    number = compact_number(archive["code"], today.year, sequence)
    content = {
        "number": number,
        "display_no": display_number(archive["name"], today.year, sequence),
        "kind": "records" if records else "no_record",
        "archive": archive,
        "accepting_archive": _accepting_archive(session, settings, query, archive),
        "holder": {"name": holder_name, "id_number": mask_id_number(subject["id_number"])
                   if subject.get("id_number") else None},
        "purpose": purpose,
        "issued_on": today.isoformat(),
        "records": [{"record_id": r["record_id"], "record_type": r["record_type"],
                     "holding_archive": r["archive"]["name"],
                     "file_no": r["reference"].get("file_no"),
                     "summary": record_summary(r)} for r in records],
        "archives": [{"archive": n["archive"]["name"], "status": n["status"]}
                     for n in answer["nodes"]],
    }
    if scope is not None:  # what was searched: part of what the token's digest covers
        content["scope"] = scope
    holder_masked = mask_holder(holder_name, None)
    keyring.reload()  # `liancha keys rotate` may have run since the hub started
    token = issue_token(keyring, CertificateClaims(number, today, short_digest(content),
                                                   holder_masked, archive["code"]))
    url = verify_url(settings.public_url, token)
    code = new_code()
    try:
        pdf = render_certificate(replace(
            _pdf_content(content, url, settings), verify_code=code,
            verify_address=f"{settings.public_url.rstrip('/')}/v"))
    except UnprintableName as exc:
        raise InvalidInput({"subject.name": [
            f"{exc} Correct the name as the archive wrote it, or ask the platform to add a "
            "font that has this character; the certificate was not issued."]}) from exc
    certificate = Certificate(
        certificate_no=number, display_no=content["display_no"],
        archive_code=archive["code"], archive_name=archive["name"], year=today.year,
        sequence=sequence, query_id=query.query_id, kind=content["kind"],
        actor=identity.subject, purpose=purpose, holder_masked=holder_masked,
        holder_subject=_holder_subject(subject.get("id_number")),
        issued_on=today, issued_at=datetime.now(UTC),
        content=json.dumps(content, ensure_ascii=False, sort_keys=True),
        content_digest=content_digest(content), kid=keyring.active_kid, token=token,
        pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(), status="valid",
        verify_code=code,
    )
    session.add(certificate)
    _audit(session, identity, "certificate.issued", number, purpose,
           {"query_id": query.query_id, "records": len(records), "kind": content["kind"],
            "archive": archive["code"]})
    return Issued(certificate, url)


def get_certificate(session: Session, identity: Identity, number: str,
                    what: str = "entry") -> Certificate:
    """A certificate its reader may see; the look (`what`: its registry `entry`, its `pdf`)
    is audited."""
    certificate = readable_certificate(session, identity, number)
    audit.looked_at(session, identity, "certificate.read", number, certificate.purpose,
                    {"what": what})
    return certificate


def readable_certificate(session: Session, identity: Identity, number: str) -> Certificate:
    require(identity, "certificate.read")
    certificate = session.get(Certificate, number)
    if certificate is None or not _may_see(session, identity, certificate):
        raise CertificateNotFound(f"There is no certificate {number} that you may read.")
    return certificate


def revoke_certificate(session: Session, identity: Identity, number: str,
                       reason: str) -> Certificate:
    certificate = readable_certificate(session, identity, number)
    require(identity, "certificate.revoke")
    if identity.archive != certificate.archive_code:
        raise PermissionDenied("Only the issuing archive's clerks revoke its certificates.")
    if certificate.status != "revoked":
        certificate.status, certificate.revoked_reason = "revoked", reason
        certificate.revoked_at = datetime.now(UTC)
        _audit(session, identity, "certificate.revoked", number, None, {"reason": reason})
        session.commit()
    return certificate


def searched_scope(query: Query) -> dict | None:
    """The record types and date window the query searched (None: not kept, an old query)."""
    if not query.scope:
        return None
    scope = json.loads(query.scope)
    return {"record_types": scope["record_types"],
            "event_date_from": scope.get("event_date_from"),
            "event_date_to": scope.get("event_date_to")}


def readable_query(session: Session, identity: Identity, query_id: str) -> Query:
    query = session.get(Query, query_id)
    if query is None or not (query.actor == identity.subject or (
            identity.archive is not None and query.actor_archive == identity.archive)):
        raise InvalidInput({"query_id": ["No query with this id that you may use."]})
    return query


def chosen_records(answer: dict, record_ids: list[str]) -> list[dict]:
    by_id = {record["record_id"]: record for record in answer["records"]}
    unknown = [record_id for record_id in record_ids if record_id not in by_id]
    if unknown:
        raise InvalidInput({"record_ids": [f"Not in this query's answer: {', '.join(unknown)}."]})
    if record_ids:
        return [by_id[record_id] for record_id in dict.fromkeys(record_ids)]
    if not answer["complete"]:
        missing = [f"{n['archive']['name']} ({n['status']})" for n in answer["nodes"]
                   if n["status"] != "ok"]
        raise IncompleteCoverage("A no-record certificate needs every archive's answer; "
                                 f"these did not answer: {', '.join(missing)}.")
    if any(person["is_subject"] for person in answer["persons"]):
        raise InvalidInput({"record_ids": ["Records of the subject were found: list the "
                                           "ones to certify, or ask again."]})
    return []


def _archive(settings: HubSettings, code: str | None) -> dict:
    node = next((node for node in settings.nodes if node.code == code), None)
    if node is None:
        raise PermissionDenied(f"Archive {code} is not in this federation.")
    return {"code": node.code, "name": node.name}


def _subject_name(answer: dict) -> str | None:
    person = next((p for p in answer["persons"] if p["is_subject"]), None)
    return person["names"][0] if person and person["names"] else None


def _accepting_archive(session: Session, settings: HubSettings, query: Query,
                       archive: dict) -> dict:
    """受理: the archive that received the request the query served (a holding archive
    certifies in its own name what another archive accepted); outside a request, the
    issuing archive itself."""
    request = session.get(CaseRequest, query.request_no) if query.request_no else None
    if request is None or request.receiving_archive == archive["code"]:
        return archive
    name = settings.archive_names.get(request.receiving_archive)
    return {"code": request.receiving_archive, "name": name} if name else archive


def _pdf_content(content: dict, url: str, settings: HubSettings | None = None
                 ) -> CertificateContent:
    """What the PDF prints; with the issuing archive's own seal if `settings` has one."""
    code = content["archive"]["code"]
    return CertificateContent(
        certificate_no=content["display_no"], kind=content["kind"],
        issuing_archive=content["archive"]["name"],
        accepting_archive=(content.get("accepting_archive") or content["archive"])["name"],
        seal_art=settings.seals.get(code) if settings is not None else None,
        requester_name=content["holder"]["name"],
        requester_id_masked=content["holder"]["id_number"] or "（未提供）",
        purpose=content["purpose"], issued_on=date.fromisoformat(content["issued_on"]),
        records=[CertificateRecord(RECORD_TYPE_WORDS.get(r["record_type"], r["record_type"]),
                                   r["holding_archive"], r["file_no"], r["summary"])
                 for r in content["records"]],
        archives_searched=[ArchiveAnswer(a["archive"], a["status"])
                           for a in content["archives"]],
        verify_url=url, verify_hint=VERIFY_HINT,
        searched=scope_text(content.get("scope")), searched_everything=full_scope(
            content.get("scope")),
    )


def _holder_subject(raw: str | None) -> str | None:
    """`citizen:<18-character id>`: the form the holder's own token carries."""
    try:
        parsed = parse_id_number(raw)
    except InvalidIdNumber:
        return None
    return f"citizen:{parsed.normalized}" if parsed and parsed.valid else None


def _may_see(session: Session, identity: Identity, certificate: Certificate) -> bool:
    """Its holder, whoever asked for it, the issuing archive's clerks, and the platform
    client whose request it completes."""
    if identity.role in ("citizen", "kiosk"):
        return certificate.holder_subject == f"citizen:{identity.id_number}"
    if identity.role == "national":
        listed = session.scalars(select(CaseRequest.certificate_nos).where(
            CaseRequest.client_id == identity.client,
            CaseRequest.certificate_nos.contains(f'"{certificate.certificate_no}"')))
        return any(certificate.certificate_no in json.loads(nos) for nos in listed)
    return certificate.actor == identity.subject or (
        identity.role == "clerk" and identity.archive == certificate.archive_code)


def _audit(session: Session, identity: Identity, action: str, target: str,
           purpose: str | None, detail: dict) -> None:
    audit.record(session, actor=identity.subject, role=identity.role, action=action,
                 target=target, purpose=purpose, detail=detail)
