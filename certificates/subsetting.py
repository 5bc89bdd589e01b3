"""A TrueType subsetter that reads each glyph once per process.

reportlab embeds a subset of every TrueType font a document uses, made by
`TTFontFile.makeSubset`: for each glyph of the subset it seeks into the font file to see
whether the glyph is composite, slices the glyph out of the `glyf` table (copying the whole
3.5 MB table out of the file each time), and rebuilds every table around them. A
certificate uses about two hundred glyphs, mostly the same ones (the labels, digits, the
archives' names), and the font does not change while the process runs: `GlyphCache` reads
the tables it copies once, keeps what each glyph is (its bytes, and where a composite glyph
names its components) after its first use, and assembles the subset from that, byte for
byte what reportlab's own subsetter writes (tests/certificates/test_subsetting.py compares
them). It was the largest part of rendering a certificate. The subset's widths, which
reportlab formats number by number, are given to it formatted (`formatted_widths`).
"""

from __future__ import annotations

from collections.abc import Callable
from struct import pack, unpack_from

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
    TTFontFace,
    TTFontMaker,
    _set_ushort,
)

_COPIED = ("name", "OS/2", "cvt ", "fpgm", "prep")  # tables copied whole, when present


class _Glyph:
    """One glyph of the font: its bytes and, if composite, its components' glyph ids with
    the offsets (in the bytes) where they are named."""

    __slots__ = ("components", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.components: list[tuple[int, int]] = []
        if len(data) > 2 and unpack_from(">h", data)[0] < 0:
            offset, flags = 10, GF_MORE_COMPONENTS
            while flags & GF_MORE_COMPONENTS:
                flags, glyph = unpack_from(">HH", data, offset)
                self.components.append((offset + 2, glyph))
                offset += 4 + (4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2)
                if flags & GF_WE_HAVE_A_SCALE:
                    offset += 2
                elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
                    offset += 4
                elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
                    offset += 8


class GlyphCache:
    """`make_subset(codes)`, as `face.makeSubset`, from glyphs read once."""

    def __init__(self, face: TTFontFace) -> None:
        self.face = face
        self._glyphs: dict[int, _Glyph] = {}
        self._copied: list[tuple[str, bytes]] = []
        for tag in _COPIED:
            try:
                self._copied.append((tag, face.get_table(tag)))
            except KeyError:  # cvt, fpgm, prep are optional
                pass
        self._post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self._hhea = face.get_table("hhea")
        self._maxp = face.get_table("maxp")
        self._head = face.get_table("head")
        self._glyf = face.get_table("glyf")

    def glyph(self, index: int) -> _Glyph:
        found = self._glyphs.get(index)
        if found is None:
            start, end = self.face.glyphPos[index], self.face.glyphPos[index + 1]
            found = self._glyphs[index] = _Glyph(self._glyf[start:end])
        return found

    def make_subset(self, subset: list[int]) -> bytes:
        """The TrueType font file holding the glyphs of `subset` (character codes, the
        subset's code i being character subset[i])."""
        char_to_glyph = self.face.charToGlyph
        glyph_map = [0]  # new glyph id -> original glyph id; 0 is .notdef
        glyph_set = {0: 0}  # original -> new
        code_to_glyph = []
        for code in subset:
            original = char_to_glyph.get(code, 0)
            if original not in glyph_set:
                glyph_set[original] = len(glyph_map)
                glyph_map.append(original)
            code_to_glyph.append(glyph_set[original])
        glyphs = []
        index = 0
        while index < len(glyph_map):  # composite glyphs bring their components
            glyph = self.glyph(glyph_map[index])
            glyphs.append(glyph)
            index += 1
            for _, component in glyph.components:
                if component not in glyph_set:
                    glyph_set[component] = len(glyph_map)
                    glyph_map.append(component)

        output = TTFontMaker()
        for tag, table in self._copied:
            output.add(tag, table)
        output.add("post", self._post)
        count = len(glyph_map)
        hmtx, full_pairs = _hmtx(self.face.hmetrics, glyph_map)
        output.add("hmtx", hmtx)
        output.add("hhea", _set_ushort(self._hhea, 34, full_pairs))
        output.add("maxp", _set_ushort(self._maxp, 4, count))
        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset), *code_to_glyph]
        output.add("cmap", pack(f">{len(cmap)}H", *cmap))
        parts, offsets, position = [], [], 0
        for glyph in glyphs:
            offsets.append(position)
            data = glyph.data
            for offset, component in glyph.components:
                data = _set_ushort(data, offset, glyph_set[component])
            parts.append(data)
            position += len(data)
            if position % 4:
                parts.append(b"\0" * (4 - position % 4))
                position += 4 - position % 4
        offsets.append(position)
        output.add("glyf", b"".join(parts))
        if (position + 1) >> 1 > 0xFFFF:
            location_format, loca = 1, pack(f">{len(offsets)}L", *offsets)
        else:
            location_format = 0
            loca = pack(f">{len(offsets)}H", *(offset >> 1 for offset in offsets))
        output.add("loca", loca)
        output.add("head", _set_ushort(self._head, 50, location_format))
        return output.makeStream()


def _hmtx(hmetrics: list[tuple[int, int]], glyph_map: list[int]) -> tuple[bytes, int]:
    """The horizontal metrics of the subset's glyphs: full (advance, lsb) pairs up to the
    last change of advance, then the trailing glyphs' lsb alone; and the number of pairs."""
    metrics = [hmetrics[original] for original in glyph_map]
    last = len(metrics) - 1
    while last and metrics[last][0] == metrics[last - 1][0]:
        last -= 1
    values = [int(value) for pair in metrics[:last + 1] for value in pair]
    values += [int(lsb) for _, lsb in metrics[last + 1:]]
    return pack(f">{len(values)}H", *values), last + 1


def formatted_widths(face: TTFontFace) -> Callable[[int], bytes]:
    """`face.getCharWidth` giving the width as the bytes a PDF writes, each formatted once.

    reportlab asks for it only to write a subset's `Widths` array, and formats each number
    there (a few hundred per certificate); bytes it writes as they are, so the array's bytes
    are the same."""
    formatted: dict[int, bytes] = {}

    def width(code: int) -> bytes:
        found = formatted.get(code)
        if found is None:
            found = formatted[code] = fp_str(
                face.charWidths.get(code, face.defaultWidth)).encode("ascii")
        return found

    return width


def install(face: TTFontFace) -> None:
    """Have `face` (a registered font's face) make its subsets from a `GlyphCache` and give
    its widths formatted."""
    face.makeSubset = GlyphCache(face).make_subset  # type: ignore[method-assign]
    face.getCharWidth = formatted_widths(face)  # type: ignore[method-assign]
