"""The table of rare characters (生僻字) and the common characters GBK systems write for them."""

import fnmatch
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from schemas.names import (
    SUBSTITUTES,
    SUBSTITUTES_FILE,
    load_substitutes,
    normalize_name,
    pinyin_key,
    substitute_equivalents,
    substitute_form,
)

ROOT = Path(__file__).resolve().parents[2]


def gbk_can_write(character: str) -> bool:
    try:
        character.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def test_the_known_cases_are_in_the_table() -> None:
    assert SUBSTITUTES["𠮷"] == "吉"
    assert SUBSTITUTES["䶮"] == "岩"


@pytest.mark.parametrize(("rare", "common"), sorted(SUBSTITUTES.items()))
def test_every_rare_character_is_outside_gbk_and_its_substitute_inside(rare, common) -> None:
    assert len(rare) == len(common) == 1 and rare != common
    assert not gbk_can_write(rare)
    assert gbk_can_write(common)
    # normalize_name runs first: neither side may be rewritten by it
    assert normalize_name(rare) == rare and normalize_name(common) == common


def test_characters_gbk_writes_need_no_entry() -> None:
    assert gbk_can_write("堃") and gbk_can_write("喆") and gbk_can_write("龑")
    assert not {"堃", "喆", "龑"} & SUBSTITUTES.keys()


def test_the_substitute_form_writes_every_rare_character_as_its_substitute() -> None:
    assert substitute_form("王𠮷") == "王吉"
    assert substitute_form("王吉") == "王吉"
    assert substitute_form("劉䶮") == "刘岩"  # normalized first
    assert substitute_form("劉龑") == "刘岩"  # 龑 -> 䶮 by opencc, then the table
    assert substitute_form(" 𠮷 祥 ") == "吉祥"
    assert substitute_form(None) == substitute_form("") == ""


def test_equivalents_are_every_writing_with_and_without_the_rare_characters() -> None:
    assert set(substitute_equivalents("王吉")) == {"王吉", "王𠮷"}
    assert set(substitute_equivalents("王𠮷")) == {"王吉", "王𠮷"}
    assert set(substitute_equivalents("吉岩")) == {"吉岩", "𠮷岩", "吉䶮", "𠮷䶮"}
    assert substitute_equivalents("张国华") == ["张国华"]
    # the plain substitute form comes first; the number of writings is bounded
    many = substitute_equivalents("吉" * 12)
    assert many[0] == "吉" * 12 and len(many) <= 256
    # pypinyin cannot read 𠮷: the equivalents are what lets a search reach its key
    assert pinyin_key("王𠮷") != pinyin_key("王吉")


def test_the_loader_reads_the_csv_and_refuses_a_bad_row(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("rare,common,note\n𠮷,吉,a note\n", encoding="utf-8")
    assert load_substitutes(good) == {"𠮷": "吉"}
    for row in ("𠮷吉,吉,two characters", "𠮷,𠮷,itself", "𠮷,,empty"):
        bad = tmp_path / "bad.csv"
        bad.write_text(f"rare,common,note\n{row}\n", encoding="utf-8")
        with pytest.raises(ValueError, match="line 2"):
            load_substitutes(bad)
    twice = tmp_path / "twice.csv"
    twice.write_text("rare,common,note\n𠮷,吉,a\n𠮷,士,b\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        load_substitutes(twice)


def test_the_table_ships_with_the_package() -> None:
    assert resources.files("schemas").joinpath("data", SUBSTITUTES_FILE).is_file()
    with open(ROOT / "pyproject.toml", "rb") as handle:
        package_data = tomllib.load(handle)["tool"]["setuptools"]["package-data"]
    assert any(fnmatch.fnmatch(f"data/{SUBSTITUTES_FILE}", pattern)
               for pattern in package_data.get("schemas", []))
