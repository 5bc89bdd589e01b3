"""Every look at personal data, and every refused attempt, is in the audit record with who,
in which role, for what purpose, and what they named."""

from sqlalchemy import select

from federation.audit import AuditEvent
from tests.federation.test_queries import SUBJECT
from tests.nodes.people import OTHER_ZHANG_ID

MARRIAGE = "510500/marriage/LZ-M-1988"


def entries(federation, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    session = federation.hub.application.extensions["liancha.db"].session()
    try:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                    .order_by(AuditEvent.id)))
    finally:
        session.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_clerk_reading_a_colleagues_query_is_visible_afterwards(federation):
    hub = federation.hub
    wang = federation.token(archive="510500", username="wang")
    li = federation.token(archive="510500", username="li")
    query_id = federation.query({"subject": SUBJECT, "purpose": "退休工龄认定"}, wang).json[
        "query_id"]
    assert hub.get(f"/api/v1/queries/{query_id}", headers=bearer(li)).status_code == 200
    [read] = entries(federation, "query.read")
    assert (read.actor, read.role, read.target, read.purpose) == (
        "clerk:li", "clerk", query_id, "退休工龄认定")
    assert '"author": "clerk:wang"' in read.detail


def test_refused_looks_are_recorded_with_who_tried(federation):
    hub = federation.hub
    query_id = federation.query({"subject": SUBJECT, "purpose": "x"}).json["query_id"]
    other = federation.token("citizen", id_number=OTHER_ZHANG_ID, name="张国华")
    assert hub.get(f"/api/v1/queries/{query_id}").status_code == 401
    assert hub.get(f"/mobile/api/v1/queries/{query_id}",
                   headers=bearer(other)).status_code == 404
    assert hub.get("/api/v1/certificates/510500-2026-9", headers=bearer(
        federation.token(archive="500116"))).status_code == 404
    refused = [(e.actor, e.role, e.target) for e in entries(federation, "query.read_refused")]
    assert refused == [("anonymous", "anonymous", query_id),
                       (f"citizen:{OTHER_ZHANG_ID}", "citizen", query_id)]
    [certificate] = entries(federation, "certificate.read_refused")
    assert certificate.target == "510500-2026-9" and '"status": 404' in certificate.detail


def test_certificates_and_requests_read_are_recorded(federation):
    hub = federation.hub
    citizen = federation.token("citizen", **SUBJECT)
    query_id = hub.post("/mobile/api/v1/queries", json={"purpose": "婚姻证明"},
                        headers=bearer(citizen)).json["query_id"]
    number = hub.post("/mobile/api/v1/certificates", headers=bearer(citizen), json={
        "query_id": query_id, "record_ids": [MARRIAGE], "purpose": "婚姻证明"}).json[
        "certificate_no"]
    hub.get(f"/mobile/api/v1/certificates/{number}", headers=bearer(citizen))
    hub.get(f"/mobile/api/v1/certificates/{number}/pdf", headers=bearer(citizen))
    hub.get("/mobile/api/v1/certificates", headers=bearer(citizen))
    reads = entries(federation, "certificate.read")
    assert [(e.target, e.purpose) for e in reads] == [(number, "婚姻证明")] * 2
    assert ['"what": "entry"' in reads[0].detail, '"what": "pdf"' in reads[1].detail] == \
        [True, True]
    [listed] = entries(federation, "certificates.listed")
    assert number in listed.detail

    filed = hub.post("/mobile/api/v1/requests", headers=bearer(citizen), json={
        "receiving_archive": "510500", "purpose": "退休工龄认定"}).json["request_no"]
    clerk = federation.token(archive="510500", username="wang")
    hub.get(f"/clerk/api/v1/requests/{filed}", headers=bearer(clerk))
    hub.get("/clerk/api/v1/requests", headers=bearer(clerk))
    [read] = entries(federation, "request.read")
    assert (read.actor, read.target, read.purpose) == ("clerk:wang", filed, "退休工龄认定")
    assert filed in entries(federation, "requests.listed")[0].detail
