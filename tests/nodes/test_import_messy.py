"""Catalogues written the way old systems and clerks left them, by hand: full-width brackets
in a name-and-id column, id numbers in Excel number cells, GBK with a rare character lost,
Big5, a totals row, a wrong sheet name. Nothing that changes an identity happens without a
line in the report."""

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from nodes.importing.mapping import MappingError
from nodes.importing.mapping_file import load_mapping
from nodes.models import Record
from nodes.services.importer import ImportReport, import_file
from nodes.storage import make_engine, upgrade_schema
from tests.nodes.people import LI_ID, ZHANG_ID, ZHANG_ID_15

MARRIAGE = """record_type: marriage
columns: {local_id: 编号, file_no: 档号, event_date: 登记日期, registration_kind: 类别}
values: {registration_kind: {结婚: marriage, 离婚: divorce}}
split:
  - {source: 男方, separator: "(", into: [husband_name, husband_id_number]}
  - {source: 女方, separator: "(", into: [wife_name, wife_id_number]}
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(database_url: str, tmp_path: Path, data: Path, mapping_text: str,
        record_type: str = "marriage", **options: object) -> ImportReport:
    mapping = write(tmp_path, "mapping.yaml", mapping_text)
    engine = make_engine(database_url)
    upgrade_schema(engine)
    try:
        return import_file(engine, record_type, data, load_mapping(mapping, record_type),
                           **options)  # type: ignore[arg-type]
    finally:
        engine.dispose()


def documents(database_url: str) -> dict[str, dict]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        found = {local_id: json.loads(document) for local_id, document in connection.execute(
            select(Record.local_id, Record.document))}
    engine.dispose()
    return found


def test_full_width_brackets_split_like_half_width_ones(database_url, tmp_path):
    data = write(tmp_path, "婚姻.csv",
                 "编号,档号,登记日期,类别,男方,女方\n"
                 f"H1,A-1,1988.5,结婚,陈建国({ZHANG_ID}),李秀英（{LI_ID}）\n"
                 f"H2,A-2,1988.6,结婚,陈建国 （{ZHANG_ID}） ,李秀英\n")
    report = run(database_url, tmp_path, data, MARRIAGE)
    assert report.rejected == [] and report.warnings == []
    held = documents(database_url)
    for local_id in ("H1", "H2"):
        husband = held[local_id]["parties"][0]
        assert (husband["name"], husband["id_number"]) == ("陈建国", ZHANG_ID)
    assert held["H1"]["parties"][1]["id_number"] == LI_ID


def test_a_pattern_says_what_a_separator_cannot(database_url, tmp_path):
    data = write(tmp_path, "林权.csv", "编号,权利人\n"
                 f"L1,王大山 身份证:{ZHANG_ID} 共有\n"
                 "L2,赵四\n")
    mapping = ("columns: {local_id: 编号}\n"
               "split:\n  - source: 权利人\n"
               "    pattern: '^(?P<holder_names>[^ ]+)"
               "(?: 身份证[:：](?P<holder_id_numbers>\\S+))?'\n")
    report = run(database_url, tmp_path, data, mapping, "forestry_right")
    assert report.rejected == [] and report.warnings == []
    held = documents(database_url)
    assert [(p["name"], p["id_number"]) for p in held["L1"]["parties"]] == [("王大山", ZHANG_ID)]
    assert held["L2"]["parties"][0]["name"] == "赵四"


def test_a_name_still_holding_digits_is_a_warning_naming_line_and_column(database_url,
                                                                         tmp_path):
    data = write(tmp_path, "婚姻.csv", "编号,登记日期,类别,男方,女方\n"
                 f"H1,1988,结婚,陈建国{ZHANG_ID},李秀英\n")
    report = run(database_url, tmp_path, data, MARRIAGE.replace("file_no: 档号, ", ""))
    (line, warning), = report.warnings
    assert line == 2 and warning.startswith("husband_name (男方):")
    assert "digits" in warning


def test_more_parts_than_columns_is_reported_not_dropped(database_url, tmp_path):
    data = write(tmp_path, "婚姻.csv", "编号,类别,男方,女方\n"
                 f"H1,结婚,陈建国({ZHANG_ID})(曾用名陈国),李秀英\n")
    report = run(database_url, tmp_path, data, MARRIAGE.replace(
        "file_no: 档号, event_date: 登记日期, ", ""))
    assert any("曾用名陈国" in w and "not imported" in w for _, w in report.warnings)


def excel(tmp_path: Path, rows: list[list[object]], title: str = "婚姻登记") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(["编号", "男方姓名", "男方身份证号", "女方姓名", "类别"])
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("说明")
    path = tmp_path / "婚姻.xlsx"
    workbook.save(path)
    return path


EXCEL_MAPPING = """columns: {local_id: 编号, husband_name: 男方姓名,
          husband_id_number: 男方身份证号, wife_name: 女方姓名, registration_kind: 类别}
values: {registration_kind: {结婚: marriage}}
"""


def test_an_id_number_in_an_excel_number_cell_is_never_trusted(database_url, tmp_path):
    path = excel(tmp_path, [
        ["E1", "陈建国", 5.105221970090905e+17, "李秀英", "结婚"],  # lost its last digits
        ["E2", "张国华", int(ZHANG_ID_15), "李秀英", "结婚"],       # 15 digits: exact
        ["E3", "王明", ZHANG_ID, "赵丽", "结婚"],                    # text: as written
    ])
    report = run(database_url, tmp_path, path, EXCEL_MAPPING)
    assert report.inserted == 3 and report.rejected == []
    (line, warning), = report.warnings
    assert line == 2 and warning.startswith("husband_id_number (男方身份证号):")
    assert "lost digits" in warning
    held = documents(database_url)
    assert held["E1"]["parties"][0]["id_number"] is None
    assert held["E1"]["parties"][0]["id_number_raw"] is None
    assert held["E2"]["parties"][0]["id_number"] == ZHANG_ID
    assert held["E3"]["parties"][0]["id_number"] == ZHANG_ID


def test_a_shortened_number_in_a_csv_id_column_is_not_an_id(importer):
    from tests.nodes.people import marriage_row

    report = importer("marriage", [marriage_row("M1", husband_id_number="5.10522E+17")])
    assert report.inserted == 1
    assert any("shortened" in w for _, w in report.warnings)


def test_a_wrong_sheet_lists_the_sheets_and_a_wrong_header_row_shows_its_cells(database_url,
                                                                              tmp_path):
    path = excel(tmp_path, [["E1", "陈建国", ZHANG_ID, "李秀英", "结婚"]])
    with pytest.raises(MappingError, match="no sheet named '婚姻'.*婚姻登记, 说明"):
        run(database_url, tmp_path, path, EXCEL_MAPPING + "sheet: 婚姻\n")
    with pytest.raises(MappingError, match="line 2.*that row holds: E1, 陈建国"):
        run(database_url, tmp_path, path, EXCEL_MAPPING + "header_row: 2\n")


GBK_MAPPING = """columns: {local_id: 编号, youth_name: 姓名, dispatch_date: 下乡日期}
"""


def test_gbk_is_detected_and_a_lost_rare_character_is_a_warning(database_url, tmp_path):
    # 𠮷 is not in GBK: the system that wrote this file put '?' in its place
    data = write(tmp_path, "知青.csv", "编号,姓名,下乡日期\nZ1,周?,1974.3\nZ2,刘德华,1975\n",
                 "gbk")
    report = run(database_url, tmp_path, data, GBK_MAPPING, "sent_down_youth")
    assert report.encoding == "gb18030 (detected)"
    assert report.inserted == 2
    (line, warning), = report.warnings
    assert line == 2 and "'周?'" in warning and "UTF-8 or GB18030" in warning
    assert documents(database_url)["Z2"]["parties"][0]["name"] == "刘德华"


def test_a_user_defined_character_is_a_warning(database_url, tmp_path):
    data = tmp_path / "知青.csv"  # 王 and the old system's first user-defined character
    data.write_bytes("编号,姓名,下乡日期\nZ1,".encode("gbk") + b"\xcd\xf5\xaa\xa1"
                     + b",1974\n")
    report = run(database_url, tmp_path, data, GBK_MAPPING + "encoding: gb18030\n",
                 "sent_down_youth")
    (line, warning), = report.warnings
    assert line == 2 and "U+E000" in warning and "造字" in warning


@pytest.mark.parametrize("encoding, expected", [("utf-8-sig", "utf-8"), ("utf-8", "utf-8"),
                                                ("gb18030", "gb18030"), ("big5", "big5")])
def test_the_encoding_is_detected_among_those_archives_use(database_url, tmp_path, encoding,
                                                           expected):
    rows = "".join(f"Z{i},{name},197{i % 10}\n" for i, name in enumerate(
        ["陳國華", "林淑芬", "黃志明", "張美玲", "李建宏", "王雅婷", "劉家豪", "蔡宗翰"] * 3))
    data = write(tmp_path, "知青.csv", "编号,姓名,下乡日期\n".replace("编号", "編號")
                 .replace("下乡日期", "下鄉日期") + rows, encoding)
    mapping = "columns: {local_id: 編號, youth_name: 姓名, dispatch_date: 下鄉日期}\n"
    report = run(database_url, tmp_path, data, mapping, "sent_down_youth")
    assert report.encoding == f"{expected} (detected)"
    assert report.inserted == 24 and report.rejected == [] and report.warnings == []
    assert documents(database_url)["Z0"]["parties"][0]["name"] == "陈国华"


def test_a_line_the_encoding_cannot_read_costs_that_row_only(database_url, tmp_path):
    head = "编号,姓名,下乡日期\nZ1,王明,1974\n".encode()
    bad = "Z2,刘德华,1975\n".encode("gbk")
    tail = "Z3,赵丽,1976\n".encode()
    data = tmp_path / "知青.csv"
    data.write_bytes(head + bad + tail)
    report = run(database_url, tmp_path, data, GBK_MAPPING + "encoding: utf-8\n",
                 "sent_down_youth")
    assert report.inserted == 2
    (line, reason), = report.rejected
    assert line == 3
    assert f"byte {len(head) + 4}" in reason and "cannot be read as utf-8" in reason
    assert "gb18030 reads it" in reason
    assert sorted(documents(database_url)) == ["Z1", "Z3"]


def test_columns_joined_into_a_list_keep_their_positions(database_url, tmp_path):
    data = write(tmp_path, "林权.csv", "编号,户主,户主身份证号,共有人,共有人身份证号\n"
                 f"L1,王大山,,王二山,{ZHANG_ID}\n"
                 f"L2,赵四,{LI_ID},,\n")
    mapping = ("columns: {local_id: 编号, holder_names: [户主, 共有人], "
               "holder_id_numbers: [户主身份证号, 共有人身份证号]}\n")
    report = run(database_url, tmp_path, data, mapping, "forestry_right")
    assert report.rejected == [] and report.warnings == []
    held = documents(database_url)
    assert [(p["name"], p["id_number"]) for p in held["L1"]["parties"]] == [
        ("王大山", None), ("王二山", ZHANG_ID)]
    assert [(p["name"], p["id_number"]) for p in held["L2"]["parties"]] == [("赵四", LI_ID)]
