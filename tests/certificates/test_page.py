"""The certificate's page (issue 15): one A4 page for the common case, the large QR code with
what a person types under it, the seal stamped in Multiply over the issuer and date, an
archive's own seal, and the wording (受理, 知青 destinations)."""

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pikepdf
import pypdf
import pytest
from flask import Flask
from PIL import Image, ImageDraw
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from casework.models import CaseRequest
from certificates.issuing import issue_from_query
from certificates.models import Certificate
from certificates.pdf import qr, render_certificate
from certificates.pdf.render import coverage_text, grouped_code
from certificates.pdf.seal import FORM_KEY, SealFileError, load_seal, load_seals
from certificates.wording import record_summary
from federation.app import create_app
from federation.config import DEFAULTS, ConfigurationError, hub_settings
from federation.identity import Identity
from federation.models import Query
from tests.certificates.samples import REGION, sample, typical_records
from tests.certificates.test_pdf import fonts_of
from tests.certificates.test_real_parts import decode_last_page

ADDRESS = "https://liancha.example.cn/v"
NUMBER = "泸档证〔2026〕第000123号"


def certificate(records: list, **changes: object):  # type: ignore[no-untyped-def]
    """The sample with the region's ten archives and a verification code."""
    return replace(sample(records=records), archives_searched=REGION, verify_code="7KQ4M9PX",
                   verify_address=ADDRESS, **changes)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def seal_form(pdf: pikepdf.Pdf) -> tuple[int, pikepdf.Stream]:
    """The page number (from 1) and the Form XObject of the seal."""
    found = [(number, page.Resources.XObject[FORM_KEY])
             for number, page in enumerate(pdf.pages, start=1)
             if FORM_KEY in page.Resources.get("/XObject", {})]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("qr_change", [-5 * mm, 0, 5 * mm])
def test_eight_records_and_ten_archives_fit_on_one_page(monkeypatch: pytest.MonkeyPatch,
                                                        qr_change: float) -> None:
    monkeypatch.setattr(qr, "SYMBOL_SIZE", qr.SYMBOL_SIZE + qr_change)
    pdf = render_certificate(certificate(typical_records(8)))
    pages = pages_text(pdf)
    assert len(pages) == 1
    for expected in ("共8件", "特此证明", "查询范围及各馆答复：上述10个档案馆中", "超时未答复",
                     "古蔺县档案馆", "档案查询专用章", "泸州市档案馆", "2026年11月25日",
                     "第 1 页 共 1 页", f"核验网址：{ADDRESS}", "核验码：7KQ4 M9PX"):
        assert expected in pages[0], expected


def test_a_no_record_certificate_of_ten_archives_is_one_page() -> None:
    pages = pages_text(render_certificate(certificate([], kind="no_record")))
    assert len(pages) == 1 and "均未发现" in pages[0] and "特此证明" in pages[0]


def test_twenty_records_close_on_the_last_page_with_text_above_the_seal() -> None:
    url = "https://liancha.example.cn/v/" + "A1b2C3d4_-" * 20
    pdf = render_certificate(replace(certificate(typical_records(20)), verify_url=url))
    pages = pages_text(pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert NUMBER in text
    for closing in ("特此证明", "档案查询专用章", "核验码：7KQ4 M9PX", ADDRESS,
                    "查询范围及各馆答复"):
        assert closing in pages[-1] and all(closing not in text for text in pages[:-1])
    # the seal closes text: the last record goes with it (under the table's header), never
    # a page of seal alone
    assert "LX-LQ-1983-0519" not in pages[-1] and "XY-LQ-1984-1203" in pages[-1]
    assert pages[-1].count("档号") == 1
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert seal_form(document)[0] == len(pages)
    assert decode_last_page(pdf) == [url]


def test_the_answers_name_the_archives_that_did_not_answer() -> None:
    """The sentence above names every archive searched; this says how they answered."""
    def said(answers: list) -> str:
        return coverage_text(replace(sample(), archives_searched=answers))

    assert said(REGION) == ("上述10个档案馆中，泸州市江阳区档案馆超时未答复；合江县档案馆查询"
                            "出错，未答复；其余8个档案馆均已答复。")
    assert said([replace(a, status="ok") for a in REGION]) == "上述10个档案馆均已答复。"
    assert said(REGION[:2]) == "上述2个档案馆均已答复。"
    assert said([REGION[0], REGION[3]]) == ("上述2个档案馆中，泸州市江阳区档案馆超时未答复；"
                                             "泸州市档案馆已答复。")
    assert said([replace(REGION[1], status="found"), *REGION[4:7]]) == (
        "上述4个档案馆中，重庆市永川区档案馆已答复，有记载；其余3个档案馆均已答复。")
    assert said(REGION[:1]) == "泸州市档案馆已答复。"


def test_verification_code_is_grouped_and_left_out_when_there_is_none() -> None:
    assert grouped_code("7KQ4M9PX") == "7KQ4 M9PX"
    assert grouped_code("7KQ4M9PXA") == "7KQ 4M9 PXA"
    assert grouped_code("7KQ4M9PXAB") == "7KQ4M 9PXAB"
    without = replace(sample(), verify_hint="用手机扫描左侧二维码，核对本证明。")
    old = "".join(pages_text(render_certificate(without)))
    assert "核验码" not in old and "核验网址" not in old and "特此证明" in old


def test_the_seal_is_stamped_in_multiply_as_a_transparency_group() -> None:
    pdf = render_certificate(certificate(typical_records(3)))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        _, form = seal_form(document)
        assert form.Group.S == pikepdf.Name.Transparency
        page = document.pages[0]
        states = page.Resources.ExtGState
        operations = pikepdf.parse_content_stream(page)
        painted = [index for index, (operands, operator) in enumerate(operations)
                   if str(operator) == "Do" and operands[0] == FORM_KEY]
        assert len(painted) == 1
        before = operations[painted[0] - 3:painted[0]]  # q, /gs, cm: the seal's own state
        blend = [states[operands[0]].get("/BM") for operands, operator in before
                 if str(operator) == "gs"]
        assert blend == [pikepdf.Name.Multiply]
        centre = next(operands for operands, operator in before if str(operator) == "cm")
        cx, cy = float(centre[4]), float(centre[5])
        radius = float(form.BBox[2])
        for obj in document.objects:  # no alpha below 1, no soft mask: only the blend
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                assert "/SMask" not in obj
                assert all(float(obj.get(alpha, 1)) == 1 for alpha in ("/CA", "/ca"))
    # over the issuer's name and the date (骑字盖章), which stay text under it
    placed: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if text in ("泸州市档案馆", "2026") and size > 11.5:  # not the footer's, the body's
            placed.setdefault(text, (tm[4], tm[5]))  # (the date comes in pieces)

    pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert set(placed) == {"泸州市档案馆", "2026"}
    for x, y in placed.values():
        assert abs(y - cy) < radius / 2 and cx - radius < x < cx


def _png_seal(path: Path, size: int = 300) -> Path:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, size - 4, size - 4), outline=(200, 20, 20, 255),
                                   width=size // 20)
    image.save(path)
    return path


def _pdf_seal(path: Path, cmyk: bool = False) -> Path:
    canvas = Canvas(str(path), pagesize=(40 * mm, 40 * mm))
    if cmyk:
        canvas.setStrokeColorCMYK(0, 1, 1, 0)
    else:
        canvas.setStrokeColorRGB(0.8, 0.1, 0.1)
    canvas.setLineWidth(2 * mm)
    canvas.circle(20 * mm, 20 * mm, 18 * mm)
    canvas.showPage()
    canvas.save()
    return path


def test_a_configured_png_seal_is_used(tmp_path: Path) -> None:
    art = load_seal(_png_seal(tmp_path / "510500.png"))
    pdf = render_certificate(certificate(typical_records(3), seal_art=art))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        _, form = seal_form(document)
        image = form.Resources.XObject.Art
        assert image.Subtype == pikepdf.Name.Image and (image.Width, image.Height) == (300, 300)
        assert image.SMask.ColorSpace == pikepdf.Name.DeviceGray  # the PNG's alpha
        assert form.Group.S == pikepdf.Name.Transparency
        assert document.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
    assert "档案查询专用章" not in pages_text(pdf)[0]  # not the drawn seal


def test_a_configured_pdf_seal_is_used_with_no_unembedded_font(tmp_path: Path) -> None:
    art = load_seal(_pdf_seal(tmp_path / "510500.pdf"))
    pdf = render_certificate(certificate(typical_records(3), seal_art=art))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        _, form = seal_form(document)
        assert form.Resources.XObject.Art.Subtype == pikepdf.Name.Form
    assert all(subtype == "/TrueType" and embedded for _, subtype, embedded in fonts_of(pdf))
    assert "档案查询专用章" not in pages_text(pdf)[0]


SVG_SEAL = """<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm"
 viewBox="0 0 420 420"><circle cx="210" cy="210" r="190" fill="none" stroke="#d81e1e"
 stroke-width="18"/><path d="M210 120 L235 190 L305 190 L250 230 L270 300 L210 258
 L150 300 L170 230 L115 190 L185 190 Z" fill="#d81e1e"/></svg>"""


def test_a_configured_svg_seal_is_drawn_as_vectors(tmp_path: Path) -> None:
    (tmp_path / "510500.svg").write_text(SVG_SEAL, "utf-8")
    art = load_seal(tmp_path / "510500.svg")
    assert art.kind == "pdf" and abs(art.width - 42 * mm) < 1
    pdf = render_certificate(certificate(typical_records(3), seal_art=art))
    with pikepdf.open(io.BytesIO(pdf)) as document:
        _, form = seal_form(document)
        artwork = form.Resources.XObject.Art
        assert artwork.Subtype == pikepdf.Name.Form
        operators = {str(op) for _, op in pikepdf.parse_content_stream(artwork)}
        assert {"c", "l", "S", "f*"} <= operators and "Do" not in operators  # paths, no image
        assert form.Group.S == pikepdf.Name.Transparency
    assert "档案查询专用章" not in pages_text(pdf)[0]


def test_unusable_seal_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SealFileError, match="RGB"):
        load_seal(_pdf_seal(tmp_path / "cmyk.pdf", cmyk=True))
    (tmp_path / "510500.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(SealFileError, match="convert"):
        load_seal(tmp_path / "510500.jpg")
    (tmp_path / "broken.svg").write_text("<svg", "utf-8")
    with pytest.raises(SealFileError, match="SVG"):
        load_seal(tmp_path / "broken.svg")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(SealFileError):
        load_seal(tmp_path / "broken.png")
    _png_seal(tmp_path / "500118.png")
    _pdf_seal(tmp_path / "500118.pdf")
    with pytest.raises(SealFileError, match="keep one"):
        load_seals(tmp_path, ["500118"])


def _nodes_file(tmp_path: Path, keys: dict[str, Path]) -> Path:
    path = tmp_path / "nodes.yaml"
    path.write_text("nodes:\n" + "".join(
        f"  - {{code: '{code}', name: {name}, url: 'http://127.0.0.1:9', "
        f"public_key: '{keys['node_public']}'}}\n"
        for code, name in (("510500", "泸州市档案馆"), ("500118", "重庆市永川区档案馆"))), "utf-8")
    return path


def test_the_hub_reads_its_seal_directory_once(tmp_path: Path, keys: dict[str, Path]) -> None:
    seals = tmp_path / "seals"
    seals.mkdir()
    _png_seal(seals / "500118.png")
    (seals / "README.txt").write_text("seals of the archives")
    config = {**DEFAULTS, "NODES": _nodes_file(tmp_path, keys),
              "SIGNING_KEY": keys["hub_private"], "IDENTITY_PUBLIC_KEY": keys["hub_public"],
              "CERTIFICATE_KEYS": tmp_path / "certificate-keys", "SEAL_DIRECTORY": seals}
    settings = hub_settings(config)
    assert list(settings.seals) == ["500118"] and settings.seals["500118"].kind == "png"
    assert hub_settings({**config, "SEAL_DIRECTORY": None}).seals == {}
    (seals / "510500.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(ConfigurationError, match="SEAL_DIRECTORY"):
        hub_settings(config)


@pytest.fixture
def hub(tmp_path: Path, database_url: str, keys: dict[str, Path]) -> Flask:
    seals = tmp_path / "seals"
    seals.mkdir()
    _png_seal(seals / "500118.png")
    app = create_app({"NODES": _nodes_file(tmp_path, keys), "SIGNING_KEY": keys["hub_private"],
                      "IDENTITY_PUBLIC_KEY": keys["stranger_public"],
                      "CERTIFICATE_KEYS": tmp_path / "certificate-keys",
                      "DATABASE_URL": database_url, "SEAL_DIRECTORY": seals,
                      "CALLBACK_POLL_S": 0})
    yield app
    app.extensions["liancha.db"].engine.dispose()


def _query(query_id: str, request_no: str | None) -> Query:
    archives = [{"code": "510500", "name": "泸州市档案馆"},
                {"code": "500118", "name": "重庆市永川区档案馆"}]
    record = {"record_id": "500118:YC-ZQ-1", "record_type": "sent_down_youth",
              "archive": archives[1], "reference": {"file_no": "YC-ZQ-1970-0001"},
              "event_date": "1970-03", "parties": [{"name_raw": "张德华", "role": "youth"}],
              "details": {"origin_unit": "泸州市第一中学", "dispatch_date": "1970-03",
                          "destination": {"brigade": "红旗大队", "commune": "来苏公社",
                                          "county": "永川县", "team": "第三生产队"}}}
    answer = {"query_id": query_id, "complete": True, "records": [record], "persons": [],
              "nodes": [{"archive": archive, "status": "ok"} for archive in archives]}
    return Query(query_id=query_id, created_at=datetime.now(UTC), actor="clerk:chen",
                 role="clerk", actor_archive="500118", purpose="退休工龄认定",
                 subject=json.dumps({"name": "张德华", "id_number": "510502195203041234"}),
                 complete=True, took_ms=1.0, answer=json.dumps(answer, ensure_ascii=False),
                 request_no=request_no, scope=json.dumps(
                     {"record_types": ["sent_down_youth"], "archives": ["510500", "500118"]}))


def test_a_holding_archive_certifies_what_the_receiving_archive_accepted(hub: Flask) -> None:
    session = hub.extensions["liancha.db"].session()
    settings, keyring = hub.extensions["liancha.hub"], hub.extensions["liancha.certificate_keys"]
    session.add(CaseRequest(
        request_no="SQ510500-2026-000001", channel="counter", receiving_archive="510500",
        subject_id_number="510502195203041234", subject_name="张德华", applicant="{}",
        documents="[]", record_types='["sent_down_youth"]', purpose="退休工龄认定",
        state="accepted", actor="clerk:wang", applied_at=datetime.now(UTC),
        accept_due=date(2026, 11, 27)))
    session.add_all([_query("q-request", "SQ510500-2026-000001"), _query("q-own", None)])
    session.commit()
    chen = Identity("clerk:chen", "clerk", archive="500118", roles=frozenset({"holding"}))
    in_request = issue_from_query(session, settings, keyring, chen, session.get(Query, "q-request"),
                                  ["500118:YC-ZQ-1"], "500118", "退休工龄认定").certificate
    outside = issue_from_query(session, settings, keyring, chen, session.get(Query, "q-own"),
                               ["500118:YC-ZQ-1"], "500118", "退休工龄认定").certificate
    session.commit()
    assert json.loads(in_request.content)["accepting_archive"] == {
        "code": "510500", "name": "泸州市档案馆"}
    text = "".join(pages_text(in_request.pdf))
    assert "经泸州市档案馆受理" in text and "经重庆市永川区档案馆受理" not in text
    assert "永川县来苏公社红旗大队第三生产队" in "".join(text.split())  # wrapped in its cell
    assert text.rstrip().endswith("重庆市永川区档案馆")  # the issuer: the holding archive
    assert "经重庆市永川区档案馆受理" in "".join(pages_text(outside.pdf))
    for issued in (in_request, outside):  # the archive's own seal (SEAL_DIRECTORY)
        with pikepdf.open(io.BytesIO(issued.pdf)) as document:
            assert seal_form(document)[1].Resources.XObject.Art.Subtype == pikepdf.Name.Image
    assert session.get(Certificate, in_request.certificate_no) is not None
    session.close()


def test_sent_down_destination_reads_county_commune_brigade_team() -> None:
    record = {"record_type": "sent_down_youth", "event_date": "1970-03",
              "parties": [{"name_raw": "张德华", "role": "youth"}],
              "details": {"origin_unit": "泸州市第一中学", "dispatch_date": "1970-03",
                          # as canonical JSON gives them: keys sorted
                          "destination": {"brigade": "红旗大队", "commune": "先锋公社",
                                          "county": "江津县", "team": "第三生产队"}}}
    assert record_summary(record) == ("张德华 泸州市第一中学下乡至江津县先锋公社红旗大队"
                                      "第三生产队 1970-03")
    record["details"]["destination"] = {"county": "江津县", "team": None, "commune": "先锋公社"}
    assert "下乡至江津县先锋公社 " in record_summary(record)
    forestry = {"record_type": "forestry_right", "event_date": "1984-06",
                "parties": [{"name_raw": "张德华", "role": "holder"}],
                "details": {"location": {"plot_no": "12号", "township": "落卡乡",
                                         "village": "红岩村"}, "area_mu": 12.5,
                            "right_kind": "contract"}}
    assert "落卡乡红岩村12号" in record_summary(forestry)
