"""Read the rows of a CSV or XLSX catalogue with their line numbers.

A row is a dict of header -> cell value. Two keys mark a row that cannot be imported as
read: `ROW_ERROR` (the CSV row has another number of cells than the header, or a line the
encoding cannot read) and `SKIPPED` (a `skip_rows` rule matched it).
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from nodes.importing.encodings import DecodedLines, Encoding, choose
from nodes.importing.mapping import Mapping_, MappingError
from nodes.importing.mapping_file import nearest

Row = dict[str, object]
ROW_ERROR = "__row_error__"
SKIPPED = "__skipped__"


def file_format(path: Path, mapping: Mapping_) -> str:
    if mapping.format:
        return mapping.format
    return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"


def encoding_of(path: Path, mapping: Mapping_) -> Encoding | None:
    """The encoding a CSV file is read in (None for a workbook)."""
    return None if file_format(path, mapping) == "xlsx" else choose(path, mapping.encoding)


def read_rows(path: Path, mapping: Mapping_, encoding: Encoding | None = None
              ) -> Iterator[tuple[int, Row]]:
    """Yield (line number, header -> value) for every data row of the file."""
    if file_format(path, mapping) == "xlsx":
        rows = _xlsx_rows(path, mapping)
    else:
        rows = _csv_rows(path, mapping, encoding or choose(path, mapping.encoding))
    if not mapping.skip_rows:
        yield from rows
        return
    for line, row in rows:
        reason = mapping.skip_reason(row) if ROW_ERROR not in row else None
        yield (line, {**row, SKIPPED: reason}) if reason else (line, row)


def check_headers(path: Path, line: int, headers: list[str], mapping: Mapping_) -> None:
    missing = sorted(mapping.headers_needed() - set(headers))
    if missing:
        shown = ", ".join(h for h in headers if h) or "nothing"
        hints = "".join(nearest(m, headers) for m in missing[:3])
        raise MappingError(
            f"{path}: the header row (line {line}) has no column(s) {', '.join(missing)}"
            f"{hints}; that row holds: {shown} (is `header_row` right?)")


def _csv_rows(path: Path, mapping: Mapping_, encoding: Encoding) -> Iterator[tuple[int, Row]]:
    lines = DecodedLines(path, encoding)
    reader = csv.reader(iter(lines), delimiter=mapping.delimiter)
    headers: list[str] = []
    for record in reader:
        if reader.line_num >= mapping.header_row:
            headers = [h.strip() for h in record]
            break
    if mapping.header_row in lines.errors:
        raise MappingError(f"{path}: the header row (line {mapping.header_row}): "
                           f"{lines.errors[mapping.header_row]}")
    check_headers(path, mapping.header_row, headers, mapping)
    width = len(headers)
    last = reader.line_num
    for record in reader:
        first, last = last + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        row: Row = dict(zip(headers, record, strict=False))
        if lines.errors:
            bad = [number for number in range(first, last + 1) if number in lines.errors]
            if bad:
                row[ROW_ERROR] = f"line {bad[0]}: {lines.errors[bad[0]]}"
                yield last, row
                continue
        if len(record) != width:
            row[ROW_ERROR] = f"{len(record)} cells where the header has {width}"
        yield last, row


def _xlsx_rows(path: Path, mapping: Mapping_) -> Iterator[tuple[int, Row]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if mapping.sheet and mapping.sheet not in workbook.sheetnames:
            raise MappingError(f"{path}: no sheet named {mapping.sheet!r}; the workbook has: "
                               f"{', '.join(workbook.sheetnames)}")
        sheet = workbook[mapping.sheet] if mapping.sheet else workbook.worksheets[0]
        headers: list[str] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number < mapping.header_row:
                continue
            if number == mapping.header_row:
                headers = [str(v).strip() if v is not None else "" for v in values]
                check_headers(path, number, headers, mapping)
                continue
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield number, dict(zip(headers, values, strict=False))
        if not headers:
            check_headers(path, mapping.header_row, [], mapping)
    finally:
        workbook.close()
