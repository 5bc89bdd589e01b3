"""Status changes of a national platform request, queued for its callback URL.

`enqueue` adds the delivery in the transition's transaction, so a change is pushed only
if it was committed, and has it sent as soon as that commits; `national_api.delivery`
sends, signs and retries them.
"""

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from casework.models import CallbackDelivery, CaseRequest, RequestEvent
from federation.background import send_after_commit
from schemas.fields import utc_iso


def status_payload(request: CaseRequest, event: RequestEvent) -> dict:
    return {
        "request_no": request.request_no,
        "idempotency_key": request.idempotency_key,
        "state": request.state,
        "event": {"id": event.id, "action": event.action, "at": utc_iso(event.at),
                  "archive": event.archive_code, "reason": event.reason},
        "certificate_nos": json.loads(request.certificate_nos or "[]"),
    }


def enqueue(session: Session, request: CaseRequest, event: RequestEvent) -> None:
    if not request.callback_url or not request.client_id:
        return
    now = datetime.now(UTC)
    session.add(CallbackDelivery(
        request_no=request.request_no, client_id=request.client_id, url=request.callback_url,
        payload=json.dumps(status_payload(request, event), ensure_ascii=False, sort_keys=True),
        created_at=now, attempts=0, next_attempt_at=now))
    send_after_commit(session, "deliver_callbacks")
