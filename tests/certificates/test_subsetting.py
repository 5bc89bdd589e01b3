"""The glyph-cached subsetter writes what reportlab's own subsetter writes, byte for byte."""

import functools
import random

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFile

from certificates import fonts
from certificates.subsetting import GlyphCache


def _subsets(cmap: dict[int, int], seed: int) -> list[list[int]]:
    chance = random.Random(seed)
    codes = sorted(cmap)
    return [
        list(range(32, 127)),  # the digits and Latin letters
        [ord(c) for c in "中华人民共和国四川省成都市档案馆证明编号申请人特此证明"],
        chance.sample(codes, min(255, len(codes))),  # anything the font has, any order
        [0x10FFFD, 0x20, 0xFFFF],  # codes the font lacks go to glyph 0
        [32],
    ]


@pytest.mark.parametrize("font", [font.name for font in fonts.FONTS])
def test_subsets_match_reportlab(font: str) -> None:
    fonts.ensure_registered()
    face = pdfmetrics.getFont(font).face
    reference = TTFontFile.makeSubset  # reportlab's own, unbound from the installed cache
    cache = GlyphCache(face)
    for seed in range(3):
        for subset in _subsets(face.charToGlyph, seed):
            assert cache.make_subset(subset) == reference(face, subset), subset[:8]


def test_composite_glyphs_are_remapped() -> None:
    """A composite glyph names its components by glyph id: the subset renumbers them, and
    brings the components along (the main font's composites, where it has any)."""
    fonts.ensure_registered()
    face = pdfmetrics.getFont(fonts.MAIN).face
    cache = GlyphCache(face)
    glyph_to_code = {glyph: code for code, glyph in face.charToGlyph.items()}
    composite = [code for glyph, code in glyph_to_code.items()
                 if cache.glyph(glyph).components][:40]
    assert composite, "the main font has composite glyphs to test with"
    assert cache.make_subset(composite) == TTFontFile.makeSubset(face, composite)


def test_certificate_bytes_are_reportlabs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole certificate comes out the same with reportlab's own subsetting and widths."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    from certificates.pdf import render_certificate
    from tests.certificates.samples import sample

    content = sample()
    ours = render_certificate(content)
    fonts.ensure_registered()
    for font in fonts.FONTS:
        face = pdfmetrics.getFont(font.name).face
        monkeypatch.setattr(face, "makeSubset", functools.partial(TTFontFile.makeSubset, face))
        monkeypatch.setattr(face, "getCharWidth",
                            functools.partial(TTFontFace.getCharWidth, face))
    assert render_certificate(content) == ours
