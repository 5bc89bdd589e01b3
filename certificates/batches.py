"""Certificate batches: a clerk asks for many certificates at once; a worker issues them.

Submitting checks every item as a single issue would (the query is the clerk's archive's,
the records are in its answer) and stores the batch; the job `issue_batch` is sent once
that commits. Whoever runs it takes the batch up by a lease (`_take_up`: a compare-and-set,
so two runners never hold it at once) and issues one item per transaction: the lease is
renewed, the next queued item is issued (its number drawn from the archive's counter in
the same transaction) and marked with that number, all committed together. A runner that
dies mid-item leaves nothing of that item behind, and the next runner starts from the
first item still queued: each item is issued exactly once and no number is used twice.

The same message delivered again (its worker died) takes the batch over at once; another
runner waits for the lease to run out (`stalled_batches` finds such batches). A batch
taken up more than `TASK_MAX_DELIVERIES` times is given up, its remaining items failed.
"""

import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from certificates.issuing import chosen_records, issue_from_query, readable_query
from certificates.models import CertificateBatch, CertificateBatchItem
from certificates.tokens import Keyring
from federation import audit
from federation.background import send_after_commit
from federation.config import HubSettings
from federation.identity import Identity
from federation.models import Query
from federation.permissions import require
from runtime import request_ids
from runtime.errors import DomainError, InvalidInput

MAX_ITEMS = 200
log = logging.getLogger(__name__)


class BatchNotFound(DomainError):
    status = 404
    title = "Batch not found"


def submit_batch(session: Session, identity: Identity, body: dict) -> dict:
    """Check every item, store the batch, and have it issued once this commits."""
    require(identity, "certificate.batch")
    items = body["items"]
    _check_items(session, identity, items)
    now = _now()
    batch = CertificateBatch(batch_id=uuid.uuid4().hex, archive_code=identity.archive,
                             actor=identity.subject, state="queued", created_at=now,
                             deliveries=0, request_id=request_ids.current())
    session.add(batch)
    session.add_all(CertificateBatchItem(
        batch_id=batch.batch_id, position=position, query_id=item["query_id"],
        record_ids=json.dumps(item.get("record_ids") or []), purpose=item["purpose"],
        state="queued") for position, item in enumerate(items))
    audit.record(session, actor=identity.subject, role=identity.role,
                 action="certificate.batch_submitted", target=batch.batch_id,
                 detail={"items": len(items), "archive": identity.archive})
    send_after_commit(session, "issue_batch", batch.batch_id)
    session.commit()
    return batch_view(session, batch)


def get_batch(session: Session, identity: Identity, batch_id: str) -> dict:
    require(identity, "certificate.batch")
    batch = session.get(CertificateBatch, batch_id)
    if batch is None or batch.archive_code != identity.archive:
        raise BatchNotFound(f"There is no batch {batch_id} of your archive.")
    return batch_view(session, batch)


def batch_view(session: Session, batch: CertificateBatch) -> dict:
    items = session.scalars(select(CertificateBatchItem)
                            .where(CertificateBatchItem.batch_id == batch.batch_id)
                            .order_by(CertificateBatchItem.position)).all()
    counts = {state: 0 for state in ("queued", "issued", "failed")}
    for item in items:
        counts[item.state] += 1
    return {
        "batch_id": batch.batch_id, "state": batch.state, "archive_code": batch.archive_code,
        "created_at": batch.created_at, "started_at": batch.started_at,
        "finished_at": batch.finished_at, "deliveries": batch.deliveries,
        "error": batch.error, "counts": counts,
        "items": [{"position": item.position, "query_id": item.query_id,
                   "record_ids": json.loads(item.record_ids), "purpose": item.purpose,
                   "state": item.state, "certificate_no": item.certificate_no,
                   "error": item.error} for item in items],
    }


def run_batch(session: Session, settings: HubSettings, keyring: Keyring, batch_id: str,
              runner: str) -> None:
    """Issue what is left of the batch, unless another runner holds it (job `issue_batch`)."""
    if not _take_up(session, settings, batch_id, runner):
        return
    while _issue_next(session, settings, keyring, batch_id, runner):
        pass


def stalled_batches(session: Session, settings: HubSettings) -> list[str]:
    """Batches nobody is running: never taken up within a sweep, or their lease ran out."""
    now = _now()
    quiet_since = now - timedelta(seconds=settings.batch_sweep_s)
    found = session.scalars(select(CertificateBatch.batch_id).where(
        CertificateBatch.state.in_(("queued", "running")),
        or_(CertificateBatch.lease_until < now,
            (CertificateBatch.lease_until.is_(None))
            & (CertificateBatch.created_at < quiet_since)))).all()
    session.rollback()
    return list(found)


def _check_items(session: Session, identity: Identity, items: list[dict]) -> None:
    """Every item as a single issue would check it; all problems at once, by item."""
    if not 1 <= len(items) <= MAX_ITEMS:
        raise InvalidInput({"items": [f"A batch has 1 to {MAX_ITEMS} certificates."]})
    errors: dict[str, list[str]] = {}
    for position, item in enumerate(items):
        try:
            query = readable_query(session, identity, item["query_id"])
            chosen_records(json.loads(query.answer), item.get("record_ids") or [])
        except InvalidInput as exc:
            for field, messages in exc.errors.items():
                errors[f"items.{position}.{field}"] = messages
        except DomainError as exc:  # e.g. a no-record certificate from an incomplete query
            errors[f"items.{position}.record_ids"] = [exc.detail]
    if errors:
        raise InvalidInput(errors)


def _take_up(session: Session, settings: HubSettings, batch_id: str, runner: str) -> bool:
    now = _now()
    taken = session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.batch_id == batch_id,
               CertificateBatch.state.in_(("queued", "running")),
               or_(CertificateBatch.lease_until.is_(None), CertificateBatch.lease_until < now,
                   CertificateBatch.lease_owner == runner))
        .values(state="running", lease_owner=runner,
                lease_until=now + timedelta(seconds=settings.batch_lease_s),
                deliveries=CertificateBatch.deliveries + 1,
                started_at=func.coalesce(CertificateBatch.started_at, now))
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        log.info("batch %s: finished, or held by another runner", batch_id)
        return False
    batch = session.get(CertificateBatch, batch_id, populate_existing=True)
    assert batch is not None
    if batch.deliveries > settings.task_max_deliveries:
        _give_up(session, batch, now)
        return False
    session.commit()
    log.info("batch %s taken up by %s (delivery %d)", batch_id, runner, batch.deliveries)
    return True


def _give_up(session: Session, batch: CertificateBatch, now: datetime) -> None:
    reason = (f"given up after {batch.deliveries - 1} deliveries: each time the worker "
              "running it stopped before finishing")
    batch.state, batch.error, batch.finished_at = "failed", reason, now
    batch.lease_owner = batch.lease_until = None
    session.execute(update(CertificateBatchItem)
                    .where(CertificateBatchItem.batch_id == batch.batch_id,
                           CertificateBatchItem.state == "queued")
                    .values(state="failed", error=reason)
                    .execution_options(synchronize_session=False))
    session.commit()
    log.error("batch %s: %s", batch.batch_id, reason)


def _issue_next(session: Session, settings: HubSettings, keyring: Keyring, batch_id: str,
                runner: str) -> bool:
    """One item in one transaction; False once none is left or the lease was lost."""
    if not _renew(session, settings, batch_id, runner):
        return False
    item = session.scalars(select(CertificateBatchItem)
                           .where(CertificateBatchItem.batch_id == batch_id,
                                  CertificateBatchItem.state == "queued")
                           .order_by(CertificateBatchItem.position).limit(1)).first()
    batch = session.get(CertificateBatch, batch_id, populate_existing=True)
    assert batch is not None
    if item is None:
        batch.state, batch.finished_at = "done", _now()
        batch.lease_owner = batch.lease_until = None
        session.commit()
        log.info("batch %s done", batch_id)
        return False
    identity = Identity(subject=batch.actor, role="clerk", archive=batch.archive_code)
    try:
        _ensure_still_active(session, identity)
        query = session.get(Query, item.query_id)
        assert query is not None  # the batch's foreign key
        issued = issue_from_query(session, settings, keyring, identity, query,
                                  json.loads(item.record_ids), batch.archive_code, item.purpose)
        item.state, item.certificate_no = "issued", issued.certificate.certificate_no
        session.commit()
    except DomainError as exc:  # this item cannot be issued: the others still can
        session.rollback()
        return _fail_item(session, settings, batch_id, item.position, runner, _reason(exc))
    return True


def _fail_item(session: Session, settings: HubSettings, batch_id: str, position: int,
               runner: str, reason: str) -> bool:
    if not _renew(session, settings, batch_id, runner):
        return False
    item = session.get(CertificateBatchItem, (batch_id, position), populate_existing=True)
    assert item is not None
    item.state, item.error = "failed", reason
    session.commit()
    log.info("batch %s item %d not issued: %s", batch_id, position, reason)
    return True


def _renew(session: Session, settings: HubSettings, batch_id: str, runner: str) -> bool:
    """Extend this runner's lease, first in each transaction: it also locks the batch row,
    so a runner taking the batch over waits for the item under way."""
    renewed = session.execute(
        update(CertificateBatch)
        .where(CertificateBatch.batch_id == batch_id, CertificateBatch.state == "running",
               CertificateBatch.lease_owner == runner)
        .values(lease_until=_now() + timedelta(seconds=settings.batch_lease_s))
        .execution_options(synchronize_session=False))
    if renewed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        log.warning("batch %s: runner %s lost its lease; stopping", batch_id, runner)
        return False
    return True


def _ensure_still_active(session: Session, identity: Identity) -> None:
    from accounts.clerks import ensure_active

    ensure_active(session, identity)


def _reason(error: DomainError) -> str:
    errors = getattr(error, "errors", None)
    if errors:
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
    return error.detail


def _now() -> datetime:
    return datetime.now(UTC)
