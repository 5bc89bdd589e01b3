"""Applying for a cross-archive request, reading it, and listing a clerk's work.

Every surface applies through `apply_request`: a citizen (app) or a person at a kiosk for
themselves, a receiving clerk at the counter, the national platform for a requester whose
authorization documents it sends. The transitions after that are in `transitions`.
"""

import hashlib
import json
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework import history
from casework.calendar import WorkingCalendar, local_date
from casework.models import CaseRequest, RequestAssist, RequestCounter
from casework.views import request_view
from federation import audit
from federation.config import HubSettings
from federation.errors import DomainError, InvalidInput
from federation.identity import Identity
from federation.permissions import require
from runtime.locked_rows import next_in_sequence
from schemas.fields import RECORD_TYPES
from schemas.id_numbers import InvalidIdNumber, parse_id_number

CHANNEL_OF_ROLE = {"citizen": "app", "kiosk": "kiosk", "clerk": "counter", "national": "national"}


class RequestNotFound(DomainError):
    status = 404
    title = "Request not found"


def apply_request(session: Session, settings: HubSettings, calendar: WorkingCalendar,
                  identity: Identity, body: dict, source_query_id: str | None = None) -> dict:
    """File a request (申请); a platform client's repeated `Idempotency-Key` returns the
    request it already filed and files nothing new. A request to confirm the records a
    citizen's query offered names that query (`casework.confirmations`)."""
    return apply_request_once(session, settings, calendar, identity, body,
                              source_query_id)[0]


def apply_request_once(session: Session, settings: HubSettings, calendar: WorkingCalendar,
                       identity: Identity, body: dict, source_query_id: str | None = None
                       ) -> tuple[dict, bool]:
    """The request, and whether this call filed it (False: its Idempotency-Key had)."""
    require(identity, "request.apply")
    if identity.role == "national":
        existing = _by_idempotency_key(session, identity.client, body.get("idempotency_key"))
        if existing is not None:
            return request_view(session, existing, archive_names(settings)), False
    subject, applicant, documents = _parties(identity, body)
    receiving = _receiving_archive(settings, identity, body)
    holding = _holding_archives(settings, body.get("holding_archives"), receiving)
    national = identity.role == "national"
    try:
        request = _file(session, calendar, identity, body, subject, applicant, documents,
                        receiving, holding)
        request.source_query_id = source_query_id
        history.transition(session, identity, request, "apply", None, "applied",
                           body.get("note"))
        session.commit()
    except IntegrityError:  # the same Idempotency-Key, filed concurrently: theirs stands
        session.rollback()
        existing = _by_idempotency_key(session, identity.client,
                                       body.get("idempotency_key")) if national else None
        if existing is None:
            raise
        return request_view(session, existing, archive_names(settings)), False
    return request_view(session, request, archive_names(settings)), True


def submission_fingerprint(body: dict) -> str:
    """What a platform submission says, whatever the order of its fields or its key."""
    payload = {key: value for key, value in body.items() if key != "idempotency_key"}
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _file(session: Session, calendar: WorkingCalendar, identity: Identity, body: dict,
          subject: dict, applicant: dict, documents: list[dict], receiving: str,
          holding: list[str]) -> CaseRequest:
    national = identity.role == "national"
    now = datetime.now(UTC)
    request = CaseRequest(
        request_no=_next_request_no(session, receiving, now.year),
        channel=CHANNEL_OF_ROLE[identity.role], receiving_archive=receiving,
        subject_id_number=subject["id_number"], subject_name=subject["name"],
        applicant=json.dumps(applicant, ensure_ascii=False),
        documents=json.dumps(documents, ensure_ascii=False),
        record_types=json.dumps(body.get("record_types") or list(RECORD_TYPES)),
        purpose=body["purpose"], note=body.get("note"), state="applied", actor=identity.subject,
        applied_at=now, accept_due=calendar.add_working_days(local_date(now), 2),
        certificate_nos="[]", client_id=identity.client,
        idempotency_key=body.get("idempotency_key") if national else None,
        request_fingerprint=submission_fingerprint(body) if national else None,
        callback_url=body.get("callback_url") if national else None,
    )
    session.add(request)
    session.flush()  # a concurrent twin under the same Idempotency-Key fails here
    for code in holding:
        session.add(RequestAssist(request_no=request.request_no, archive_code=code,
                                  state="pending"))
    return request


def get_request(session: Session, settings: HubSettings, identity: Identity,
                request_no: str) -> dict:
    """A request and its history, for whoever may read it (the look is audited)."""
    request = readable_request(session, identity, request_no)
    view = request_view(session, request, archive_names(settings))
    audit.looked_at(session, identity, "request.read", request_no, request.purpose)
    return view


def archive_names(settings: HubSettings) -> dict[str, str]:
    return settings.archive_names


def readable_request(session: Session, identity: Identity, request_no: str) -> CaseRequest:
    require(identity, "request.read")
    request = session.get(CaseRequest, request_no)
    if request is None or not _may_read(session, identity, request):
        raise RequestNotFound(f"There is no request {request_no} that you may read.")
    return request


def list_requests(session: Session, settings: HubSettings, identity: Identity,
                  state: str | None = None) -> list[dict]:
    """A citizen's own requests, a client's submissions, or a clerk's archive's work."""
    require(identity, "request.read")
    statement = select(CaseRequest).order_by(CaseRequest.applied_at.desc())
    if identity.person is not None:
        statement = statement.where(CaseRequest.subject_id_number == identity.id_number)
    elif identity.role == "national":
        statement = statement.where(CaseRequest.client_id == identity.client)
    else:
        require(identity, "request.list")
        asked = select(RequestAssist.request_no).where(
            RequestAssist.archive_code == identity.archive)
        statement = statement.where(or_(CaseRequest.receiving_archive == identity.archive,
                                        CaseRequest.request_no.in_(asked)))
    if state:
        statement = statement.where(CaseRequest.state == state)
    names = archive_names(settings)
    views = [request_view(session, request, names)
             for request in session.scalars(statement.limit(500))]
    audit.looked_at(session, identity, "requests.listed", str(identity.archive or
                                                               identity.subject),
                    detail={"state": state, "requests": [v["request_no"] for v in views]})
    return views


def overdue_requests(session: Session, settings: HubSettings, identity: Identity,
                     today: date | None = None) -> list[dict]:
    """What the clerk's archive owes late: acceptances past 2 working days, searches past 4."""
    require(identity, "request.list")
    today = today or local_date()
    late_acceptance = select(CaseRequest).where(
        CaseRequest.state == "applied", CaseRequest.receiving_archive == identity.archive,
        CaseRequest.accept_due < today)
    late_search = select(CaseRequest).join(
        RequestAssist, RequestAssist.request_no == CaseRequest.request_no).where(
        CaseRequest.state == "accepted", RequestAssist.archive_code == identity.archive,
        RequestAssist.state == "pending", CaseRequest.assist_due < today)
    late = {r.request_no: r for r in session.scalars(late_acceptance)}
    late.update({r.request_no: r for r in session.scalars(late_search)})
    names = archive_names(settings)
    views = [request_view(session, request, names, today=today)
             for request in sorted(late.values(), key=lambda r: r.applied_at)]
    audit.looked_at(session, identity, "requests.listed", str(identity.archive),
                    detail={"overdue": True, "requests": [v["request_no"] for v in views]})
    return views


def _may_read(session: Session, identity: Identity, request: CaseRequest) -> bool:
    if identity.person is not None:
        return request.subject_id_number == identity.id_number
    if identity.role == "national":
        return request.client_id == identity.client
    if request.receiving_archive == identity.archive:
        return True
    return session.get(RequestAssist, (request.request_no, identity.archive)) is not None


def _by_idempotency_key(session: Session, client: str | None, key: str | None
                        ) -> CaseRequest | None:
    if not key:
        raise InvalidInput({"Idempotency-Key": ["Every submission carries an Idempotency-Key "
                                                "header."]})
    return session.scalars(select(CaseRequest).where(
        CaseRequest.client_id == client, CaseRequest.idempotency_key == key)).first()


def _parties(identity: Identity, body: dict) -> tuple[dict, dict, list[dict]]:
    """The subject, who applies for them, and the documents that authorize it."""
    person = identity.person
    if person is not None:  # verified by the identity provider, or the ID card at the kiosk
        how = ("identity verified by the app's identity provider" if identity.role == "citizen"
               else f"ID card read at kiosk {identity.device}")
        return dict(person), {**person, "relation": "self"}, [
            {"kind": "identity_verified", "note": how}]
    subject = body.get("subject") or {}
    errors: dict[str, list[str]] = {}
    if not subject.get("id_number") or not subject.get("name"):
        errors["subject"] = ["The request names its subject with id_number and name."]
    if not body.get("documents"):
        errors["documents"] = ["Record the requester's identity and authorization documents "
                               "(e.g. ID card, letter of authorization)."]
    if errors:
        raise InvalidInput(errors)
    applicant = body.get("applicant") or {**subject, "relation": "self"}
    return ({"id_number": canonical_id(subject["id_number"]), "name": subject["name"]},
            applicant, list(body["documents"]))


def canonical_id(raw: str) -> str:
    """The 18-character form (a 15-digit number upgraded, `x` as `X`), as the person's
    own identity token will carry it, so that their app finds the request."""
    try:
        parsed = parse_id_number(raw)
    except InvalidIdNumber as exc:
        raise InvalidInput({"subject.id_number": [str(exc)]}) from exc
    if parsed is None or not parsed.valid:
        raise InvalidInput({"subject.id_number": ["Not a valid resident id number (check "
                                                  "character or birth date)."]})
    return parsed.normalized


def _receiving_archive(settings: HubSettings, identity: Identity, body: dict) -> str:
    if identity.role in ("clerk", "kiosk"):
        return str(identity.archive)
    code = body.get("receiving_archive")
    if not code:
        raise InvalidInput({"receiving_archive": ["Name the archive that receives the "
                                                  "request (where the result is handed out)."]})
    _check_known(settings, [code], "receiving_archive")
    return code


def _holding_archives(settings: HubSettings, asked: list[str] | None, receiving: str
                      ) -> list[str]:
    """The archives asked to search: those named, or every other archive of the federation."""
    if asked:
        _check_known(settings, asked, "holding_archives")
        return list(dict.fromkeys(asked))
    return [node.code for node in settings.nodes if node.code != receiving]


def _check_known(settings: HubSettings, codes: list[str], field: str) -> None:
    known = {node.code for node in settings.nodes}
    unknown = sorted(set(codes) - known)
    if unknown:
        raise InvalidInput({field: [f"Not in this federation: {', '.join(unknown)}."]})


def _next_request_no(session: Session, archive: str, year: int) -> str:
    return f"SQ{archive}-{year}-{next_in_sequence(session, RequestCounter, archive, year):05d}"
