"""`liancha node import` and `liancha node mapping check` as an archive's engineer uses
them: a totals row skipped by a rule, a report Excel can read, a dry run that writes
nothing, a corrected catalogue replacing an old one, a mapping checked before use."""

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, inspect, select

from nodes.cli import node_group
from nodes.models import Record, WithdrawnRecord
from nodes.storage import make_engine
from tests.nodes.people import ZHANG_ID

MAPPING = """record_type: forestry_right
columns: {local_id: 编号, file_no: 档号, holder_names: 权利人, holder_id_numbers: 身份证号,
          term_start: 起始日期, area_mu: 面积}
skip_rows:
  - "^(合计|小计)"
"""


def catalogue(tmp_path: Path, rows: list[list[object]], name: str = "林权.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "林权"
    sheet.append(["编号", "档号", "权利人", "身份证号", "起始日期", "面积"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


ROWS = [["L1", "林-001", "王大山", ZHANG_ID, "1983.5", 12.5],
        ["L2", "林-002", "赵四", None, "一九八四年", 3],
        ["L3", "林-003", "钱五", None, "1985年春", 7],
        ["合计", None, None, None, None, 22.5]]


def invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(node_group, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def held(database_url: str) -> int:
    """How many records the node holds (-1: it has no table for them, not even made)."""
    engine = make_engine(database_url)
    try:
        if not inspect(engine).has_table("records"):
            return -1
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Record)) or 0
    finally:
        engine.dispose()


def test_a_totals_row_is_skipped_by_a_rule_and_the_import_exits_0(database_url, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING, "utf-8")
    code, out, err = invoke("import", "--database-url", database_url, "--type",
                            "forestry_right", "--mapping", mapping, catalogue(tmp_path, ROWS))
    assert code == 0, out + err
    assert "3 inserted" in out and "1 skipped (skip_rows)" in out and held(database_url) == 3


def test_the_report_is_for_excel_and_carries_the_rows_cells(database_url, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING, "utf-8")
    rows = [*ROWS[:3], ["L4", "林-004", "孙六1", None, "1986.13", "十亩"]]
    report = tmp_path / "report.csv"
    code, out, err = invoke("import", "--database-url", database_url, "--type",
                            "forestry_right", "--mapping", mapping, "--report", report,
                            catalogue(tmp_path, rows))
    assert code == 3  # a row was rejected; the others landed
    raw = report.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel shows the Chinese
    lines = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_outcome = {(r["line"], r["outcome"]): r for r in lines}
    rejected = by_outcome[("5", "rejected")]
    assert "area_mu (面积)" in rejected["reason"]
    assert (rejected["local_id"], rejected["file_no"]) == ("L4", "林-004")
    assert rejected["source: 权利人"] == "孙六1" and rejected["source: 面积"] == "十亩"
    # the warnings of the rejected row too: one round of fixes is enough
    warnings = [r["reason"] for r in lines if r["line"] == "5" and r["outcome"] == "warning"]
    assert any(w.startswith("term_start (起始日期):") for w in warnings)
    assert any(w.startswith("holder_names (权利人):") and "digits" in w for w in warnings)
    assert "line 5 [L4]: rejected" in err


def test_a_dry_run_says_what_would_happen_and_writes_nothing(database_url, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING, "utf-8")
    path = catalogue(tmp_path, ROWS)
    code, out, _ = invoke("import", "--database-url", database_url, "--type",
                          "forestry_right", "--mapping", mapping, "--dry-run", path)
    assert code == 0 and out.startswith("dry run, nothing written:")
    assert "3 would be inserted" in out
    assert held(database_url) == -1
    invoke("import", "--database-url", database_url, "--type", "forestry_right",
           "--mapping", mapping, path)
    changed = catalogue(tmp_path, [[*ROWS[0][:5], 13], *ROWS[1:]])
    code, out, _ = invoke("import", "--database-url", database_url, "--type",
                          "forestry_right", "--mapping", mapping, "--dry-run", changed)
    assert "0 would be inserted, 1 would be updated, 2 unchanged" in out


def test_a_corrected_catalogue_replaces_the_old_one(database_url, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING, "utf-8")
    base = ["import", "--database-url", database_url, "--type", "forestry_right",
            "--mapping", mapping]
    invoke(*base, catalogue(tmp_path, ROWS))
    corrected = catalogue(tmp_path, [ROWS[0], ROWS[2]])  # L2 is gone (same file name)
    code, out, _ = invoke(*base, corrected)
    assert code == 0 and "1 records of an earlier import of 林权.xlsx are no longer in it" in out
    assert held(database_url) == 3  # reported, still served
    report = tmp_path / "r.csv"
    code, out, _ = invoke(*base, "--withdraw-missing", "--report", report, corrected)
    assert "1 records of an earlier import of 林权.xlsx are no longer in it and were " \
           "withdrawn" in out
    assert held(database_url) == 2
    assert ",withdrawn,L2," in report.read_text("utf-8-sig")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        withdrawn = connection.execute(select(WithdrawnRecord.local_id, WithdrawnRecord.source,
                                              WithdrawnRecord.reason)).all()
    engine.dispose()
    assert withdrawn == [("L2", "林权.xlsx", "gone from the corrected catalogue 林权.xlsx")]


def test_a_rejected_row_is_not_missing(database_url, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING, "utf-8")
    base = ["import", "--database-url", database_url, "--type", "forestry_right",
            "--mapping", mapping, "--withdraw-missing"]
    invoke(*base, catalogue(tmp_path, ROWS))
    broken = [ROWS[0], ["L2", "林-002", "赵四", None, "1984", "三亩"], ROWS[2]]
    code, out, _ = invoke(*base, catalogue(tmp_path, broken))
    assert code == 3 and "withdrawn" not in out and held(database_url) == 3


def test_mapping_check_names_a_misspelled_key_and_its_nearest(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING + "header_rows: 2\nsplit:\n  - {source: 权利人, seperator: "
                                 "'、', into: [holder_names]}\n", "utf-8")
    code, out, err = invoke("mapping", "check", mapping)
    assert code == 1
    assert "'header_rows' is not a mapping key; did you mean 'header_row'?" in err
    assert "split 1: 'seperator' is not a mapping key; did you mean 'separator'?" in err


def test_mapping_check_with_a_file_shows_the_first_rows_as_imported(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING, "utf-8")
    code, out, err = invoke("mapping", "check", mapping, catalogue(tmp_path, ROWS), "--rows", 4)
    assert code == 0, err
    assert "a valid mapping for forestry_right" in out
    assert "line 2: ok" in out and f"holder: 王大山 (id_number={ZHANG_ID})" in out
    assert "area_mu=7.0, term_start=1985\n" in out  # 1985年春: the year
    assert "line 5: skipped: skip_rows: first cell matches" in out
    wrong = tmp_path / "w.yaml"
    wrong.write_text(MAPPING.replace("权利人", "权力人"), "utf-8")
    code, _, err = invoke("mapping", "check", wrong, catalogue(tmp_path, ROWS))
    assert code == 1 and "no column(s) 权力人; did you mean '权利人'?" in err


def test_the_documented_mapping_is_a_valid_one(tmp_path):
    text = (Path(__file__).resolve().parents[2] / "docs" / "import-mapping.md").read_text("utf-8")
    mapping = tmp_path / "documented.yaml"
    mapping.write_text(text.split("```yaml", 1)[1].split("```", 1)[0], "utf-8")
    code, out, err = invoke("mapping", "check", mapping)
    assert code == 0 and "a valid mapping for marriage" in out, err
