"""Layouts, mappings and files: determinism, headers, encodings, standard column names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.catalogues import generate
from tests.generator.conftest import PEOPLE, SEED, catalogues, load_mapping, raw_rows

# The standard CSV import format, copied from docs/standard.md.
COMMON = ["local_id", "fonds_no", "catalog_no", "file_no", "item_no", "pages", "event_date",
          "access", "digitized_pages"]
STANDARD: dict[str, list[str]] = {
    "marriage": COMMON + [
        "registration_kind", "certificate_no", "registry_office", "husband_name",
        "husband_id_number", "husband_gender", "husband_birth_date", "husband_native_place",
        "wife_name", "wife_id_number", "wife_gender", "wife_birth_date", "wife_native_place"],
    "forestry_right": COMMON + [
        "certificate_no", "township", "village", "plot_no", "area_mu", "forest_type",
        "species", "right_kind", "term_start", "term_end", "boundary_east", "boundary_south",
        "boundary_west", "boundary_north", "holder_names", "holder_id_numbers"],
    "sent_down_youth": COMMON + [
        "youth_name", "youth_id_number", "youth_gender", "youth_birth_date",
        "youth_native_place", "origin_unit", "dispatch_date", "destination_county",
        "destination_commune", "destination_brigade", "destination_team", "return_date",
        "return_reason"],
    "employment": COMMON + [
        "worker_name", "worker_id_number", "worker_gender", "worker_birth_date",
        "worker_native_place", "employer", "recruitment_kind", "approval_doc_no", "position",
        "prior_status"],
}


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_same_seed_same_bytes(legacy_out: Path, tmp_path: Path) -> None:
    generate(tmp_path, people=PEOPLE, seed=SEED, layout="legacy")
    first, second = _files(legacy_out), _files(tmp_path)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name


def test_other_seed_other_people(legacy_out: Path, tmp_path: Path) -> None:
    generate(tmp_path, people=PEOPLE, seed=SEED + 1, layout="legacy")
    assert (tmp_path / "people.csv").read_bytes() != (legacy_out / "people.csv").read_bytes()


def test_manifest_lists_ten_archives(manifest: dict[str, Any], legacy_out: Path) -> None:
    assert manifest["seed"] == SEED and manifest["people"] == PEOPLE
    assert manifest["layout"] == "legacy"
    codes = [a["code"] for a in manifest["archives"]]
    assert sorted(codes) == sorted(["510500", "500118", "500116", "510502", "510503",
                                    "510504", "510521", "510522", "510524", "510525"])
    for a in manifest["archives"]:
        assert a["region_code"] == a["code"] and a["name"].endswith("档案馆")
        for c in a["catalogues"]:
            assert (legacy_out / c["file"]).is_file()
            assert c["mapping"] is None or (legacy_out / c["mapping"]).is_file()
            assert c["record_type"] in STANDARD


def test_at_least_three_layouts(legacy_out: Path, manifest: dict[str, Any]) -> None:
    kinds = set()
    for _, cat in catalogues(manifest):
        m = load_mapping(legacy_out, cat)
        kinds.add("standard" if m is None else
                  (m["format"], m.get("encoding"), m.get("delimiter"), m.get("header_row")))
    assert len(kinds) >= 3, kinds
    assert "standard" in kinds
    assert ("xlsx", None, None, 2) in kinds
    assert ("csv", "gb18030", ";", 1) in kinds


def test_mappings_name_only_standard_columns(legacy_out: Path,
                                             manifest: dict[str, Any]) -> None:
    seen = 0
    for _, cat in catalogues(manifest):
        if cat["mapping"] is None:
            continue
        m = yaml.safe_load((legacy_out / cat["mapping"]).read_text(encoding="utf-8"))
        seen += 1
        allowed = set(STANDARD[cat["record_type"]])
        assert m["record_type"] == cat["record_type"]
        assert m["format"] in ("csv", "xlsx")
        named = set(m["columns"]) | set(m.get("values", {})) | set(m.get("constants", {}))
        for s in m.get("split", []):
            named |= set(s["into"])
            assert isinstance(s["source"], str) and s["separator"]
        assert named <= allowed, named - allowed
        for std, legacy in m["columns"].items():
            assert isinstance(legacy, str | list), std
    assert seen >= 20


def test_standard_csv_headers(legacy_out: Path, manifest: dict[str, Any]) -> None:
    for code, cat in catalogues(manifest):
        if cat["mapping"] is None:
            assert code == "500116"
            header, _ = raw_rows(legacy_out, cat)
            assert header == STANDARD[cat["record_type"]]


def test_xlsx_header_matches_mapping(legacy_out: Path, manifest: dict[str, Any]) -> None:
    checked = 0
    for _, cat in catalogues(manifest):
        m = load_mapping(legacy_out, cat)
        if m is None or m["format"] != "xlsx":
            continue
        assert cat["file"].endswith(".xlsx")
        header, rows = raw_rows(legacy_out, cat)
        mapped = {c for v in m["columns"].values() for c in (v if isinstance(v, list) else [v])}
        assert mapped <= set(header)
        assert set(header) - mapped <= {"备注"}
        assert len(rows) == cat["rows"]
        assert {"编号", "全宗号", "目录号", "档号", "件号", "页数", "开放状态"} <= set(header)
        checked += 1
    assert checked >= 8


def test_gb18030_csv_decodes(legacy_out: Path, manifest: dict[str, Any]) -> None:
    checked = 0
    for _, cat in catalogues(manifest):
        m = load_mapping(legacy_out, cat)
        if m is None or m.get("encoding") != "gb18030":
            continue
        data = (legacy_out / cat["file"]).read_bytes()
        text = data.decode("gb18030")
        assert "QZH" in text
        header, rows = raw_rows(legacy_out, cat)
        assert {"BH", "QZH", "MLH", "DH"} <= set(header)
        assert len(rows) == cat["rows"] and all(len(r) == len(header) for r in rows)
        if cat["record_type"] == "marriage":
            assert "SFXM" in header and m["split"][0]["source"] == "SFXM"
            idx = header.index("SFXM")
            assert all(r[idx].count("、") == 1 for r in rows)
            assert "男" in text and "结婚" in text
        checked += 1
    assert checked == 4


def test_standard_layout_everywhere(tmp_path: Path) -> None:
    manifest = generate(tmp_path, people=60, seed=3, layout="standard")
    assert manifest["layout"] == "standard"
    for _, cat in catalogues(manifest):
        assert cat["mapping"] is None and cat["file"].endswith(".csv")
        header, rows = raw_rows(tmp_path, cat)
        assert header == STANDARD[cat["record_type"]]
        assert len(rows) == cat["rows"]
