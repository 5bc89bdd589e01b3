"""The certificate PDF: fonts embedded, text extractable, pages, PDF/A-2b intent."""

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pikepdf
import pypdf
import pytest

from certificates.pdf import UnprintableName, render_certificate
from certificates.pdf.content import chinese_date
from tests.certificates.samples import many_records, sample


@pytest.fixture(scope="module")
def one_page() -> bytes:
    return render_certificate(sample())


@pytest.fixture(scope="module")
def long_one() -> bytes:
    return render_certificate(sample(name="吉𠮷", records=many_records(60)))


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def fonts_of(pdf: bytes) -> list[pikepdf.Dictionary]:
    """Every font reachable from a page, Form XObjects included."""
    found = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        def walk(resources: pikepdf.Dictionary) -> None:
            for font in resources.get("/Font", {}).values():
                found.append((str(font.get("/BaseFont")), str(font.get("/Subtype")),
                              "/FontFile2" in font.get("/FontDescriptor", {})))
            for xobject in resources.get("/XObject", {}).values():
                if "/Resources" in xobject:
                    walk(xobject.Resources)

        for page in document.pages:
            walk(page.Resources)
    return found


def test_text_extracts_in_chinese(one_page: bytes) -> None:
    text = "".join(text_of(one_page))
    for expected in ("张德华", "档案查询证明", "泸档证〔2026〕第000123号",
                     "500118-HY-1987-0342", "5105**********002X", "婚姻", "知青", "招工",
                     "重庆市永川区档案馆", "已答复", "2026年11月25日", "第 1 页 共 1 页",
                     "办理退休工龄认定"):
        assert expected in text, expected


def test_every_font_is_embedded_truetype(one_page: bytes, long_one: bytes) -> None:
    for pdf in (one_page, long_one):
        fonts = fonts_of(pdf)
        assert fonts
        for base_font, subtype, embedded in fonts:
            assert subtype == "/TrueType" and embedded, base_font
            assert "Helvetica" not in base_font and "STSong" not in base_font


def test_rare_character_uses_embedded_fallback(long_one: bytes) -> None:
    assert "吉𠮷" in "".join(text_of(long_one))
    assert any("HanaMin" in base_font and embedded for base_font, _, embedded
               in fonts_of(long_one))


def test_extension_a_character_prints() -> None:
    pdf = render_certificate(sample(name="刘䶮"))
    assert "刘䶮" in "".join(text_of(pdf))


@pytest.mark.parametrize("character", ["\ue000", "\U0002fffd"])
def test_character_no_font_has_is_refused(character: str) -> None:
    with pytest.raises(UnprintableName, match=f"U\\+{ord(character):04X}"):
        render_certificate(sample(name=f"王{character}"))


def test_many_records_flow_onto_pages_of_y(long_one: bytes) -> None:
    pages = text_of(long_one)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "泸档证〔2026〕第000123号" in text
    everything = "".join(pages)
    for index in range(60):
        assert f"J{index:03d}-1975-{index:04d}" in everything
    assert pages[1].count("档号") == 1  # the header row is repeated on the next page
    assert "档案查询专用章" in pages[-1] and "档案查询专用章" not in pages[0]


def test_no_record_certificate() -> None:
    text = "".join(text_of(render_certificate(sample(kind="no_record", records=[]))))
    assert "无档案记载证明" in text and "未发现" in text


def test_pdfa_metadata_and_output_intent(one_page: bytes) -> None:
    with pikepdf.open(io.BytesIO(one_page)) as pdf:
        assert not pdf.is_encrypted
        assert pdf.pdf_version == "1.7"
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "2" and metadata["pdfaid:conformance"] == "B"
        assert metadata["dc:title"] == "档案查询证明 泸档证〔2026〕第000123号"
        assert "/Filter" not in pdf.Root.Metadata
        assert str(pdf.docinfo.Title) == metadata["dc:title"]
        assert str(pdf.docinfo.Creator) == metadata["xmp:CreatorTool"]
        assert str(pdf.docinfo.Producer) == metadata["pdf:Producer"]
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == pikepdf.Name.GTS_PDFA1
        profile = intent.DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"


def test_pages_and_fonts_compressed(one_page: bytes) -> None:
    with pikepdf.open(io.BytesIO(one_page)) as pdf:
        for page in pdf.pages:
            assert page.obj.Contents.Filter == pikepdf.Name.FlateDecode
            for font in page.Resources.Font.values():
                assert "/Filter" in font.FontDescriptor.FontFile2
    assert len(one_page) < 80_000


def test_no_transparency_but_the_seal(one_page: bytes, long_one: bytes) -> None:
    """The seal is stamped in Multiply as a transparency group (test_page.py); nothing else
    is transparent: no soft mask, no alpha, no other blend mode or group."""
    for pdf in (one_page, long_one):
        with pikepdf.open(io.BytesIO(pdf)) as document:
            groups = []
            for obj in document.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    assert "/SMask" not in obj
                    if obj.get("/Group", {}).get("/S") == pikepdf.Name.Transparency:
                        groups.append(obj)
                    assert obj.get("/BM", pikepdf.Name.Multiply) == pikepdf.Name.Multiply
                    for alpha in ("/CA", "/ca"):
                        assert float(obj.get(alpha, 1)) == 1
            assert len(groups) == 1  # the seal's


def test_same_content_same_bytes(one_page: bytes) -> None:
    assert render_certificate(sample()) == one_page


def test_chinese_date() -> None:
    assert chinese_date(date(2026, 11, 25)) == "2026年11月25日"
    assert chinese_date(date(2027, 1, 5)) == "2027年1月5日"


def test_certificates_rendered_at_once_come_out_as_rendered_alone() -> None:
    """The hub issues certificates from many request threads at once; reportlab's fonts are
    shared by them and reading a font is not thread-safe (a KeyError, or a wrong glyph)."""
    contents = [sample(name=name) for name in ("张德华", "李秀英", "吉𠮷", "王芳")]
    alone = [render_certificate(content) for content in contents]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(render_certificate, contents * 16))
    assert together == alone * 16
