"""Large files are read and prepared in reader processes: same outcome as in-process."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from nodes.importing import pipeline
from nodes.importing.mapping import MappingError
from nodes.importing.mapping_file import load_mapping
from nodes.models import Record
from nodes.services.importer import import_file
from nodes.storage import make_engine, upgrade_schema
from tests.nodes.conftest import write_standard_csv
from tests.nodes.people import marriage_row

ROWS = 5000  # three chunks at least


def catalogue_rows() -> list[dict[str, str]]:
    rows = [marriage_row(f"M{i:05d}", husband_name=f"张{'国华明'[i % 3]}") for i in range(ROWS)]
    rows[10]["event_date"] = "1978-13"          # kept, date unknown: a warning, first chunk
    rows[20]["pages"] = "two"                    # rejected, first chunk
    rows[2500]["registration_kind"] = "engaged"  # rejected, second chunk
    rows[4500]["local_id"] = "M00007"            # repeats a row of the first chunk
    return rows


def run(tmp_path: Path, name: str, reader_processes: bool, monkeypatch) -> tuple:
    monkeypatch.setattr(pipeline, "READER_PROCESS_MIN_BYTES", 0 if reader_processes else 10**12)
    engine = make_engine(f"sqlite:///{tmp_path / (name + '.sqlite')}")
    upgrade_schema(engine)
    path = write_standard_csv(tmp_path / f"{name}.csv", "marriage", catalogue_rows())
    report = import_file(engine, "marriage", path)
    with engine.connect() as connection:
        documents = [json.loads(d) for d in connection.scalars(
            select(Record.document).order_by(Record.local_id))]
    engine.dispose()
    return report, documents


def test_reader_processes_give_the_same_report_and_records(tmp_path, monkeypatch):
    here, here_documents = run(tmp_path, "inline", False, monkeypatch)
    there, there_documents = run(tmp_path, "spawned", True, monkeypatch)
    assert there.findings == here.findings
    assert [line for line, _ in there.rejected] == [22, 2502, 4502]
    assert "already appears on line 9" in dict(there.rejected)[4502]
    assert [line for line, _ in there.warnings] == [12]
    assert (there.inserted, there.updated, there.unchanged) == (ROWS - 3, 0, 0)
    assert there_documents == here_documents


def test_an_error_in_a_reader_process_reaches_the_caller(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "READER_PROCESS_MIN_BYTES", 0)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {local_id: 编号, husband_name: 男方姓名}", "utf-8")
    data = tmp_path / "legacy.csv"
    data.write_text("编号,姓名\nA1,张三\n", "utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'e.sqlite'}")
    upgrade_schema(engine)
    with pytest.raises(MappingError, match="no column"):
        import_file(engine, "marriage", data, load_mapping(mapping, "marriage"))
    engine.dispose()
