"""Catalogue file writers: the standard CSV, legacy CSVs and XLSX workbooks, streamed.

A legacy writer's header and cell values are derived from the catalogue's import mapping
(`layouts.mapping`), run backwards: standard values become legacy words, a split target
is joined, a list column is spread over its legacy columns. XLSX files are made
byte-for-byte reproducible (fixed zip and document timestamps).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.layouts import EXTRA_COLUMNS, FULL_DATE, TITLES, Mapping
from generator.standard import COLUMNS

Row = dict[str, object]
Cell = str | int
_FIXED_TIME = "2000-01-01T00:00:00Z"


def date_formatter(layout: str) -> Callable[[object], str]:
    """Writes a date tuple (0 = unknown month/day) in the layout's style; strings pass."""
    full = FULL_DATE[layout]

    def fmt(v: object) -> str:
        if isinstance(v, tuple):
            y, m, d = v
            if d:
                return full.format(y=y, m=m, d=d)
            return f"{y:04d}-{m:02d}" if m else f"{y:04d}"
        return "" if v is None else str(v)

    return fmt


def standard_cells(record_type: str) -> Callable[[Row], list[str]]:
    """Row -> cells of the standard CSV (ISO dates)."""
    cols = COLUMNS[record_type]
    fmt = date_formatter("standard")

    def cells(row: Row) -> list[str]:
        out = []
        for c in cols:
            v = row.get(c, "")
            out.append(fmt(v) if isinstance(v, tuple) else str(v))
        return out

    return cells


def legacy_cells(m: Mapping, layout: str) -> tuple[list[str], Callable[[Row], list[Cell]]]:
    """(legacy header, row -> legacy cells) for a mapping."""
    fmt = date_formatter(layout)
    inverse = {std: {code: legacy for legacy, code in vals.items()}
               for std, vals in m.get("values", {}).items()}
    header: list[str] = []
    getters: list[Callable[[Row], Cell]] = []

    def plain(std: str) -> Callable[[Row], Cell]:
        words = inverse.get(std)
        if words:
            return lambda row: words.get(str(row.get(std, "")), str(row.get(std, "")))
        return lambda row: fmt(row.get(std, ""))

    def part(std: str, first: bool) -> Callable[[Row], Cell]:
        def get(row: Row) -> Cell:
            items = str(row.get(std, "")).split(";")
            return items[0] if first else ";".join(items[1:])
        return get

    splits = {s["into"][0].split("_")[0]: s for s in m.get("split", [])}
    for std, legacy in m["columns"].items():
        role = std.split("_")[0]
        if role in splits:
            s = splits.pop(role)
            header.append(s["source"])
            into, sep = list(s["into"]), s["separator"]
            getters.append(lambda row, into=into, sep=sep: sep.join(
                str(row.get(c, "")) for c in into))
        if isinstance(legacy, list):
            for i, col in enumerate(legacy):
                header.append(col)
                getters.append(part(std, i == 0))
        elif legacy not in header:
            header.append(legacy)
            getters.append(plain(std))
    for extra in EXTRA_COLUMNS.get(layout, ()):
        header.append(extra)
        getters.append(lambda row: "")
    return header, lambda row: [g(row) for g in getters]


class CsvCatalogue:
    """One CSV file, written row by row."""

    def __init__(self, path: Path, header: list[str], cells: Callable[[Row], list[Any]],
                 encoding: str = "utf-8", delimiter: str = ",") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "w", encoding=encoding, newline="")
        self._writer = csv.writer(self._file, delimiter=delimiter, lineterminator="\r\n")
        self._writer.writerow(header)
        self._cells = cells
        self.rows = 0

    def write(self, row: Row) -> None:
        self._writer.writerow(self._cells(row))
        self.rows += 1

    def close(self) -> None:
        self._file.close()


class XlsxSheet:
    """One sheet of an XLSX workbook in write-only mode: a title row, then the header."""

    def __init__(self, ws: Any, title: str, header: list[str],
                 cells: Callable[[Row], list[Cell]]) -> None:
        self._ws = ws
        ws.append([title])
        ws.append(header)
        self._cells = cells
        self.rows = 0

    def write(self, row: Row) -> None:
        self._ws.append(self._cells(row))
        self.rows += 1

    def close(self) -> None:
        """Sheets are saved with their workbook."""


class XlsxWorkbook:
    """An XLSX file with one sheet per record type (openpyxl write-only mode)."""

    def __init__(self, path: Path, archive_name: str) -> None:
        from openpyxl import Workbook

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.archive_name = archive_name
        self._wb = Workbook(write_only=True)

    def sheet(self, record_type: str, name: str, header: list[str],
              cells: Callable[[Row], list[Cell]]) -> XlsxSheet:
        ws = self._wb.create_sheet(title=name)
        return XlsxSheet(ws, f"{self.archive_name}{TITLES[record_type]}", header, cells)

    def close(self) -> None:
        buf = io.BytesIO()
        self._wb.save(buf)
        reproducible_zip(buf.getvalue(), self.path)


def reproducible_zip(data: bytes, path: Path) -> None:
    """Rewrite an OOXML package with fixed entry times and document dates."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + _FIXED_TIME.encode(), body)
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
