"""Certificate batches: checked when submitted, issued in the background (here: the hub's own
process), each item exactly once whoever runs it and however often a runner stops."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from accounts.clerks import create_clerk, deactivate
from certificates import batches
from certificates.batches import run_batch
from certificates.models import AuditEvent, Certificate, CertificateBatch, CertificateBatchItem
from federation.background import DISPATCHER
from tests.federation.test_certificates import YEAR, get, subject_records
from tests.federation.test_queries import SUBJECT

PURPOSE = "退休工龄认定"


def submit(federation, items: list[dict], token: str | None = None):  # type: ignore[no-untyped-def]
    return federation.hub.post("/api/v1/certificate-batches", json={"items": items},
                               headers={"Authorization": f"Bearer {token or federation.token()}"})


def wait_finished(federation, batch_id: str, token: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch = get(federation, f"/api/v1/certificate-batches/{batch_id}", token).json
        if batch["state"] in ("done", "failed"):
            return batch
        time.sleep(0.1)
    raise AssertionError(f"batch {batch_id} did not finish: {batch}")


def items_for(federation, count: int) -> list[dict]:  # type: ignore[no-untyped-def]
    answer = federation.query({"subject": SUBJECT, "purpose": PURPOSE}).json
    return [{"query_id": answer["query_id"], "record_ids": subject_records(answer),
             "purpose": PURPOSE} for _ in range(count)]


def session_of(federation):  # type: ignore[no-untyped-def]
    return federation.hub.application.extensions["liancha.db"].session()


def test_a_batch_is_issued_in_the_background_each_item_once(federation):
    response = submit(federation, items_for(federation, 3))
    assert response.status_code == 202, response.json
    assert response.json["counts"] == {"queued": 3, "issued": 0, "failed": 0}
    batch = wait_finished(federation, response.json["batch_id"])
    assert batch["state"] == "done" and batch["deliveries"] == 1
    numbers = [item["certificate_no"] for item in batch["items"]]
    assert numbers == [f"510500-{YEAR}-{n}" for n in (1, 2, 3)]
    for number in numbers:
        certificate = get(federation, f"/api/v1/certificates/{number}").json
        assert certificate["status"] == "valid" and certificate["purpose"] == PURPOSE
        pdf = get(federation, f"/api/v1/certificates/{number}/pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with session_of(federation) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("certificate.batch_submitted") == 1
    assert actions.count("certificate.issued") == 3


def test_bad_items_are_refused_by_position_and_nothing_is_queued(federation):
    good = items_for(federation, 1)[0]
    response = submit(federation, [good, {**good, "record_ids": ["510500/marriage/nope"]},
                                   {**good, "query_id": "0" * 32}])
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"items.1.record_ids", "items.2.query_id"}
    with session_of(federation) as session:
        assert session.scalars(select(CertificateBatch)).first() is None


def test_only_issuing_clerks_submit_and_only_their_archive_reads(federation):
    citizen = federation.token("citizen", **SUBJECT)
    assert submit(federation, items_for(federation, 1), citizen).status_code == 403
    receiving = federation.token(roles="receiving")
    assert submit(federation, items_for(federation, 1), receiving).status_code == 403
    batch_id = submit(federation, items_for(federation, 1)).json["batch_id"]
    wait_finished(federation, batch_id)
    stranger = federation.token(archive="500118", username="yongchuan")
    assert get(federation, f"/api/v1/certificate-batches/{batch_id}",
               stranger).status_code == 404


def test_a_disabled_clerks_batch_fails_item_by_item_with_the_reason(federation):
    with session_of(federation) as session:
        create_clerk(session, "liu", "刘敏", "pw-long-enough-1", [("510500", "holding")])
    token = federation.token(username="liu", roles="holding")
    settings, keyring = _runner_parts(federation)
    with held_jobs(federation):
        batch_id = submit(federation, items_for(federation, 2), token).json["batch_id"]
        with session_of(federation) as session:
            deactivate(session, "liu")
            run_batch(session, settings, keyring, batch_id, "runner-a")
            batch = session.get(CertificateBatch, batch_id, populate_existing=True)
            assert batch.state == "done"
            items = session.scalars(select(CertificateBatchItem)).all()
            assert [item.state for item in items] == ["failed", "failed"]
            assert all("disabled" in item.error for item in items)
            assert session.scalars(select(Certificate)).first() is None


def test_a_runner_that_stops_mid_batch_is_carried_on_without_repeating(federation):
    """Runner A issues one item and dies; its redelivered message takes over at once, a
    different runner only once A's lease ran out; every item is issued exactly once."""
    settings, keyring = _runner_parts(federation)
    with held_jobs(federation), session_of(federation) as session:
        batch_id = submit(federation, items_for(federation, 4)).json["batch_id"]
        assert batches._take_up(session, settings, batch_id, "runner-a")
        assert batches._issue_next(session, settings, keyring, batch_id, "runner-a")
        # runner A dies here: runner B may not take a live lease
        run_batch(session, settings, keyring, batch_id, "runner-b")
        assert _states(session, batch_id) == ["issued", "queued", "queued", "queued"]
        # A's own message, delivered again, carries on at once
        assert batches._take_up(session, settings, batch_id, "runner-a")
        assert batches._issue_next(session, settings, keyring, batch_id, "runner-a")
        # A dies again; once its lease ran out, B takes over and finishes
        session.execute(update(CertificateBatch).values(
            lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()
        run_batch(session, settings, keyring, batch_id, "runner-b")
        batch = session.get(CertificateBatch, batch_id, populate_existing=True)
        assert batch.state == "done" and batch.deliveries == 3
        assert _states(session, batch_id) == ["issued"] * 4
        numbers = session.scalars(select(Certificate.sequence)
                                  .order_by(Certificate.sequence)).all()
    assert numbers == [1, 2, 3, 4]


def test_a_batch_taken_up_too_often_is_given_up(federation):
    settings, keyring = _runner_parts(federation)
    settings = replace(settings, task_max_deliveries=2)
    with held_jobs(federation), session_of(federation) as session:
        batch_id = submit(federation, items_for(federation, 2)).json["batch_id"]
        for _ in range(2):  # two deliveries whose workers died before issuing anything
            assert batches._take_up(session, settings, batch_id, "runner-a")
        run_batch(session, settings, keyring, batch_id, "runner-a")
        batch = session.get(CertificateBatch, batch_id, populate_existing=True)
        assert batch.state == "failed" and "given up after 2 deliveries" in batch.error
        assert _states(session, batch_id) == ["failed", "failed"]
        assert session.scalars(select(Certificate)).first() is None


@contextmanager
def held_jobs(federation) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The hub's in-process job threads held until the block ends, so that the test runs
    the batch itself; the job sent meanwhile runs afterwards and finds nothing to do."""
    gate = threading.Event()
    executor = federation.hub.application.extensions[DISPATCHER]._executor
    for _ in range(executor._max_workers):
        executor.submit(gate.wait, 60)
    try:
        yield
    finally:
        gate.set()


def _runner_parts(federation):  # type: ignore[no-untyped-def]
    app = federation.hub.application
    return app.extensions["liancha.hub"], app.extensions["liancha.certificate_keys"]


def _states(session, batch_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(CertificateBatchItem.state)
                                .where(CertificateBatchItem.batch_id == batch_id)
                                .order_by(CertificateBatchItem.position)))
