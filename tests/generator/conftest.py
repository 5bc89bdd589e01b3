"""Shared fixtures: one small legacy generation and a tiny reader of its catalogues."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalogues import generate

PEOPLE = 300
SEED = 7


@pytest.fixture(scope="session")
def legacy_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("legacy")
    generate(out, people=PEOPLE, seed=SEED, layout="legacy")
    return out


@pytest.fixture(scope="session")
def manifest(legacy_out: Path) -> dict[str, Any]:
    return yaml.safe_load((legacy_out / "manifest.yaml").read_text(encoding="utf-8"))


def catalogues(manifest: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(a["code"], c) for a in manifest["archives"] for c in a["catalogues"]]


def load_mapping(out: Path, cat: dict[str, Any]) -> dict[str, Any] | None:
    if cat["mapping"] is None:
        return None
    return yaml.safe_load((out / cat["mapping"]).read_text(encoding="utf-8"))


def raw_rows(out: Path, cat: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """(header, data rows) of one catalogue, as written."""
    m = load_mapping(out, cat) or {"format": "csv", "encoding": "utf-8", "delimiter": ","}
    path = out / cat["file"]
    header_row = m.get("header_row", 1)
    if m.get("format") == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        rows = [list(r) for r in wb[m["sheet"]].iter_rows(values_only=True)]
        wb.close()
    else:
        text = path.read_bytes().decode(m.get("encoding", "utf-8"))
        text = text.removeprefix("\ufeff")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=m["delimiter"]))
    header = [str(h) for h in rows[header_row - 1]]
    return header, rows[header_row:]


def standard_rows(out: Path, cat: dict[str, Any]) -> list[dict[str, str]]:
    """The catalogue's rows under standard column names (a minimal mapping reader)."""
    m = load_mapping(out, cat)
    header, rows = raw_rows(out, cat)
    result = []
    for raw in rows:
        legacy = {h: ("" if v is None else str(v)) for h, v in zip(header, raw, strict=False)}
        if m is None:
            result.append(legacy)
            continue
        row: dict[str, str] = {}
        for std, col in m["columns"].items():
            if isinstance(col, list):
                row[std] = ";".join(legacy[c] for c in col if legacy[c])
            else:
                row[std] = legacy[col]
        for s in m.get("split", []):
            for std, part in zip(s["into"], legacy[s["source"]].split(s["separator"]),
                                 strict=True):
                row[std] = part
        for std, words in m.get("values", {}).items():
            row[std] = words.get(row[std], row[std])
        result.append(row)
    return result
