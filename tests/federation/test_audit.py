"""The audit record: every query and certificate step is chained; tampering is found."""

from click.testing import CliRunner
from sqlalchemy import text

from federation.audit import AuditEvent, verify_chain
from federation.cli import audit_group
from tests.federation.test_queries import SUBJECT


def run_some(federation) -> None:  # type: ignore[no-untyped-def]
    for purpose in ("工龄认定", "婚姻证明", "继承公证"):
        answer = federation.query({"subject": SUBJECT, "purpose": purpose}).json
    federation.hub.post("/api/v1/certificates",
                        json={"query_id": answer["query_id"], "purpose": "继承公证",
                              "record_ids": ["510500/marriage/LZ-M-1988"]},
                        headers={"Authorization": f"Bearer {federation.token()}"})


def audit_cli(database_url: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(audit_group, ["verify", "--database-url", database_url])


def tamper(federation, sql: str) -> None:  # type: ignore[no-untyped-def]
    engine = federation.hub.application.extensions["liancha.db"].engine
    with engine.begin() as connection:
        connection.execute(text(sql))


def test_queries_and_certificates_are_chained_and_the_chain_verifies(federation,
                                                                     database_url):
    run_some(federation)
    with federation.hub.application.extensions["liancha.db"].session() as session:
        actions = [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]
        assert actions == ["query.run"] * 3 + ["certificate.issued"]
        assert verify_chain(session).ok
    result = audit_cli(database_url)
    assert result.exit_code == 0 and "intact: 4 entries" in result.output


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
    run_some(federation)
    tamper(federation, "DELETE FROM audit_events WHERE id = 4")
    result = audit_cli(database_url)
    assert result.exit_code == 1 and "last entries were deleted" in result.output
