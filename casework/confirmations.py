"""Records that may be a citizen's, confirmed or rejected by the archive that holds them.

A citizen's query shows the records that are surely theirs and counts the others that may
be (`to_confirm`). One step turns those into a cross-archive request whose holding archives
are where they are (`apply_to_confirm`); each holding archive's clerk reads its candidate
records with the evidence for and against each (`request_candidates`) and confirms or
rejects each one (`decide_candidate`). The hub keeps every decision (who, when, on what
evidence, for which request) and the citizen's later queries follow it: a confirmed record
is shown, a rejected one is not offered again. Both are in the audit record.
"""

import json
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import CaseRequest, RequestAssist
from casework.services import apply_request, readable_request
from federation import audit
from federation.config import HubSettings
from federation.errors import DomainError, InvalidInput, PermissionDenied
from federation.identity import Identity
from federation.merge.parties import mask_id
from federation.models import NodeAnswer, Query
from federation.ownership.context import CONFIRMED, REJECTED
from federation.ownership.models import OwnershipDecision, QueryCandidate
from federation.permissions import require

DEFAULT_PURPOSE = "核实可能属于本人的档案"


class CandidateNotFound(DomainError):
    status = 404
    title = "Candidate not found"


def apply_to_confirm(session: Session, settings: HubSettings, identity: Identity,
                     body: dict) -> dict:
    """File a request to confirm what the caller's own query offered (`to_confirm`): the
    holding archives are those holding the candidates; the receiving archive is the one
    named, the kiosk's, or the one holding most of them."""
    require(identity, "request.apply")
    query = _own_query(session, identity, body["query_id"])
    open_ones = _undecided(session, query.query_id, str(identity.id_number))
    if not open_ones:
        raise InvalidInput({"query_id": ["This query offered no records to confirm (or they "
                                         "are decided already)."]})
    held = Counter(candidate.archive_code for candidate in open_ones)
    order = list(settings.archive_names)
    holding = sorted(held, key=lambda code: order.index(code) if code in order else len(order))
    receiving = body.get("receiving_archive") or (
        identity.archive if identity.role == "kiosk" else max(holding, key=held.__getitem__))
    application = {"purpose": body.get("purpose") or DEFAULT_PURPOSE,
                   "holding_archives": holding, "receiving_archive": receiving,
                   "note": body.get("note") or _note(held, settings.archive_names)}
    return apply_request(session, settings, settings.calendar, identity, application,
                         source_query_id=query.query_id)


def request_candidates(session: Session, settings: HubSettings, identity: Identity,
                       request_no: str) -> list[dict]:
    """The candidate records a request asks the clerk's archive to confirm: each record as
    the archive answered it, the reasons for and against, and the decision if taken."""
    require(identity, "candidate.read")
    request, _ = _holding_part(session, identity, request_no)
    candidates = _candidates(session, request, str(identity.archive))
    records = _answered_records(session, str(request.source_query_id), str(identity.archive))
    decided = _decisions(session, request.subject_id_number)
    listed = [_view(candidate, records.get(candidate.record_id), decided.get(
        (candidate.record_id, candidate.party))) for candidate in candidates]
    audit.record(session, actor=identity.subject, role=identity.role,
                 action="candidates.viewed", target=request_no, purpose=request.purpose,
                 detail={"records": [c.record_id for c in candidates]})
    session.commit()
    return listed


def decide_candidate(session: Session, settings: HubSettings, identity: Identity,
                     request_no: str, body: dict) -> dict:
    """Confirm or reject one candidate as the request's subject's (the clerk's archive holds
    it, and its part of the request is open)."""
    require(identity, "candidate.decide")
    request, assist = _holding_part(session, identity, request_no)
    if request.state != "accepted" or assist.state != "pending":
        raise PermissionDenied(f"Request {request_no} is {request.state} and this archive's "
                               f"part is {assist.state}: decisions are taken while it searches.")
    candidate = next((c for c in _candidates(session, request, str(identity.archive))
                      if (c.record_id, c.party) == (body["record_id"], body["party"])), None)
    if candidate is None:
        raise CandidateNotFound(f"Request {request_no} offers this archive no record "
                                f"{body['record_id']} (party {body['party']}) to confirm.")
    decision = _upsert(session, request, candidate, identity, body)
    audit.record(session, actor=identity.subject, role=identity.role,
                 action=f"ownership.{decision.decision}", target=candidate.record_id,
                 purpose=request.purpose,
                 detail={"request_no": request_no, "party": candidate.party,
                         "subject": mask_id(request.subject_id_number),
                         "evidence": json.loads(candidate.reasons), "note": body.get("note")})
    session.commit()
    records = _answered_records(session, str(request.source_query_id), str(identity.archive))
    return _view(candidate, records.get(candidate.record_id), decision)


def _own_query(session: Session, identity: Identity, query_id: str) -> Query:
    query = session.get(Query, query_id)
    if identity.person is None or query is None or query.actor != identity.subject:
        raise InvalidInput({"query_id": ["Give the id of one of your own queries."]})
    return query


def _undecided(session: Session, query_id: str, id_number: str) -> list[QueryCandidate]:
    decided = _decisions(session, id_number)
    return [c for c in session.scalars(select(QueryCandidate).where(
        QueryCandidate.query_id == query_id)) if (c.record_id, c.party) not in decided]


def _note(held: Counter, names: dict[str, str]) -> str:
    parts = [f"{names.get(code, code)}{count}份" for code, count in held.items()]
    return "请核实查询中可能属于本人的档案：" + "、".join(parts)


def _holding_part(session: Session, identity: Identity, request_no: str
                  ) -> tuple[CaseRequest, RequestAssist]:
    request = readable_request(session, identity, request_no)
    assist = session.get(RequestAssist, (request.request_no, str(identity.archive)))
    if request.source_query_id is None or assist is None:
        raise PermissionDenied(f"Request {request_no} asks archive {identity.archive} to "
                               "confirm no records.")
    return request, assist


def _candidates(session: Session, request: CaseRequest, archive: str) -> list[QueryCandidate]:
    return list(session.scalars(select(QueryCandidate).where(
        QueryCandidate.query_id == request.source_query_id,
        QueryCandidate.archive_code == archive).order_by(QueryCandidate.record_id,
                                                         QueryCandidate.party)))


def _answered_records(session: Session, query_id: str, archive: str) -> dict[str, dict]:
    """The archive's records as its signed answer to the query gave them."""
    body = session.scalar(select(NodeAnswer.body).where(
        NodeAnswer.query_id == query_id, NodeAnswer.archive_code == archive))
    if not body:
        return {}
    return {record["record_id"]: record for record in json.loads(body)["records"]}


def _decisions(session: Session, id_number: str) -> dict[tuple[str, int], OwnershipDecision]:
    rows = session.scalars(select(OwnershipDecision).where(
        OwnershipDecision.subject_id_number == id_number))
    return {(row.record_id, row.party): row for row in rows}


def _upsert(session: Session, request: CaseRequest, candidate: QueryCandidate,
            identity: Identity, body: dict) -> OwnershipDecision:
    decision = session.scalar(select(OwnershipDecision).where(
        OwnershipDecision.subject_id_number == request.subject_id_number,
        OwnershipDecision.record_id == candidate.record_id,
        OwnershipDecision.party == candidate.party))
    if decision is None:
        decision = OwnershipDecision(subject_id_number=request.subject_id_number,
                                     record_id=candidate.record_id, party=candidate.party)
        session.add(decision)
    decision.role = candidate.role
    decision.decision = CONFIRMED if body["decision"] == CONFIRMED else REJECTED
    decision.archive_code = str(identity.archive)
    decision.clerk = identity.subject
    decision.decided_at = datetime.now(UTC)
    decision.request_no = request.request_no
    decision.note = body.get("note")
    decision.evidence = candidate.reasons
    session.flush()
    return decision


def _view(candidate: QueryCandidate, record: dict | None,
          decision: OwnershipDecision | None) -> dict:
    reasons = json.loads(candidate.reasons)
    return {
        "record_id": candidate.record_id, "party": candidate.party, "role": candidate.role,
        "archive_code": candidate.archive_code, "odds": candidate.odds,
        "reasons_for": [r for r in reasons if _side(r) == "for"],
        "reasons_against": [r for r in reasons if _side(r) == "against"],
        "record": record,
        "decision": None if decision is None else {
            "decision": decision.decision, "decided_at": decision.decided_at,
            "archive_code": decision.archive_code, "note": decision.note},
    }


def _side(reason: dict) -> str:
    return str(reason["side"])
