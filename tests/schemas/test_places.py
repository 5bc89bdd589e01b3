"""Places written in records against the region an id number was issued in."""

import pytest

from schemas.places import place_agreement, place_core, region_places, same_county


@pytest.mark.parametrize(("written", "core"), [
    ("四川省瀘州市納溪區", "泸州纳溪"), ("江津县", "江津"), ("重庆市江津区", "江津"),
    ("泸县", "泸县"), ("新疆喀什市", "喀什"), ("新疆维吾尔自治区喀什市", "喀什"),
    ("510521", "code:510521"), ("四川省", None), ("重庆市", None), ("", None)])
def test_the_core_of_a_written_place(written: str, core: str | None) -> None:
    assert place_core(written) == core


def test_a_code_names_its_county_under_every_name_it_has_had() -> None:
    assert region_places("510502").counties == {"市中", "江阳"}  # 市中区 until 1994
    assert region_places("510502").prefectures == {"泸州"}
    # Yongchuan: Sichuan's county until 1992, city until 1997, Chongqing's since
    assert {"永川"} == region_places("510229").counties == region_places("510281").counties \
        == region_places("500118").counties
    assert same_county("510225", "500116")  # 江津县 (1983-1992) is today's 江津区
    assert not same_county("510502", "510503")
    assert not region_places("999999").known


@pytest.mark.parametrize(("code", "written", "agreement"), [
    ("500118", "四川省永川县", "county"),  # today's code, the record's old name
    ("510229", "重庆市永川区", "county"),  # an old code, the record's new name
    ("510502", "四川省瀘州市市中區", "county"),
    ("510502", "四川省泸州市江阳区", "county"),
    ("510521", "泸县福集镇", "county"),
    ("510503", "泸州市", "prefecture"),
    ("510502", "510500", "prefecture"),
    ("510503", "四川省泸州市江阳区", "other"),
    ("510502", "泸县", "other"),
    ("510502", "四川省乐山市市中区", "other"),  # another city's 市中区
    ("510502", None, None),
    ("999999", "泸县", None),
])
def test_a_written_place_against_a_code(code: str, written: str | None,
                                        agreement: str | None) -> None:
    assert place_agreement(code, written) == agreement
