"""The audit record: every query and certificate step is chained; tampering is found."""

import json

from click.testing import CliRunner
from sqlalchemy import select, text

from federation.audit import AuditEvent, verify_chain
from federation.cli import audit_group
from tests.federation.test_queries import SUBJECT


def run_some(federation) -> int:  # type: ignore[no-untyped-def]
    """Three queries and a certificate; the number of records the queries showed."""
    shown = 0
    for purpose in ("工龄认定", "婚姻证明", "继承公证"):
        answer = federation.query({"subject": SUBJECT, "purpose": purpose}).json
        shown += len(answer["records"])
    federation.hub.post("/api/v1/certificates",
                        json={"query_id": answer["query_id"], "purpose": "继承公证",
                              "record_ids": ["510500/marriage/LZ-M-1988"]},
                        headers={"Authorization": f"Bearer {federation.token()}"})
    return shown


def audit_cli(database_url: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(audit_group, ["verify", "--database-url", database_url])


def tamper(federation, sql: str) -> None:  # type: ignore[no-untyped-def]
    engine = federation.hub.application.extensions["liancha.db"].engine
    with engine.begin() as connection:
        connection.execute(text(sql))


def test_queries_and_certificates_are_chained_and_the_chain_verifies(federation,
                                                                     database_url):
    shown = run_some(federation)
    assert shown > 3
    with federation.hub.application.extensions["liancha.db"].session() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        actions = [e.action for e in events if e.action != "records.viewed"]
        assert actions == ["query.run"] * 3 + ["certificate.issued"]
        viewed = [e for e in events if e.action == "records.viewed"]
        assert len(viewed) == 3  # each answer's records, named in one entry with its purpose
        assert sum(len(json.loads(e.detail)["records"]) for e in viewed) == shown
        assert {e.purpose for e in viewed} == {"工龄认定", "婚姻证明", "继承公证"}
        assert verify_chain(session).ok
    result = audit_cli(database_url)
    assert result.exit_code == 0 and "intact: 7 entries" in result.output


def test_an_edited_entry_is_found(federation, database_url):
    run_some(federation)
    tamper(federation, "UPDATE audit_events SET purpose = '随便看看' WHERE id = 2")
    result = audit_cli(database_url)
    assert result.exit_code == 1
    assert "entry 2" in result.output and "altered" in result.output


def test_a_deleted_or_inserted_entry_is_found(federation, database_url):
    run_some(federation)
    tamper(federation, "DELETE FROM audit_events WHERE id = 2")
    result = audit_cli(database_url)
    assert result.exit_code == 1 and "entry 3" in result.output
    assert "inserted or deleted" in result.output


def test_entries_cut_off_the_end_are_found(federation, database_url):
    run_some(federation)  # 7 entries: 3 queries, the records each showed, a certificate
    tamper(federation, "DELETE FROM audit_events WHERE id = 7")
    result = audit_cli(database_url)
    assert result.exit_code == 1 and "last entries were deleted" in result.output
