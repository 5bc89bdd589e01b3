"""A query across archives: who may ask what, the fan-out, the merge, and the record of it.

A citizen asks about themselves only (the subject comes from their token) and is shown
only the records in which they are a party beyond reasonable doubt (`federation.ownership`);
the others that may be theirs are counted, per archive, in `to_confirm`. A clerk names the
subject and also sees lower-confidence candidates.
"""

import json
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from federation import audit
from federation.config import HubSettings
from federation.errors import InvalidInput, PermissionDenied, QueryNotFound
from federation.fanout import FanOut, NodeOutcome
from federation.fanout.outcomes import ANSWERED
from federation.identity import Identity
from federation.merge import group_persons
from federation.models import NodeAnswer, Query
from federation.ownership import NameContext, citizen_answer, weigh
from federation.ownership.services import TO_CONFIRM_NOTICE, decisions_about, keep_candidates
from federation.permissions import require
from runtime.metrics import count_fanout
from runtime.observability import request_age_s
from schemas.fields import RECORD_TYPES
from schemas.id_numbers import InvalidIdNumber, parse_id_number

# what the hub keeps of a query's overall deadline to merge, record and send the answer,
# even when it is busy: a fifth of it, at least 100 ms
ANSWER_RESERVE = 0.2
ANSWER_RESERVE_MIN_S = 0.1


def run_query(session: Session, settings: HubSettings, fanout: FanOut, identity: Identity,
              body: dict, request_no: str | None = None) -> dict:
    started = time.perf_counter()
    subject = _subject(identity, body)
    archives = _scope(settings, body.get("archives"))
    query_id = uuid.uuid4().hex
    request = {
        "subject": subject,
        "purpose": body["purpose"],
        "request_id": query_id,
        **{key: body[key] for key in ("record_types", "event_date_from", "event_date_to")
           if body.get(key)},
    }
    # the deadline counts from the request's arrival, and leaves time to answer
    reserve_s = max(ANSWER_RESERVE_MIN_S, ANSWER_RESERVE * settings.overall_deadline_s)
    within_s = settings.overall_deadline_s - request_age_s() - reserve_s
    outcomes = fanout.search(request, archives, cache_scope=_cache_scope(identity),
                             within_s=within_s)
    count_fanout(outcomes)  # per-archive outcomes and latencies for /metrics
    records = sorted((r for o in outcomes if o.status == "ok" for r in o.records),
                     key=lambda r: (-r["match"]["score"], r["record_id"]))
    offered: list = []
    if identity.person is not None:  # a citizen, or a person at a kiosk: only their own
        context = NameContext.of(outcomes, decisions_about(session, subject["id_number"]))
        ownership = weigh(records, subject, context)
        names = {**settings.archive_names,  # and the archives below lower hubs
                 **{o.archive["code"]: o.archive["name"] for o in outcomes}}
        persons, records, to_confirm = citizen_answer(ownership, records, names)
        offered = ownership.offered
    else:
        persons = [person.to_dict() for person in group_persons(records, subject)]
    answer = {
        "query_id": query_id,
        # an archive whose fresh locator holds none of the subject's keys has answered too
        "complete": all(o.status in ANSWERED for o in outcomes),
        "persons": persons,
        "records": records,
        "nodes": [_status(outcome) for outcome in outcomes],
    }
    if identity.person is not None:
        answer["to_confirm"] = to_confirm
        answer["to_confirm_notice"] = TO_CONFIRM_NOTICE if to_confirm else None
    answer["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
    scope = {"record_types": list(request.get("record_types") or RECORD_TYPES),
             "event_date_from": request.get("event_date_from"),
             "event_date_to": request.get("event_date_to"),
             "archives": [outcome.archive["code"] for outcome in outcomes]}
    _record(session, identity, body["purpose"], subject, answer, outcomes, request_no,
            offered, scope)
    return answer


def get_query(session: Session, identity: Identity, query_id: str) -> dict:
    require(identity, "query.read")
    query = session.get(Query, query_id)
    if query is None or not _may_read(identity, query):
        # The same answer for "not there" and "not yours": ids reveal nothing.
        raise QueryNotFound(f"There is no query {query_id} that you may read.")
    # a clerk reading a colleague's query shows in the record: whose it was
    audit.looked_at(session, identity, "query.read", query_id, query.purpose,
                    {"author": query.actor, "request_no": query.request_no})
    return json.loads(query.answer)


def node_answers(session: Session, query_id: str) -> list[NodeAnswer]:
    return list(session.scalars(select(NodeAnswer).where(NodeAnswer.query_id == query_id)))


def _subject(identity: Identity, body: dict) -> dict:
    own = identity.person
    if own is not None:
        require(identity, "query.self")
        asked = body.get("subject") or {}
        if any(asked.get(key) not in (None, own.get(key)) for key in asked):
            raise PermissionDenied("A citizen can query only their own records; leave "
                                   "`subject` out, it is taken from your identity.")
        return own
    require(identity, "query.subject")
    if not body.get("subject"):
        raise InvalidInput({"subject": ["A clerk's query names its subject."]})
    try:  # what no node could read is refused here, not by every node in turn
        parse_id_number(body["subject"].get("id_number"))
    except InvalidIdNumber as exc:
        raise InvalidInput({"subject.id_number": [str(exc)]}) from exc
    return dict(body["subject"])


def _scope(settings: HubSettings, archives: list[str] | None) -> list[str] | None:
    if archives is None:
        return None
    known = {node.code for node in settings.nodes}
    unknown = sorted(set(archives) - known)
    if unknown:
        raise InvalidInput({"archives": [f"Not in this federation: {', '.join(unknown)}."]})
    return list(dict.fromkeys(archives))


def _may_read(identity: Identity, query: Query) -> bool:
    if identity.role == "clerk":
        return query.actor_archive == identity.archive or query.actor == identity.subject
    return query.actor == identity.subject  # a kiosk session's subject is the person


def _cache_scope(identity: Identity) -> str:
    """Whose cached answers a query may reuse: its own archive's clerks', or the person's
    own; never another caller's (docs/hub.md, "Shared state in Redis")."""
    if identity.role == "clerk":
        return f"clerk:{identity.archive}"
    return identity.subject


def _status(outcome: NodeOutcome) -> dict:
    status = {"archive": outcome.archive, "status": outcome.status,
              "latency_ms": None if outcome.latency_ms is None else round(outcome.latency_ms, 1),
              "count": outcome.count, "error": outcome.error, "hedged": outcome.hedged}
    if getattr(outcome, "cached", False):
        status["cached"] = True
        status["original_latency_ms"] = getattr(outcome, "original_latency_ms", None)
    if outcome.via:  # an archive below a lower hub: the hubs between, nearest first
        status["via"] = outcome.via
    elif outcome.kind == "hub":  # a lower hub that gave no answer for its archives
        status["kind"] = "hub"
    return status


def _record(session: Session, identity: Identity, purpose: str, subject: dict, answer: dict,
            outcomes: list[NodeOutcome], request_no: str | None, offered: list,
            scope: dict) -> None:
    # bulk statements rather than objects: the hub writes this for every query
    session.execute(insert(Query), [{
        "query_id": answer["query_id"], "created_at": datetime.now(UTC),
        "actor": identity.subject, "role": identity.role, "purpose": purpose,
        "request_no": request_no,
        "actor_archive": identity.archive if identity.role == "clerk" else None,
        "subject": json.dumps(subject, ensure_ascii=False), "complete": answer["complete"],
        "took_ms": answer["took_ms"], "answer": json.dumps(answer, ensure_ascii=False),
        "scope": json.dumps(scope, ensure_ascii=False)}])
    audit.record(session, actor=identity.subject, role=identity.role, action="query.run",
                 target=answer["query_id"], purpose=purpose,
                 detail={"complete": answer["complete"], "records": len(answer["records"]),
                         "archives": [o.archive["code"] for o in outcomes],
                         "request_no": request_no})
    # every record shown is a record viewed: one entry per answer names them all, with who
    # saw them and why (one entry, not one per record: each takes the chain's lock)
    if answer["records"]:
        audit.record(session, actor=identity.subject, role=identity.role,
                     action="records.viewed", target=answer["query_id"], purpose=purpose,
                     detail={"records": [record["record_id"] for record in answer["records"]],
                             "request_no": request_no})
    session.execute(insert(NodeAnswer), [{
        "query_id": answer["query_id"], "archive_code": outcome.archive["code"],
        "status": outcome.status, "latency_ms": outcome.latency_ms, "error": outcome.error,
        "body": outcome.evidence.body if outcome.evidence else None,
        "signature": outcome.evidence.signature if outcome.evidence else None,
    } for outcome in outcomes])
    keep_candidates(session, answer["query_id"], offered)
    session.commit()
