"""A check that could not run is a SKIP with its reason, never a pass, and counted apart; the
checker finds a subject with records in the node's own answers, or says which options to give.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, request

from conformance.checks import CHECKS
from conformance.cli import conformance_command
from conformance.context import FAIL, PASS, SKIP, Check, CheckResult, CheckSkipped, Context
from conformance.runner import exit_status, run_check, run_conformance, summary
from conformance.subjects import COMMON_NAMES, FALLBACK, find_subject
from schemas.signing import public_jwk
from tests.conformance.conftest import ARCHIVE_CODE, WANG_XIUYING_ID, Served
from tests.live import serve

#: the checks that look at a record the search found
NEED_A_RECORD = {"search.match", "search.record-ids", "records.by-id"}
OPTIONS = ("--subject-id", "--subject-name")


def test_a_check_that_cannot_run_is_a_skip_counted_apart() -> None:
    def cannot_run(ctx: Context) -> str:
        raise CheckSkipped("nothing to look at")

    ctx = Context("http://127.0.0.1:9", Ed25519PrivateKey.generate())
    result = run_check(ctx, Check("x.cannot-run", cannot_run))
    assert (result.status, result.passed, result.failed, result.skipped) == \
        (SKIP, False, False, True)
    assert result.line() == "SKIP x.cannot-run: nothing to look at"
    passed, failed, skipped = (CheckResult("a", PASS, ""), CheckResult("b", FAIL, ""),
                               CheckResult("c", SKIP, ""))
    assert summary([passed, failed, skipped, skipped]) == "1 passed, 1 failed, 2 skipped"
    assert exit_status([passed, skipped]) == 0
    assert exit_status([passed, skipped], strict=True) == 1
    assert exit_status([passed, failed]) == 1
    assert exit_status([passed], strict=True) == 0


def test_an_empty_node_skips_what_needs_a_record_and_names_the_options(
        empty_node: Served) -> None:
    results = run_conformance(empty_node.url, empty_node.hub_key, timeout=5)
    assert [r.line() for r in results if r.failed] == []
    skipped = {r.name: r.detail for r in results if r.skipped}
    assert set(skipped) == NEED_A_RECORD
    for detail in skipped.values():
        assert "service-info counts no record" in detail
        assert all(option in detail for option in OPTIONS), detail
    assert sum(r.passed for r in results) == len(CHECKS) - len(NEED_A_RECORD)


def test_cli_counts_skips_apart_and_fails_on_them_only_when_strict(empty_node: Served) -> None:
    arguments = [empty_node.url, "--hub-key", str(empty_node.hub_key), "--timeout", "5"]
    result = CliRunner().invoke(conformance_command, arguments)
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == f"{len(CHECKS) - 3} passed, 0 failed, 3 skipped", result.output
    assert result.exit_code == 0, result.output
    assert any(line.startswith("SKIP records.by-id: no subject with records was found: "
                               "service-info counts no record in this node; give ")
               and "--subject-id and/or --subject-name" in line for line in lines), lines
    assert not any(line.startswith("PASS records.by-id") for line in lines)
    strict = CliRunner().invoke(conformance_command, [*arguments, "--strict"])
    assert strict.exit_code == 1, strict.output
    assert strict.stdout.strip().splitlines()[-1] == lines[-1]


def test_the_checker_finds_a_subject_with_records_by_itself(wang_xiuying_node: Served) -> None:
    results = run_conformance(wang_xiuying_node.url, wang_xiuying_node.hub_key, timeout=5)
    assert [r.line() for r in results if not r.passed] == []
    by_name = {r.name: r.detail for r in results}
    record_id = f"{ARCHIVE_CODE}/employment/E-7"
    # a party of the record found for 王秀英, with the id number the record gives her
    assert f"name 王秀英, id_number {WANG_XIUYING_ID}" in by_name["search.answer"]
    assert f"a party of {record_id}" in by_name["search.answer"]
    assert by_name["records.by-id"] == f"{record_id}: a valid, signed Record"


@contextmanager
def fake_node(search_status: int = 200, counts: int = 3) -> Iterator[str]:
    """A node that says it holds `counts` records, answers every search with `search_status`,
    and finds only 张伟, as a party named 章伟 whom it does not find again when asked."""
    app = Flask(__name__)
    key = Ed25519PrivateKey.generate()
    archive = {"code": ARCHIVE_CODE, "name": "fake"}

    @app.get("/v1/service-info")
    def service_info() -> dict:
        return {"archive": {**archive, "region_code": ARCHIVE_CODE}, "standard_version": "1",
                "record_types": ["marriage"], "counts": {"marriage": counts},
                "signing_keys": [public_jwk(key.public_key())]}

    @app.post("/v1/search")
    def search() -> tuple[dict, int]:
        body = request.get_json()
        records = []
        if body["subject"].get("name") == "张伟":
            records = [{
                "record_id": f"{ARCHIVE_CODE}/marriage/F-1", "record_type": "marriage",
                "archive": archive, "reference": {}, "event_date": "1980",
                "parties": [{"role": "husband", "name": "章伟", "name_raw": "章伟"}],
                "details": {}, "access": "open", "digitized_pages": None,
                "match": {"score": 0.45, "basis": ["name_pinyin"]}}]
        return {"archive": archive, "request_id": body["request_id"], "records": records,
                "total": len(records), "truncated": False, "took_ms": 1.0}, search_status

    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def hub_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_a_node_that_does_not_find_its_own_party_again_fails(hub_key: Ed25519PrivateKey) -> None:
    with fake_node() as url:
        results = {r.name: r for r in run_conformance(url, hub_key, timeout=5)}
    answer = results["search.answer"]
    assert answer.failed
    assert f"does not find {ARCHIVE_CODE}/marriage/F-1" in answer.detail
    for name in NEED_A_RECORD:
        assert results[name].skipped
        assert "though the node named this person in" in results[name].detail


@pytest.mark.parametrize(("status", "counts", "names", "why"), [
    (200, 0, COMMON_NAMES, "service-info counts no record in this node"),
    (500, 3, COMMON_NAMES, f"the search for {COMMON_NAMES[0]} answered 500"),
    (200, 3, ("王伟", "王芳"),
     "none of the 2 common names tried, 王伟, 王芳, is in its 3 record(s)"),
])
def test_why_no_subject_was_found(hub_key: Ed25519PrivateKey, status: int, counts: int,
                                  names: tuple[str, ...], why: str) -> None:
    from schemas.export import json_schemas

    with fake_node(status, counts) as url:
        found = find_subject(Context(url, hub_key, 5, schemas=json_schemas()), names)
    assert found.missing and why in found.missing, found.missing
    assert all(option in found.missing for option in OPTIONS)
    assert found.fields == FALLBACK and found.source_record is None
