"""Real parts: rasterize the rendered page (pdfium) and decode its QR code (zxing-cpp)."""

import pypdfium2
import zxingcpp
from reportlab.lib.units import mm

from certificates.pdf import qr, render_certificate
from tests.certificates.samples import VERIFY_URL, many_records, sample


def decode_last_page(pdf: bytes, dpi: int = 200) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    image = document[len(document) - 1].render(scale=dpi / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)
            if result.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_decodes_to_verify_url() -> None:
    assert decode_last_page(render_certificate(sample())) == [VERIFY_URL]


def test_qr_decodes_on_the_last_of_several_pages() -> None:
    url = "https://liancha.example.cn/v/" + "A1b2C3d4_-" * 27
    pdf = render_certificate(sample(records=many_records(60), verify_url=url))
    assert decode_last_page(pdf) == [url]


def test_qr_printed_size_and_level() -> None:
    symbol = qr.encode("HTTPS://LIANCHA.EXAMPLE.CN/V/" + "A2B3C4D5" * 26)  # a current token
    assert symbol.version == 11
    assert 60 * mm <= qr.SYMBOL_SIZE <= 70 * mm
    module = qr.SYMBOL_SIZE / symbol.size
    assert module >= 1.0 * mm  # a photocopied fax still scans (test_photocopy.py)
    assert qr.LEVEL == 3  # Q in the QR format information's coding


def test_short_and_long_payloads_decode() -> None:
    for url in ("https://x.cn/v/1", "HTTPS://LIANCHA.EXAMPLE.CN/V/" + "ABC123" * 40):
        assert decode_last_page(render_certificate(sample(verify_url=url))) == [url]
