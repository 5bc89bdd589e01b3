"""The QR code: reportlab's encoder, a fast mask choice, drawn as one vector path.

Made to survive paper: error correction level Q (25 % of the symbol may be soiled, torn or
lost to a photocopy), the verification URL in the alphanumeric mode (upper case, see
`certificates.tokens.cose`: version 11 for a typical certificate), and printed 66 mm wide,
about 1 mm a module, so that a photocopy of a fax (150 dpi, halved, blurred) still scans
with zxing-cpp and zbar (tests/certificates/test_photocopy.py). The eight mask patterns
are scored with the four penalty rules of ISO/IEC 18004 (runs, 2x2 blocks, finder-like
patterns, dark/light balance) and the lowest wins, as the standard asks; the scoring works
on rows as strings and integers, about ten times faster than reportlab's own, which is most
of what the naive way (bitmap, default mask search) spends. The dark modules are drawn as
one filled path of rectangles (one per run of dark modules in a row): no image, crisp at any
print resolution.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

SYMBOL_SIZE = 66 * mm
"""Side of the printed symbol (modules only; the white quiet zone lies outside it)."""
QUIET_ZONE = 4  # modules
LEVEL = qrencoder.QRErrorCorrectLevel.Q
_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]*")  # what the alphanumeric mode can hold

_DARK = str.maketrans("012", "010")  # a bit per dark module, none for separators
_LIGHT = str.maketrans("012", "100")
_DARK_RUN = re.compile("1+")


@dataclass(frozen=True)
class QrSymbol:
    """The encoded symbol: a square of modules, True for dark."""

    data: str
    version: int
    rows: tuple[str, ...]  # '1' for a dark module

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def modules(self) -> list[list[bool]]:
        return [[module == "1" for module in row] for row in self.rows]


def penalty(rows: list[str]) -> int:
    """ISO/IEC 18004 mask penalty (N1 + N2 + N3 + N4) of rows given as '0'/'1' strings.

    Rows and columns are joined into one text ('2' between lines), and read as two big
    integers, one with a bit set per dark module, one per light module: a run of five is
    then five shifted ANDs over the whole symbol at once.
    """
    count = len(rows)
    row_text = "2".join(rows)
    lines = row_text + "2" + "2".join(map("".join, zip(*rows, strict=True)))
    dark, light = int(lines.translate(_DARK), 2), int(lines.translate(_LIGHT), 2)
    score = 0
    for bits in (dark, light):  # N1: 3 + (run - 5) per run of five or more
        windows = bits & bits >> 1 & bits >> 2 & bits >> 3 & bits >> 4
        score += windows.bit_count() + 2 * (windows & ~(windows << 1)).bit_count()
    stride = count + 1
    for ones in (_DARK, _LIGHT):  # N2: 3 per 2x2 block of one colour
        grid = int(row_text.translate(ones), 2)
        score += 3 * (grid & grid >> 1 & grid >> stride & grid >> (stride + 1)).bit_count()
    for pattern in ("10111010000", "00001011101"):  # N3: 40 per finder-like pattern
        score += 40 * _matches(pattern, dark, light)
    dark_modules = row_text.count("1")  # N4: 10 per 5 % away from half dark
    modules = count * count
    score += 10 * (abs(dark_modules * 100 - 50 * modules) // (5 * modules))
    return score


def _matches(pattern: str, dark: int, light: int) -> int:
    """How many times `pattern` ('1' dark, '0' light) occurs along the lines."""
    last = len(pattern) - 1
    found = -1
    for index, module in enumerate(pattern):
        found &= (dark if module == "1" else light) >> (last - index)
    return found.bit_count()


def segments(data: str) -> list[str]:
    """`data` as the parts reportlab encodes each in its own best mode: a verification URL
    whose base keeps a lower-case path splits before `/V/`, so that the token still goes in
    the alphanumeric mode."""
    cut = data.rfind("/V/")
    if cut <= 0 or _ALPHANUMERIC.fullmatch(data):
        return [data]
    return [data[:cut], data[cut:]]


def encode(data: str) -> QrSymbol:
    """The QR symbol for `data` at error correction level Q, with the best mask."""
    code = qrencoder.QRCode(None, LEVEL)
    for part in segments(data):
        code.addData(part)
    version = code.calculate_version()
    layout = _layout(version)
    size = len(layout.templates[0])
    codewords = _codewords(code.dataList, version)
    stream = "".join(map("{:08b}".format, codewords)).ljust(layout.capacity + 1, "0")
    placed = [int("".join(pick(stream)), 2) for pick in layout.rows]
    best_rows: list[str] = []
    best_score = -1
    for template, mask in zip(layout.templates, layout.masks, strict=True):
        rows = [format(fixed | (data ^ flip), f"0{size}b")
                for fixed, data, flip in zip(template, placed, mask, strict=True)]
        score = penalty(rows)
        if best_score < 0 or score < best_score:
            best_rows, best_score = rows, score
    return QrSymbol(data, version, tuple(best_rows))


@dataclass(frozen=True)
class _Layout:
    """What depends on the version only: data module positions, function patterns."""

    capacity: int  # data modules (bits) in the symbol
    rows: tuple[Callable[[str], tuple[str, ...]], ...]  # per row: its modules from the bits
    templates: tuple[tuple[int, ...], ...]  # per mask: rows of the function patterns
    masks: tuple[tuple[int, ...], ...]  # per mask: rows of the mask over data modules


@functools.cache
def _layout(version: int) -> _Layout:
    code = qrencoder.QRCode(version, LEVEL)
    size = version * 4 + 17
    code.dataCache = []  # no data: the data area then holds the mask alone
    code.makeImpl(False, 0)  # sets the module count the position iterator needs
    positions = list(code._dataPosIterator())  # (column, row) in placement order
    blank = len(positions)  # index of a light module past the data bits
    sources = [[blank] * size for _ in range(size)]
    data_area = [0] * size
    for index, (column, row) in enumerate(positions):
        sources[row][column] = index
        data_area[row] |= 1 << (size - 1 - column)
    pickers = tuple(operator.itemgetter(*row) for row in sources)
    templates, masks = [], []
    for mask in range(8):
        code.makeImpl(False, mask)
        rows = [int("".join("1" if dark else "0" for dark in row), 2) for row in code.modules]
        masks.append(tuple(row & area for row, area in zip(rows, data_area, strict=True)))
        templates.append(tuple(row & ~area for row, area in zip(rows, data_area, strict=True)))
    return _Layout(blank, pickers, tuple(templates), tuple(masks))


def _codewords(segments: list[qrencoder.QR], version: int) -> list[int]:
    """Data and error correction codewords, interleaved, as reportlab's createData."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, LEVEL)
    capacity = sum(block.dataCount for block in blocks) * 8
    buffer = _BitBuffer()
    for segment in segments:
        segment.write(buffer, version)
    if buffer.length > capacity:
        raise ValueError(f"too much data for a version {version} QR code")
    buffer.put(0, min(4, capacity - buffer.length))  # terminator
    buffer.put(0, -buffer.length % 8)
    data = list(buffer.value.to_bytes(buffer.length // 8, "big"))
    data += [0xEC, 0x11] * ((capacity // 8 - len(data)) // 2 + 1)
    data = data[:capacity // 8]
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        chunk = data[offset:offset + block.dataCount]
        offset += block.dataCount
        data_blocks.append(chunk)
        ec_blocks.append(reed_solomon(chunk, block.totalCount - block.dataCount))
    return [byte for group in (data_blocks, ec_blocks)
            for column in itertools.zip_longest(*group) for byte in column if byte is not None]


class _BitBuffer:
    """The bit buffer reportlab's segments write into, as one integer."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, number: int, length: int) -> None:
        self.value = (self.value << length) | (number & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:  # noqa: N802 (reportlab's name)
        self.put(int(bit), 1)

    def getLengthInBits(self) -> int:  # noqa: N802 (reportlab's name)
        return self.length


_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _power in range(255, 512):
    _EXP[_power] = _EXP[_power - 255]


def _multiply(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@functools.cache
def _generator_table(degree: int) -> tuple[int, ...]:
    """For each feedback byte f, the generator's coefficients times f, packed in an int."""
    generator = [1]
    for power in range(degree):
        factor = _EXP[power]
        generator = [a ^ _multiply(b, factor)
                     for a, b in zip(generator + [0], [0] + generator, strict=True)]
    coefficients = generator[1:]  # the monic leading term is implied
    return tuple(int.from_bytes(bytes(_multiply(c, f) for c in coefficients), "big")
                 for f in range(256))


def reed_solomon(data: list[int], degree: int) -> list[int]:
    """The `degree` Reed-Solomon error correction codewords of `data` (GF(256), 0x11D)."""
    table = _generator_table(degree)
    shift, full = 8 * (degree - 1), (1 << (8 * degree)) - 1
    register = 0
    for byte in data:
        register = ((register << 8) & full) ^ table[(register >> shift) ^ byte]
    return list(register.to_bytes(degree, "big"))


def draw(canvas: Canvas, symbol: QrSymbol, x: float, y: float,
         size: float = SYMBOL_SIZE) -> float:
    """Draw `symbol` with its lower-left corner at (x, y), `size` points wide.

    One path in module units (a transformation scales it), one rectangle per run of dark
    modules in a row, filled black. The quiet zone (4 modules) is left white around it: the
    caller keeps it clear. Returns the module size in points.
    """
    module = size / symbol.size
    operators = []
    for row_index, row in enumerate(symbol.rows):
        row_y = symbol.size - 1 - row_index
        for run in _DARK_RUN.finditer(row):
            operators.append(f"{run.start()} {row_y} {run.end() - run.start()} 1 re")
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(module, 0, 0, module, x, y)
    canvas.addLiteral("\n".join(operators) + "\nf")
    canvas.restoreState()
    return module
