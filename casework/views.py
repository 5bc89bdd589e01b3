"""A request as every surface shows it: its steps with their due dates, each holding
archive's part, and its history."""

import json
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.calendar import local_date
from casework.models import CaseRequest, RequestAssist, RequestEvent
from schemas.fields import utc_iso

STATE_LABELS = {"applied": "已申请，待受理", "accepted": "已受理，协办中",
                "completed": "已办结", "refused": "不予办理"}
ASSIST_LABELS = {"pending": "查找中", "found": "已查到", "not_found": "未查到",
                 "refused": "不予协办"}


def request_view(session: Session, request: CaseRequest, names: Mapping[str, str] | None = None,
                 today: date | None = None) -> dict:
    names = names or {}
    today = today or local_date()
    assists = list(session.scalars(select(RequestAssist).where(
        RequestAssist.request_no == request.request_no).order_by(RequestAssist.archive_code)))
    events = list(session.scalars(select(RequestEvent).where(
        RequestEvent.request_no == request.request_no).order_by(RequestEvent.id)))
    open_ = request.state in ("applied", "accepted")
    return {
        "request_no": request.request_no,
        "channel": request.channel,
        "state": request.state,
        "state_label": STATE_LABELS[request.state],
        "subject": {"id_number": request.subject_id_number, "name": request.subject_name},
        "applicant": json.loads(request.applicant),
        "documents": json.loads(request.documents),
        "record_types": json.loads(request.record_types),
        "purpose": request.purpose,
        "note": request.note,
        "receiving_archive": _archive(request.receiving_archive, names),
        "applied_at": _iso(request.applied_at),
        "accept_due": request.accept_due.isoformat(),
        "accepted_at": _iso(request.accepted_at),
        "assist_due": request.assist_due.isoformat() if request.assist_due else None,
        "closed_at": _iso(request.closed_at),
        "refusal_reason": request.refusal_reason,
        "certificate_nos": json.loads(request.certificate_nos or "[]"),
        "overdue": open_ and _overdue(request, assists, today),
        "holding_archives": [{
            **_archive(assist.archive_code, names), "state": assist.state,
            "state_label": ASSIST_LABELS[assist.state], "answered_at": _iso(assist.answered_at),
            "certificate_no": assist.certificate_no, "query_id": assist.query_id,
            "note": assist.note} for assist in assists],
        "events": [{"at": _iso(e.at), "actor": e.actor, "role": e.role, "action": e.action,
                    "archive": e.archive_code, "from_state": e.from_state,
                    "to_state": e.to_state, "reason": e.reason} for e in events],
        "client_id": request.client_id,
        "idempotency_key": request.idempotency_key,
        "to_confirm": request.source_query_id is not None,
    }


def _overdue(request: CaseRequest, assists: list[RequestAssist], today: date) -> bool:
    if request.state == "applied":
        return request.accept_due < today
    return bool(request.assist_due and request.assist_due < today
                and any(a.state == "pending" for a in assists))


def _archive(code: str, names: Mapping[str, str]) -> dict:
    return {"code": code, "name": names.get(code, code)}


def _iso(moment: datetime | None) -> str | None:
    return utc_iso(moment)
