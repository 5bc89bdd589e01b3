"""Read the rows of a CSV or XLSX catalogue with their line numbers."""

import csv
from collections.abc import Iterator
from pathlib import Path

from nodes.importing.mapping import Mapping_, MappingError

Row = dict[str, object]


def file_format(path: Path, mapping: Mapping_) -> str:
    if mapping.format:
        return mapping.format
    return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"


def read_rows(path: Path, mapping: Mapping_) -> Iterator[tuple[int, Row]]:
    """Yield (line number, header -> value) for every data row of the file."""
    if file_format(path, mapping) == "xlsx":
        yield from _xlsx_rows(path, mapping)
    else:
        yield from _csv_rows(path, mapping)


def _check_headers(path: Path, headers: list[str], mapping: Mapping_) -> None:
    missing = sorted(mapping.headers_needed() - set(headers))
    if missing:
        raise MappingError(f"{path}: the header row has no column(s) {', '.join(missing)}")


def _csv_rows(path: Path, mapping: Mapping_) -> Iterator[tuple[int, Row]]:
    encoding = "utf-8-sig" if mapping.encoding.lower() in ("utf-8", "utf8") else mapping.encoding
    with open(path, newline="", encoding=encoding) as handle:
        reader = csv.reader(handle, delimiter=mapping.delimiter)
        headers: list[str] = []
        for record in reader:
            if reader.line_num >= mapping.header_row:
                headers = [h.strip() for h in record]
                break
        _check_headers(path, headers, mapping)
        width = len(headers)
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            row: Row = dict(zip(headers, record, strict=False))
            if len(record) != width:
                row["__width_error__"] = f"{len(record)} cells where the header has {width}"
            yield reader.line_num, row


def _xlsx_rows(path: Path, mapping: Mapping_) -> Iterator[tuple[int, Row]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook[mapping.sheet] if mapping.sheet else workbook.worksheets[0]
    except KeyError as exc:
        raise MappingError(f"{path}: no sheet named {mapping.sheet!r}") from exc
    headers: list[str] = []
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number < mapping.header_row:
                continue
            if number == mapping.header_row:
                headers = [str(v).strip() if v is not None else "" for v in values]
                _check_headers(path, headers, mapping)
                continue
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield number, dict(zip(headers, values, strict=False))
    finally:
        workbook.close()
