"""Orchestration: lives -> records -> catalogue files, mappings, ground truth and manifest.

Output under OUT:
- `<archive_code>/...` the catalogues (and, for legacy layouts, `<type>.mapping.yaml`)
- `manifest.yaml` `{seed, people, layout, archives: [{code, name, region_code,
  catalogues: [{record_type, file, mapping, rows}]}]}` (paths relative to OUT)
- `people.csv` the true identities; `ground_truth.csv` one line per record party;
  `blemishes.csv` one line per (record, blemish kind).
Everything is streamed and depends only on (people, seed, layout).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any, Protocol

import yaml

from generator.archives import ARCHIVES, Archive
from generator.layouts import SHEETS, mapping
from generator.lives import Lives
from generator.people import PeopleFactory
from generator.records import RecordMaker, Row
from generator.standard import COLUMNS
from generator.writers import (
    CsvCatalogue,
    XlsxWorkbook,
    legacy_cells,
    standard_cells,
)

LAYOUT_CHOICES: tuple[str, ...] = ("legacy", "standard")


class Catalogue(Protocol):
    rows: int

    def write(self, row: Row) -> None: ...

    def close(self) -> None: ...


def _write_mapping(out: Path, rel: str, m: dict[str, Any], archive: Archive) -> None:
    text = (f"# Import mapping: {archive.name} ({archive.code}), {m['record_type']}, "
            f"layout {archive.layout}\n")
    text += yaml.safe_dump(m, allow_unicode=True, sort_keys=False)
    (out / rel).write_text(text, encoding="utf-8")


def open_catalogues(out: Path, archive: Archive, layout: str
                    ) -> tuple[dict[str, Catalogue], list[dict[str, Any]], XlsxWorkbook | None]:
    """Writers per record type, the manifest entries (rows filled in later), a workbook."""
    style = "standard" if layout == "standard" else archive.layout
    folder = out / archive.code
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[str, Catalogue] = {}
    entries: list[dict[str, Any]] = []
    book: XlsxWorkbook | None = None
    for rtype in archive.holds:
        mapping_rel: str | None = None
        if style == "standard":
            file_rel = f"{archive.code}/{rtype}.csv"
            writers[rtype] = CsvCatalogue(out / file_rel, list(COLUMNS[rtype]),
                                          standard_cells(rtype))
        else:
            m = mapping(style, rtype)
            mapping_rel = f"{archive.code}/{rtype}.mapping.yaml"
            _write_mapping(out, mapping_rel, m, archive)
            header, cells = legacy_cells(m, style)
            if style == "luzhou_xlsx":
                file_rel = f"{archive.code}/{archive.code}-catalogue.xlsx"
                if book is None:
                    book = XlsxWorkbook(out / file_rel, archive.name)
                writers[rtype] = book.sheet(rtype, SHEETS[rtype], header, cells)
            else:
                file_rel = f"{archive.code}/{rtype}.csv"
                encoding = "gb18030" if style == "yongchuan_csv" else "utf-8-sig"
                writers[rtype] = CsvCatalogue(out / file_rel, header, cells, encoding,
                                              m["delimiter"])
        entries.append({"record_type": rtype, "file": file_rel, "mapping": mapping_rel,
                        "rows": 0})
    return writers, entries, book


def generate(out: Path, people: int, seed: int, layout: str = "legacy",
             namesakes: float = 0.0) -> dict[str, Any]:
    """Write the synthetic catalogues of all ten archives under `out`; return the manifest.

    ``namesakes``: the share of households whose head has the name, birth date and gender of
    someone generated before (two people only their id numbers and lives tell apart)."""
    if layout not in LAYOUT_CHOICES:
        raise ValueError(f"layout must be one of {LAYOUT_CHOICES}, not {layout!r}")
    if people < 1:
        raise ValueError("people must be at least 1")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    writers: dict[tuple[str, str], Catalogue] = {}
    archive_entries: list[dict[str, Any]] = []
    books: list[XlsxWorkbook] = []
    for archive in ARCHIVES:
        ws, entries, book = open_catalogues(out, archive, layout)
        writers.update({(archive.code, t): w for t, w in ws.items()})
        archive_entries.append({"code": archive.code, "name": archive.name,
                                "region_code": archive.code, "catalogues": entries})
        if book is not None:
            books.append(book)

    lives = Lives(rng, PeopleFactory(rng), namesakes)
    maker = RecordMaker(rng)
    with open(out / "people.csv", "w", encoding="utf-8", newline="") as pf, \
            open(out / "ground_truth.csv", "w", encoding="utf-8", newline="") as gf, \
            open(out / "blemishes.csv", "w", encoding="utf-8", newline="") as bf:
        people_w, truth_w, blem_w = (csv.writer(f, lineterminator="\n") for f in (pf, gf, bf))
        people_w.writerow(["person_id", "name", "id_number", "gender", "birth_date",
                           "native_place"])
        truth_w.writerow(["person_id", "record_id", "role"])
        blem_w.writerow(["record_id", "kind"])
        for members, events in lives.run(people):
            people_w.writerows([p.pid, p.name, p.id18, p.gender, p.birth_iso, p.native_place]
                               for p in members)
            for ev in events:
                writer = writers.get((ev.archive, ev.rtype))
                if writer is None:  # an archive that does not hold this type
                    continue
                local_id, row, kinds = maker.make(ev)
                writer.write(row)
                rid = f"{ev.archive}/{ev.rtype}/{local_id}"
                truth_w.writerows([p.pid, rid, role] for p, role in ev.parties)
                if kinds:
                    blem_w.writerows([rid, k] for k in kinds)

    for w in writers.values():
        w.close()
    for book in books:
        book.close()
    for entry in archive_entries:
        for cat in entry["catalogues"]:
            cat["rows"] = writers[(entry["code"], cat["record_type"])].rows
    manifest = {"seed": seed, "people": people, "layout": layout, "namesakes": namesakes,
                "archives": archive_entries}
    (out / "manifest.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return manifest
