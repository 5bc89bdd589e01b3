"""Importing catalogues: the standard CSV, legacy layouts through mappings, bad rows, re-imports."""

import json
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook
from sqlalchemy import func, select

from nodes.importing.mapping import MappingError
from nodes.importing.mapping_file import load_mapping
from nodes.models import Party, Record
from nodes.services.importer import import_file
from nodes.storage import make_engine, upgrade_schema
from schemas.records import validate_record
from tests.nodes.people import LI_ID, ZHANG_ID, ZHANG_ID_15, bad_check, marriage_row


def stored(database_url: str) -> list[dict]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        documents = connection.scalars(select(Record.document).order_by(Record.local_id)).all()
    engine.dispose()
    return [json.loads(d) for d in documents]


def test_standard_csv_imports_with_normalized_identities(importer, database_url):
    report = importer("marriage", [
        marriage_row("M1", husband_name="張國華", husband_id_number=ZHANG_ID_15,
                     event_date="1987.3"),
        marriage_row("M2", wife_id_number=LI_ID.lower(), event_date="一九七八年五月"),
    ])
    assert (report.inserted, report.rejected) == (2, [])
    first, second = stored(database_url)
    husband = first["parties"][0]
    assert husband["name"] == "张国华" and husband["name_raw"] == "張國華"
    assert husband["id_number"] == ZHANG_ID and husband["id_number_raw"] == ZHANG_ID_15
    assert husband["id_number_valid"] is True and husband["birth_date"] == "1952-03"
    assert first["event_date"] == "1987-03" and second["event_date"] == "1978-05"
    assert second["parties"][1]["id_number"] == LI_ID
    for document in (first, second):
        local_id = document.pop("local_id")
        document = {**document, "record_id": f"510500/marriage/{local_id}",
                    "archive": {"code": "510500", "name": "泸州市档案馆"}}
        assert validate_record(document) == {}


def test_bad_rows_are_reported_by_line_and_the_rest_lands(importer, database_url):
    report = importer("marriage", [
        marriage_row("M1"),
        marriage_row("M2", event_date="1978-13-01"),
        marriage_row("M3", registration_kind="engaged", pages="two"),
        marriage_row(""),
        marriage_row("M1"),
        marriage_row("M6"),
    ])
    assert report.inserted == 3
    lines = dict(report.rejected)
    assert sorted(lines) == [4, 5, 6]
    assert "registration_kind" in lines[4] and "pages" in lines[4]
    assert "local_id: required" in lines[5]
    assert "already appears on line 2" in lines[6]
    # a date that cannot be read is kept unknown, with a warning on its line
    assert dict(report.warnings)[3].startswith("event_date:")
    assert "kept as unknown" in dict(report.warnings)[3]
    documents = stored(database_url)
    assert [d["local_id"] for d in documents] == ["M1", "M2", "M6"]
    assert documents[1]["event_date"] is None


def test_strict_dates_reject_a_date_that_cannot_be_read(database_url, tmp_path: Path):
    from tests.live import write_csv

    data = write_csv(tmp_path / "m.csv", "marriage",
                     [marriage_row("M1", event_date="1978-13-01"), marriage_row("M2")])
    mapping = tmp_path / "m.yaml"
    mapping.write_text("strict_dates: true\ncolumns: {local_id: local_id, husband_name: "
                       "husband_name, wife_name: wife_name, event_date: event_date, "
                       "registration_kind: registration_kind}\n", "utf-8")
    engine = make_engine(database_url)
    upgrade_schema(engine)
    report = import_file(engine, "marriage", data, load_mapping(mapping, "marriage"))
    engine.dispose()
    assert report.inserted == 1 and [line for line, _ in report.rejected] == [2]


def test_a_bad_check_character_is_kept_with_a_warning(importer, database_url):
    report = importer("marriage", [marriage_row("M1", husband_id_number=bad_check(ZHANG_ID))])
    assert report.inserted == 1 and report.rejected == []
    assert any("check character" in warning for _, warning in report.warnings)
    husband = stored(database_url)[0]["parties"][0]
    assert husband["id_number"] == bad_check(ZHANG_ID) and husband["id_number_valid"] is False


def test_reimport_changes_nothing_and_an_edited_row_is_updated(importer, database_url):
    rows = [marriage_row("M1"), marriage_row("M2", husband_name="王明")]
    assert importer("marriage", rows).inserted == 2
    again = importer("marriage", rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    rows[1]["husband_name"] = "王鸣"
    edited = importer("marriage", rows)
    assert (edited.inserted, edited.updated, edited.unchanged) == (0, 1, 1)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Record)) == 2
        names = connection.scalars(select(Party.name).order_by(Party.name)).all()
    engine.dispose()
    assert sorted(names) == sorted(["张国华", "李秀英", "王鸣", "李秀英"])


def test_forestry_holders_split_into_parties_in_order(importer, database_url):
    row = {"local_id": "F1", "event_date": "1983", "access": "open", "certificate_no": "林证001",
           "township": "兆雅镇", "village": "新民村", "plot_no": "12", "area_mu": "3.5",
           "right_kind": "contract", "term_start": "1983", "term_end": "2013",
           "holder_names": "张国华;李秀英", "holder_id_numbers": f"{ZHANG_ID};"}
    assert importer("forestry_right", [row]).inserted == 1
    document = stored(database_url)[0]
    assert [p["name"] for p in document["parties"]] == ["张国华", "李秀英"]
    assert [p["id_number"] for p in document["parties"]] == [ZHANG_ID, None]
    assert document["details"]["location"]["village"] == "新民村"
    mismatched = dict(row, local_id="F2", holder_id_numbers=f"{ZHANG_ID};{LI_ID};{LI_ID}")
    assert "3 id numbers for 2 holder names" in importer("forestry_right", [mismatched],
                                                         "f2.csv").rejected[0][1]


LEGACY_MAPPING = {
    "record_type": "marriage",
    "encoding": "gb18030",
    "delimiter": ";",
    "columns": {"local_id": "BH", "file_no": "DH", "event_date": "DJRQ",
                "husband_id_number": "NFSFZH", "wife_id_number": "NVFSFZH",
                "registration_kind": "DJLB", "access": "KFZT"},
    "split": [{"source": "SFXM", "separator": "、", "into": ["husband_name", "wife_name"]}],
    "values": {"registration_kind": {"结婚": "marriage", "离婚": "divorce"},
               "access": {"开放": "open", "控制": "restricted"}},
    "constants": {"husband_gender": "M", "wife_gender": "F"},
    "date_formats": ["%d/%m/%Y"],
}


def test_legacy_csv_through_a_mapping(database_url, tmp_path: Path):
    mapping_path = tmp_path / "yongchuan.yaml"
    mapping_path.write_text(yaml.safe_dump(LEGACY_MAPPING, allow_unicode=True), "utf-8")
    data = tmp_path / "婚姻.csv"
    data.write_text(
        "BH;DH;DJRQ;SFXM;NFSFZH;NVFSFZH;DJLB;KFZT\n"
        f"Y1;0003-001-0001;12/05/1988;張國華、李秀英;{ZHANG_ID_15};;结婚;开放\n"
        "Y2;0003-001-0002;75-03-12;王明、赵丽;;;离婚;控制\n"
        "Y3;0003-001-0003;1975;王明、赵丽;;;订婚;开放\n",
        encoding="gb18030",
    )
    engine = make_engine(database_url)
    upgrade_schema(engine)
    report = import_file(engine, "marriage", data, load_mapping(mapping_path, "marriage"))
    engine.dispose()
    assert report.inserted == 2 and [line for line, _ in report.rejected] == [4]
    first, second = stored(database_url)
    assert first["event_date"] == "1988-05-12" and second["event_date"] == "1975-03-12"
    assert [p["name"] for p in first["parties"]] == ["张国华", "李秀英"]
    assert first["parties"][0]["id_number"] == ZHANG_ID and first["parties"][0]["gender"] == "M"
    assert second["details"]["registration_kind"] == "divorce"
    assert second["access"] == "restricted"


def test_xlsx_with_chinese_headers_below_a_title_row(database_url, tmp_path: Path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "知青"
    sheet.append(["泸州市档案馆 知青档案目录"])
    sheet.append(["编号", "姓名", "性别", "出生日期", "下乡日期", "公社"])
    sheet.append(["Z1", "阿依古丽•买买提", "女", "1956年", "1974年3月", "先锋公社"])
    sheet.append(["Z2", "周𠮷", "男", "一九五七年", "1975.9", "红旗公社"])
    path = tmp_path / "zhiqing.xlsx"
    workbook.save(path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(yaml.safe_dump({
        "sheet": "知青", "header_row": 2,
        "columns": {"local_id": "编号", "youth_name": "姓名", "youth_gender": "性别",
                    "youth_birth_date": "出生日期", "dispatch_date": "下乡日期",
                    "destination_commune": "公社"},
        "values": {"youth_gender": {"男": "M", "女": "F"}},
    }, allow_unicode=True), "utf-8")
    engine = make_engine(database_url)
    upgrade_schema(engine)
    report = import_file(engine, "sent_down_youth", path, load_mapping(mapping, "sent_down_youth"))
    engine.dispose()
    assert report.inserted == 2 and report.rejected == []
    first, second = stored(database_url)
    assert first["parties"][0]["name"] == "阿依古丽·买买提"
    assert first["parties"][0]["gender"] == "F"
    assert first["details"]["dispatch_date"] == "1974-03"
    assert second["parties"][0]["name"] == "周𠮷"
    assert first["access"] == "restricted"  # an archive that says nothing keeps it closed


def test_a_mapping_naming_a_missing_header_or_unknown_column_is_refused(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("columns: {local_id: BH, spouse: XM}", "utf-8")
    with pytest.raises(MappingError, match="'spouse' is not a column of marriage"):
        load_mapping(path, "marriage")
    path.write_text("record_type: employment\ncolumns: {local_id: BH}", "utf-8")
    with pytest.raises(MappingError, match="for 'employment'"):
        load_mapping(path, "marriage")
