"""Tests for name normalization and the pinyin key used for homophone matching."""


import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.names import (
    MIDDLE_DOT,
    VARIANTS,
    name_variants_equal,
    normalize_name,
    pinyin_key,
)

UYGHUR = "阿依古丽·买买提"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("張國榮", "张国荣"),
        ("鄧麗君", "邓丽君"),
        ("劉德華", "刘德华"),
        ("张国荣", "张国荣"),
        (" 张 三 ", "张三"),
        ("张\u3000三", "张三"),
        ("张\t三\n", "张三"),
        ("\ufeff张三\u200b", "张三"),
        ("ＡＢＣ", "ABC"),  # NFKC: full-width Latin
        ("李\u2f00", "李一"),  # NFKC: Kangxi radical one -> 一
        ("", ""),
        (None, ""),
        ("   ", ""),
    ],
)
def test_normalize_name(raw: str | None, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    "dot",
    [
        "\u00b7",
        "\u2022",
        "\u2027",
        "\u30fb",
        "\uff65",
        "\u22c5",
        "\u2219",
        "\u0387",
        "\uff0e",
        ".",
        "\u2e31",
        "\u318d",
        "\u16eb",
        "\ua78f",
    ],
)
def test_every_middle_dot_look_alike_becomes_u00b7(dot: str) -> None:
    assert normalize_name(f"阿依古丽{dot}买买提") == UYGHUR


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("阿依古丽··买买提", UYGHUR),
        ("阿依古丽 · 买买提", UYGHUR),
        ("阿依古丽•・.买买提", UYGHUR),
        ("·阿依古丽·买买提·", UYGHUR),
        ("..阿依古丽·买买提", UYGHUR),
        ("阿依古丽 买买提", "阿依古丽买买提"),  # a space is not a separator: removed
        ("阿依古丽-买买提", "阿依古丽-买买提"),  # a hyphen is kept as written
        ("·", ""),
    ],
)
def test_middle_dot_cleanup(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize("name", ["王𠮷", "𠮷祥", "李䶮", "王\U0002a6a5", "张\U00030edd"])
def test_rare_characters_are_kept(name: str) -> None:
    assert normalize_name(name) == name


def test_rare_character_survives_conversion_of_neighbours() -> None:
    assert normalize_name("張𠮷國") == "张𠮷国"


@pytest.mark.parametrize(("variant", "standard"), sorted(VARIANTS.items()))
def test_variant_table_entry(variant: str, standard: str) -> None:
    assert normalize_name("王" + variant) == "王" + standard


@pytest.mark.parametrize(("variant", "standard"), sorted(VARIANTS.items()))
def test_variant_table_holds_only_what_opencc_misses(variant: str, standard: str) -> None:
    assert opencc.OpenCC("t2s").convert(variant) == variant
    assert variant != standard


@pytest.mark.parametrize(
    ("variant", "standard"),
    [("峯", "峰"), ("羣", "群"), ("綫", "线"), ("線", "线"), ("裏", "里"), ("裡", "里")],
)
def test_variants_opencc_already_unifies(variant: str, standard: str) -> None:
    assert normalize_name("李" + variant) == "李" + standard


@pytest.mark.parametrize("name", ["李喆", "王堃", "张邨", "刘䶮", "王乾", "乾隆"])
def test_standard_name_characters_are_not_changed(name: str) -> None:
    assert normalize_name(name) == name


def test_a_user_defined_character_stays_itself() -> None:
    # GB18030 reads an old system's first user-defined character (造字, bytes AA A1) as
    # U+E000: it is the name's own character, not 乾
    written = b"\xcd\xf5\xaa\xa1".decode("gb18030")
    assert written == "王\ue000" and normalize_name(written) == "王\ue000"


@pytest.mark.parametrize(
    ("a", "b"),
    [("張國榮", "张国荣"), ("阿依古丽•买买提", UYGHUR), ("髙淸", "高清"), (" 王 峯", "王峰")],
)
def test_name_variants_equal(a: str, b: str) -> None:
    assert name_variants_equal(a, b)


def test_different_names_are_not_equal() -> None:
    assert not name_variants_equal("德华", "德化")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("德华", "de hua"),
        ("德化", "de hua"),
        ("劉德華", "liu de hua"),
        ("吕布", "lv bu"),
        ("女", "nv"),
        (UYGHUR, "a yi gu li mai mai ti"),
        ("阿依古丽•买买提", "a yi gu li mai mai ti"),
        ("John·Smith", "john smith"),
        ("王A", "wang a"),
        ("李䶮", "li yan"),
        ("", ""),
    ],
)
def test_pinyin_key(name: str, key: str) -> None:
    assert pinyin_key(name) == key


def test_pinyin_key_passes_unknown_rare_characters_through() -> None:
    assert pinyin_key("𠮷祥") == "𠮷 xiang"


def test_homophones_share_a_key_but_not_a_name() -> None:
    assert pinyin_key("德华") == pinyin_key("德化")
    assert normalize_name("德华") != normalize_name("德化")


# --- properties --------------------------------------------------------------------------

names = st.text(
    alphabet=st.sampled_from(
        list("张張国國德华華化李王阿依古丽买提峯淸髙乾 ·•・.\u3000-ABC") + ["𠮷", "䶮"]
    ),
    max_size=12,
)


@given(names)
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize_name(raw)
    assert normalize_name(once) == once


@given(names)
def test_normalized_form_is_clean(raw: str) -> None:
    name = normalize_name(raw)
    assert not any(c.isspace() for c in name)
    assert f"{MIDDLE_DOT}{MIDDLE_DOT}" not in name
    assert not name.startswith(MIDDLE_DOT) and not name.endswith(MIDDLE_DOT)
    assert "." not in name and "•" not in name
    assert name.count("𠮷") == raw.count("𠮷")
    assert name.count("䶮") == raw.count("䶮")


@given(names)
def test_pinyin_key_is_lower_case_and_dot_free(raw: str) -> None:
    key = pinyin_key(raw)
    assert key == key.lower()
    assert MIDDLE_DOT not in key
    assert "  " not in key
    assert key == pinyin_key(normalize_name(raw))
