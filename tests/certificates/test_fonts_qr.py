"""Font runs, font lookup errors, and the QR encoder against reportlab's own."""

import random

import pytest
from reportlab.graphics.barcode import qrencoder

from certificates import fonts
from certificates.pdf import qr, text


def test_runs_split_per_font() -> None:
    assert fonts.split_runs("张三") == [(fonts.MAIN, "张三")]
    (main, first), (fallback, rare), (main_again, rest) = fonts.split_runs("吉𠮷先生")
    assert (main, first, rare, main_again, rest) == (fonts.MAIN, "吉", "𠮷", fonts.MAIN, "先生")
    assert fallback in ("LianchaSerifA", "LianchaSerifB")
    assert fonts.split_runs("䶮") == [("LianchaSerifA", "䶮")]
    assert fonts.split_runs("\U0002A6D6") == [("LianchaSerifB", "\U0002A6D6")]
    assert fonts.split_runs("") == []


def test_unprintable_names_the_character() -> None:
    with pytest.raises(fonts.UnprintableName, match="U\\+E000"):
        fonts.split_runs("李\ue000")
    with pytest.raises(fonts.UnprintableName):
        text.width("\ue000", 10)


def test_missing_font_names_the_package(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(fonts.FontMissing, match="fonts-hanazono"):
        fonts.find(fonts.FONTS[2], (str(tmp_path),))


def test_wrap_keeps_lines_within_width() -> None:
    body = ("经泸州市档案馆受理，在泸州市档案馆、重庆市永川区档案馆馆藏档案中查询，"
            "档号J021-1975-0123。")
    lines = text.wrap(body, 120, 10)
    assert "".join(lines) == body
    assert all(text.width(line, 10) <= 120 for line in lines)
    assert not any(line.startswith(("，", "。", "、")) for line in lines)


@pytest.mark.parametrize("length", [1, 17, 64, 150, 300, 700])
def test_codewords_and_symbol_match_reportlab(length: int) -> None:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEF0123456789-_./:"
    data = "".join(random.Random(length).choice(alphabet) for _ in range(length))
    code = qrencoder.QRCode(None, qr.LEVEL)
    code.addData(data)
    version = code.calculate_version()
    assert qr._codewords(code.dataList, version) == qrencoder.QRCode.createData(
        version, qr.LEVEL, code.dataList)
    symbol = qr.encode(data)
    code.version = version
    candidates = []
    for mask in range(8):
        code.makeImpl(False, mask)
        candidates.append([[bool(module) for module in row] for row in code.modules])
    assert symbol.modules in candidates  # one of the eight valid masked symbols
    scores = [qr.penalty(["".join("1" if dark else "0" for dark in row) for row in rows])
              for rows in candidates]
    assert symbol.modules == candidates[scores.index(min(scores))]  # the lowest penalty


def test_penalty_rules() -> None:
    # all light 21x21: N1 rows+columns, N2 every 2x2, N4 fully off balance
    rows = ["0" * 21] * 21
    n1 = 2 * 21 * (3 + 16)
    n2 = 3 * 20 * 20
    n4 = 10 * 10
    assert qr.penalty(rows) == n1 + n2 + n4
    finder_like = ["10111010000" + "1010101010"] + ["10" * 10 + "1", "01" * 10 + "0"] * 10
    assert qr.penalty(finder_like) >= 40
