"""The steps after an application: 受理 acceptance, 协办 each holding archive's search,
办结 completion with certificates, or a refusal with its reason.

The receiving archive accepts (due 2 working days after application), each holding archive
searches its holdings and certifies what it finds in its own name (due 4 working days
after acceptance), and the receiving archive completes once every holding archive has
answered: with their certificates, or with a "no record" certificate from a query every
archive in scope answered. Every step is one transaction with its history entry.
"""

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import history
from casework.calendar import WorkingCalendar, local_date
from casework.models import CaseRequest, RequestAssist
from casework.services import archive_names, readable_request
from casework.views import request_view
from certificates.issuing import issue_from_query
from certificates.tokens import Keyring
from federation.config import HubSettings
from federation.errors import DomainError, InvalidInput, PermissionDenied
from federation.fanout import FanOut
from federation.identity import Identity
from federation.models import Query
from federation.permissions import require
from federation.services.queries import run_query


class WrongState(DomainError):
    status = 409
    title = "Not possible in this state"


def accept_request(session: Session, settings: HubSettings, calendar: WorkingCalendar,
                   identity: Identity, request_no: str, reason: str | None = None) -> dict:
    require(identity, "request.accept")
    request = _received(session, identity, request_no)
    _expect(request, "applied", "accepted")
    request.accepted_at = datetime.now(UTC)
    request.assist_due = calendar.add_working_days(local_date(request.accepted_at), 4)
    history.transition(session, identity, request, "accept", "applied", "accepted", reason)
    session.commit()
    return request_view(session, request, archive_names(settings))


def search_for_request(session: Session, settings: HubSettings, fanout: FanOut,
                       identity: Identity, request_no: str) -> dict:
    """Search for the request's subject, linked to the request: a holding clerk in their own
    archive, a receiving clerk in every archive asked (for a "no record" answer)."""
    request = readable_request(session, identity, request_no)
    if request.state != "accepted":
        raise WrongState(f"Request {request_no} is {request.state}; searches are made while "
                         "it is accepted.")
    assists = _assists(session, request)
    own = _assist_of(assists, identity)
    if own is not None and own.state == "pending":  # this archive's own part: its holdings
        require(identity, "request.assist")
        archives = [str(identity.archive)]
    elif request.receiving_archive == identity.archive:  # towards completion: every archive
        require(identity, "request.complete")
        archives = _scope(request, assists)
    else:
        raise PermissionDenied("Only the receiving and the holding archives search for it.")
    body = {"subject": {"id_number": request.subject_id_number, "name": request.subject_name},
            "record_types": json.loads(request.record_types), "archives": archives,
            "purpose": f"{request.purpose} ({request.request_no})"}
    return run_query(session, settings, fanout, identity, body, request_no=request.request_no)


def assist_request(session: Session, settings: HubSettings, keyring: Keyring,
                   identity: Identity, request_no: str, body: dict) -> dict:
    """A holding archive answers (协办): found (it certifies the records in its name) or not."""
    require(identity, "request.assist")
    request = readable_request(session, identity, request_no)
    assist = _assist_of(_assists(session, request), identity)
    if assist is None:
        raise PermissionDenied(f"Request {request_no} does not ask archive {identity.archive} "
                               "to search.")
    if request.state != "accepted" or assist.state != "pending":
        raise WrongState(f"Request {request_no} is {request.state} and archive "
                         f"{identity.archive}'s part is {assist.state}: nothing to answer now.")
    now = datetime.now(UTC)
    if body["outcome"] == "found":
        query = _request_query(session, request, identity, body.get("query_id"))
        held = _held_here(query, body.get("record_ids") or [], identity)
        issued = issue_from_query(session, settings, keyring, identity, query, held,
                                  identity.archive, request.purpose)
        assist.certificate_no, assist.query_id = issued.certificate.certificate_no, query.query_id
        request.certificate_nos = json.dumps(
            [*json.loads(request.certificate_nos or "[]"), assist.certificate_no])
    assist.state, assist.clerk, assist.answered_at = body["outcome"], identity.subject, now
    assist.note = body.get("note")
    history.transition(session, identity, request, "assist", "accepted", "accepted",
                       body.get("note") or body["outcome"], archive=identity.archive)
    session.commit()
    return request_view(session, request, archive_names(settings))


def complete_request(session: Session, settings: HubSettings, keyring: Keyring,
                     identity: Identity, request_no: str, body: dict) -> dict:
    """办结: with the holding archives' certificates, or a "no record" certificate."""
    require(identity, "request.complete")
    request = _received(session, identity, request_no)
    _expect(request, "accepted", "completed")
    pending = [a.archive_code for a in _assists(session, request) if a.state == "pending"]
    if pending:
        raise WrongState(f"Archives {', '.join(pending)} have not answered yet.")
    if not json.loads(request.certificate_nos or "[]"):
        require(identity, "certificate.no_record")
        query = _request_query(session, request, identity, body.get("query_id"))
        _covers_the_request(query, request, _scope(request, _assists(session, request)))
        issued = issue_from_query(session, settings, keyring, identity, query, [],
                                  identity.archive, request.purpose)
        request.certificate_nos = json.dumps([issued.certificate.certificate_no])
    request.closed_at = datetime.now(UTC)
    history.transition(session, identity, request, "complete", "accepted", "completed",
                       body.get("note"))
    session.commit()
    return request_view(session, request, archive_names(settings))


def refuse_request(session: Session, settings: HubSettings, identity: Identity,
                   request_no: str, reason: str) -> dict:
    """The receiving archive refuses the request before completion; a holding archive
    declines its own part while asked (the receiving archive then completes or refuses)."""
    require(identity, "request.refuse")
    request = readable_request(session, identity, request_no)
    if request.state not in ("applied", "accepted"):
        raise WrongState(f"Request {request_no} is already {request.state}.")
    if request.receiving_archive == identity.archive and identity.roles & {"receiving", "admin"}:
        state = request.state
        request.refusal_reason, request.closed_at = reason, datetime.now(UTC)
        history.transition(session, identity, request, "refuse", state, "refused", reason)
    else:
        assist = _assist_of(_assists(session, request), identity)
        if assist is None or assist.state != "pending" or request.state != "accepted" \
                or not identity.roles & {"holding", "admin"}:
            raise PermissionDenied("Only the receiving archive refuses a request; a holding "
                                   "archive declines only its own pending part.")
        assist.state, assist.clerk, assist.answered_at = "refused", identity.subject, \
            datetime.now(UTC)
        assist.note = reason
        history.transition(session, identity, request, "decline", "accepted", "accepted",
                           reason, archive=identity.archive)
    session.commit()
    return request_view(session, request, archive_names(settings))


def _received(session: Session, identity: Identity, request_no: str) -> CaseRequest:
    request = readable_request(session, identity, request_no)
    if request.receiving_archive != identity.archive:
        raise PermissionDenied(f"Request {request_no} was received by archive "
                               f"{request.receiving_archive}; its clerks take this step.")
    return request


def _expect(request: CaseRequest, state: str, target: str) -> None:
    if request.state != state:
        raise WrongState(f"Request {request.request_no} is {request.state}; it must be "
                         f"{state} to become {target}.")


def _assists(session: Session, request: CaseRequest) -> list[RequestAssist]:
    return list(session.scalars(select(RequestAssist).where(
        RequestAssist.request_no == request.request_no)))


def _scope(request: CaseRequest, assists: list[RequestAssist]) -> list[str]:
    """Every archive a "no record" answer speaks for: the holding ones and the receiving."""
    return sorted({a.archive_code for a in assists} | {request.receiving_archive})


def _assist_of(assists: list[RequestAssist], identity: Identity) -> RequestAssist | None:
    return next((a for a in assists if a.archive_code == identity.archive), None)


def _request_query(session: Session, request: CaseRequest, identity: Identity,
                   query_id: str | None) -> Query:
    query = session.get(Query, query_id) if query_id else None
    if query is None or query.request_no != request.request_no \
            or query.actor_archive != identity.archive:
        raise InvalidInput({"query_id": ["Give the id of a search your archive made for this "
                                         "request (search first)."]})
    return query


def _covers_the_request(query: Query, request: CaseRequest, archives: list[str]) -> None:
    """A no-record certificate speaks for every archive and record type of the request, and
    for no narrower search."""
    searched = {n["archive"]["code"] for n in json.loads(query.answer)["nodes"]}
    missing = sorted(set(archives) - searched)
    if missing:
        raise InvalidInput({"query_id": [f"This search left out {', '.join(missing)}: a "
                                         "no-record certificate needs a search of every "
                                         "archive of the request."]})
    scope = json.loads(query.scope or "{}")
    types = set(json.loads(request.record_types)) - set(scope.get("record_types") or ())
    if not scope or types or scope.get("event_date_from") or scope.get("event_date_to"):
        raise InvalidInput({"query_id": ["This search did not cover every record type of the "
                                         "request, or was narrowed by date: search again "
                                         "(检索全部)."]})


def _held_here(query: Query, record_ids: list[str], identity: Identity) -> list[str]:
    if not record_ids:
        raise InvalidInput({"record_ids": ["List the records found, or answer not_found."]})
    by_id = {r["record_id"]: r for r in json.loads(query.answer)["records"]}
    elsewhere = [rid for rid in record_ids
                 if rid in by_id and by_id[rid]["archive"]["code"] != identity.archive]
    if elsewhere:
        raise InvalidInput({"record_ids": [f"Held by another archive: {', '.join(elsewhere)}; "
                                           "each archive certifies its own records."]})
    return record_ids
