"""A certificate checkable from a photocopy: page 1 rendered at 150 dpi, grey, halved and
blurred (radius 1.0), as a photocopy of a fax would be, still scans with two independent
decoders (zxing-cpp and zbar), and what they read verifies against the published keys."""

from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageFilter
from pyzbar import pyzbar

from certificates.pdf import ArchiveAnswer, qr, render_certificate
from certificates.tokens import (
    VALID,
    Keyring,
    issue_token,
    keys_from_jwks,
    token_from_url,
    verify_token,
    verify_url,
)
from tests.certificates.samples import many_records, sample
from tests.certificates.tokens.samples import certificate, claims_for

BASE = "https://liancha.example.cn"


def photocopy(pdf: bytes, page: int = 0) -> Image.Image:
    """The page as a fax of a photocopy: 150 dpi, grey, half the size, blurred."""
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=150 / 72).to_pil().convert("L")
    half = image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)
    return half.filter(ImageFilter.GaussianBlur(radius=1.0))


@pytest.fixture
def keyring(tmp_path: Path) -> Keyring:
    return Keyring.create(tmp_path / "keys")


@pytest.fixture
def certificate_pdf(keyring: Keyring) -> tuple[bytes, str]:
    url = verify_url(BASE, issue_token(keyring, claims_for(certificate())))
    archives = [ArchiveAnswer(f"{name}{index}", "ok")
                for index, name in enumerate(["泸州市档案馆"] * 10)]
    content = replace(sample(records=many_records(8), verify_url=url),
                      archives_searched=archives, verify_code="7KQ4M9PX",
                      verify_address=f"{BASE}/v")
    return render_certificate(content), url


def test_the_code_is_small_and_well_protected(certificate_pdf) -> None:
    _, url = certificate_pdf
    symbol = qr.encode(url)
    assert url.startswith("HTTPS://LIANCHA.EXAMPLE.CN/V/")
    assert symbol.version <= 11 and qr.LEVEL == 3  # Q in the QR format information's coding
    assert qr.SYMBOL_SIZE / symbol.size >= 0.9 * 72 / 25.4  # at least 0.9 mm a module


def test_zxing_reads_a_photocopy_of_page_one(certificate_pdf, keyring) -> None:
    pdf, url = certificate_pdf
    found = [r.text for r in zxingcpp.read_barcodes(photocopy(pdf))
             if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [url]
    check = verify_token(token_from_url(found[0]), keys_from_jwks(keyring.jwks()))
    assert check.status == VALID


def test_zbar_reads_a_photocopy_of_page_one(certificate_pdf, keyring) -> None:
    pdf, url = certificate_pdf
    found = [r.data.decode("ascii") for r in pyzbar.decode(photocopy(pdf))
             if r.type == "QRCODE"]
    assert found == [url]
    assert verify_token(token_from_url(found[0]),
                        keys_from_jwks(keyring.jwks())).status == VALID
