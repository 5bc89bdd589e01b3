"""Canonical content, its digest, and masking holders."""

import copy
import json
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from certificates.tokens import (
    canonical_content,
    content_digest,
    mask_holder,
    mask_id_number,
    mask_name,
    short_digest,
)
from tests.certificates.tokens.samples import certificate


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


def _leaves(value: Any, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _changed(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return "changed"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, date):
        return date(value.year, value.month, value.day + 1)
    return value + "一"


def test_canonical_form_is_sorted_compact_utf8() -> None:
    content = canonical_content({"b": [1, True, None], "a": "泸州", "c": {"z": 1, "y": 2}})
    assert content == '{"a":"泸州","b":[1,true,null],"c":{"y":2,"z":1}}'.encode()


def test_canonical_form_ignores_key_order() -> None:
    content = certificate()
    assert canonical_content(_reversed(content)) == canonical_content(content)
    assert content_digest(_reversed(content)) == content_digest(content)


def test_canonical_form_ignores_unicode_normalization() -> None:
    composed = {"name": "José 张德华", "Café": "é"}
    decomposed = {unicodedata.normalize("NFD", k): unicodedata.normalize("NFD", v)
                  for k, v in composed.items()}
    assert decomposed != composed
    assert canonical_content(decomposed) == canonical_content(composed)
    # a CJK compatibility ideograph has the unified one as its canonical form
    assert canonical_content({"n": "\uf900"}) == canonical_content({"n": "\u8c48"})


def test_dates_are_iso_and_other_types_are_refused() -> None:
    assert canonical_content({"d": date(2026, 1, 2)}) == b'{"d":"2026-01-02"}'
    for value in (1.5, datetime(2026, 1, 2), {1, 2}, b"bytes"):
        with pytest.raises(TypeError):
            canonical_content({"v": value})
    with pytest.raises(TypeError):
        canonical_content({1: "non-string key"})
    with pytest.raises(ValueError):
        canonical_content({"e\u0301": 1, "\u00e9": 2})  # one key under NFC
    with pytest.raises(ValueError):
        canonical_content({"v": "\ud800"})


def test_canonical_form_reads_back_as_the_same_content() -> None:
    content = certificate()
    content["issued_on"] = content["issued_on"].isoformat()
    assert json.loads(canonical_content(content)) == content


def test_digest_changes_with_any_field() -> None:
    content = certificate()
    digests = {content_digest(content)}
    paths = list(_leaves(content))
    assert len(paths) > 15
    for path in paths:
        changed = copy.deepcopy(content)
        parent = changed
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = _changed(parent[path[-1]])
        digests.add(content_digest(changed))
    assert len(digests) == len(paths) + 1
    # adding or dropping a field, or reordering a list, changes it too
    assert content_digest({**content, "extra": None}) not in digests
    assert content_digest({**content, "records": content["records"][::-1]}) not in digests


def test_digest_forms() -> None:
    content = certificate()
    full, short = content_digest(content), short_digest(content)
    assert len(full) == 43 and len(short) == 22
    assert "=" not in full + short
    assert full[:21] == short[:21]  # the same first 16 bytes


@pytest.mark.parametrize(("name", "masked"), [
    ("张华", "张*"),
    ("张德华", "张*华"),
    ("欧阳娜娜", "欧**娜"),
    ("司马相如", "司**如"),
    ("阿依古丽·买买提", "阿***·**提"),
    ("阿依古丽・买买提", "阿***・**提"),
    ("𠮷德华", "𠮷*华"),
    ("王𠮷", "王*"),
    ("张德𠮷", "张*𠮷"),
    (" 张德华 ", "张*华"),
    ("华", "*"),
    ("John Smith", "J*** ****h"),
])
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_name_keeps_variation_sequences_whole() -> None:
    # 葛 with an ideographic variation selector stays one character, unmasked at the end
    assert mask_name("张德葛\U000e0100") == "张*葛\U000e0100"
    assert mask_name("葛\U000e0100德华") == "葛\U000e0100*华"


def test_mask_name_refuses_empty_names() -> None:
    with pytest.raises(ValueError):
        mask_name(" · ")


@pytest.mark.parametrize(("number", "masked"), [
    ("51050219800101002X", "5105**********002X"),
    ("51050219800101002x", "5105**********002X"),
    ("510502800101002", "5105*******1002"),
    ("E12345678", "E123*5678"),
    ("12345678", "******78"),
    ("12", "**"),
])
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


def test_mask_holder() -> None:
    assert mask_holder("张德华", None) == "张*华"
    assert mask_holder("张德华", "51050219800101002X") == "张*华 5105**********002X"
