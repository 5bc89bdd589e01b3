"""A request's transitions: each one persisted with who, when and why, written into the
audit chain, and queued for the national platform when the request came from it."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from casework import callbacks
from casework.models import CaseRequest, RequestEvent
from federation import audit
from federation.identity import Identity


def transition(session: Session, identity: Identity, request: CaseRequest, action: str,
               from_state: str | None, to_state: str, reason: str | None = None,
               archive: str | None = None) -> RequestEvent:
    """Record one step, in the caller's transaction (the caller commits)."""
    request.state = to_state
    event = RequestEvent(request_no=request.request_no, at=datetime.now(UTC),
                         actor=identity.subject, role=_role(identity), action=action,
                         archive_code=archive or identity.archive, from_state=from_state,
                         to_state=to_state, reason=reason)
    session.add(event)
    session.flush()
    audit.record(session, actor=identity.subject, role=identity.role,
                 action=f"request.{action}", target=request.request_no,
                 purpose=request.purpose,
                 detail={"from": from_state, "to": to_state, "reason": reason,
                         "archive": event.archive_code})
    if request.channel == "national":
        callbacks.enqueue(session, request, event)
    return event


def _role(identity: Identity) -> str:
    if identity.role == "clerk":
        return "clerk:" + ",".join(sorted(identity.roles))
    return identity.role
