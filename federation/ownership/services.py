"""The query side of ownership: clerks' earlier decisions about a citizen, and the
candidates a citizen's query offered, kept for the request that may confirm them."""

import json

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from federation.ownership.claims import Claim
from federation.ownership.context import Decision
from federation.ownership.models import OwnershipDecision, QueryCandidate

#: what the app and the kiosk say when records wait for a clerk (the issue's wording)
TO_CONFIRM_NOTICE = "在以下档案馆还有可能属于您的档案，需要工作人员核实"


def decisions_about(session: Session, id_number: str) -> list[Decision]:
    """Every confirmation or rejection of a record as this citizen's."""
    rows = session.scalars(select(OwnershipDecision).where(
        OwnershipDecision.subject_id_number == id_number))
    return [Decision(row.record_id, row.party, row.decision, row.archive_code,
                     row.decided_at, row.request_no) for row in rows]


def keep_candidates(session: Session, query_id: str, offered: list[Claim]) -> None:
    """The offered claims of a query, with their evidence (in the query's transaction)."""
    rows = {}
    for claim in offered:
        rows[(claim.party.record_id, claim.party.index)] = {
            "query_id": query_id, "record_id": claim.party.record_id,
            "party": claim.party.index, "role": claim.party.role,
            "archive_code": claim.archive_code,
            "odds": None if claim.by_id else round(claim.odds, 3),
            "reasons": json.dumps([reason.to_dict() for reason in claim.reasons],
                                  ensure_ascii=False)}
    if rows:
        session.execute(insert(QueryCandidate), list(rows.values()))
