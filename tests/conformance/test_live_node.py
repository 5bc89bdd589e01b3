"""Our own node against every conformance check, through the Python API and the CLI."""

import re

from click.testing import CliRunner

from conformance.checks import CHECKS
from conformance.cli import conformance_command
from conformance.runner import run_conformance
from tests.conformance.conftest import ARCHIVE_CODE, Served


def test_our_node_passes_every_check(live_node: Served) -> None:
    results = run_conformance(live_node.url, live_node.hub_key)
    failed = {result.name: result.line() for result in results if not result.passed}
    assert failed == {}, "\n".join(failed.values())
    assert [result.name for result in results] == [check.name for check in CHECKS]
    by_name = {result.name: result for result in results}
    assert "2 record(s) for name 张伟 (found by the checker" in by_name["search.answer"].detail
    assert by_name["records.by-id"].passed


def test_a_search_by_id_number_and_an_explicit_archive_code(live_node: Served) -> None:
    results = run_conformance(live_node.url, live_node.hub_key, archive_code=ARCHIVE_CODE,
                              subject={"id_number": "11010519491231002X"})
    failed = {result.name for result in results if result.failed}
    assert failed == set(), [r.line() for r in results if r.failed]
    # nobody holds that id number: what needs a record is skipped, saying what to give
    skipped = {result.name: result.detail for result in results if result.skipped}
    assert set(skipped) == {"search.match", "search.record-ids", "records.by-id"}
    assert skipped["records.by-id"].startswith(
        "the search for id_number 11010519491231002X found no record to check; give "
        "--subject-id and/or --subject-name of a person this node holds records of")


def test_cli_prints_a_line_per_check_and_a_summary(live_node: Served) -> None:
    result = CliRunner().invoke(
        conformance_command,
        [live_node.url, "--hub-key", str(live_node.hub_key), "--timeout", "5",
         "--subject-name", "张伟"],
    )
    # stdout only: the node runs in this process, and its access log goes to stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == f"{len(CHECKS)} passed, 0 failed, 0 skipped", result.output
    assert result.exit_code == 0, result.output
    assert len(lines) == len(CHECKS) + 1
    assert all(re.match(r"^PASS [a-z0-9.-]+: \S", line) for line in lines[:-1])


def test_cli_fails_on_a_wrong_archive_code(live_node: Served) -> None:
    result = CliRunner().invoke(
        conformance_command,
        [live_node.url, "--hub-key", str(live_node.hub_key), "--archive-code", "999999"],
    )
    assert result.exit_code == 1
    assert "FAIL search.answer:" in result.output
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed, \d+ skipped",
                        result.stdout.strip().splitlines()[-1])
