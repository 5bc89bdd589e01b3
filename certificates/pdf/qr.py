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
    lines = "2".join(rows) + "2" + "2".join(map("".join, zip(*rows, strict=True)))
    return _score(int(lines.translate(_DARK), 2), int(lines.translate(_LIGHT), 2), len(rows))


def _score(dark: int, light: int, count: int) -> int:
    """The penalty of a symbol of `count` x `count` modules given as its lines (rows, then
    columns, a clear bit between lines) read as one integer of dark and one of light bits."""
    score = 0
    for bits in (dark, light):  # N1: 3 + (run - 5) per run of five or more
        windows = bits & bits >> 1 & bits >> 2 & bits >> 3 & bits >> 4
        score += windows.bit_count() + 2 * (windows & ~(windows << 1)).bit_count()
    stride = count + 1
    columns = count * stride  # the columns' bits and the clear bit before them
    for bits in (dark, light):  # N2: 3 per 2x2 block of one colour, along the rows
        grid = bits >> columns
        score += 3 * (grid & grid >> 1 & grid >> stride & grid >> (stride + 1)).bit_count()
    for pattern in ("10111010000", "00001011101"):  # N3: 40 per finder-like pattern
        score += 40 * _matches(pattern, dark, light)
    dark_modules = (dark >> columns).bit_count()  # N4: 10 per 5 % away from half dark
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
    """The QR symbol for `data` at error correction level Q, with the best mask.

    Each masked symbol is scored as one integer of its lines (`_score`): the data bits are
    placed into rows and columns once, and a mask is two operations on that integer.
    """
    code = qrencoder.QRCode(None, LEVEL)
    for part in segments(data):
        code.addData(part)
    version = code.calculate_version()
    layout = _layout(version)
    codewords = _codewords(code.dataList, version)
    stream = "".join(map("{:08b}".format, codewords)).ljust(layout.capacity + 1, "0")
    placed = int("".join(layout.place(stream)), 2)
    best, best_score = 0, -1
    for fixed, flip in zip(layout.templates, layout.masks, strict=True):
        lines = fixed | (placed ^ flip)
        score = _score(lines, ~lines & layout.modules, layout.size)
        if best_score < 0 or score < best_score:
            best, best_score = lines, score
    text = format(best, f"0{layout.modules.bit_length()}b")
    stride = layout.size + 1
    return QrSymbol(data, version, tuple(text[start:start + layout.size]
                                         for start in range(0, layout.size * stride, stride)))


@dataclass(frozen=True)
class _Layout:
    """What depends on the version only, over the symbol's lines (its rows, then its
    columns, a clear bit between two lines) read as one integer."""

    size: int  # modules across
    capacity: int  # data modules (bits) in the symbol
    place: Callable[[str], tuple[str, ...]]  # the lines' data modules from the bits
    modules: int  # a bit set for every module (not between lines)
    templates: tuple[int, ...]  # per mask: the function patterns
    masks: tuple[int, ...]  # per mask: the mask over the data modules


def _lines(rows: list[list[int]]) -> list[int]:
    """A square's rows then columns, a 0 between two lines, as one list."""
    separator = [0]
    columns = [list(column) for column in zip(*rows, strict=True)]
    out: list[int] = []
    for line in (*rows, *columns):
        out += line + separator
    return out[:-1]


def _as_int(bits: list[int]) -> int:
    return int("".join(map(str, bits)), 2)


@functools.cache
def _layout(version: int) -> _Layout:
    code = qrencoder.QRCode(version, LEVEL)
    size = version * 4 + 17
    code.dataCache = []  # no data: the data area then holds the mask alone
    code.makeImpl(False, 0)  # sets the module count the position iterator needs
    positions = list(code._dataPosIterator())  # (column, row) in placement order
    blank = len(positions)  # index of a light module past the data bits
    sources = [[blank] * size for _ in range(size)]
    data_area = [[0] * size for _ in range(size)]
    for index, (column, row) in enumerate(positions):
        sources[row][column] = index
        data_area[row][column] = 1
    area = _lines(data_area)
    place = operator.itemgetter(*(source if inside else blank  # blank: a light module
                                  for source, inside in zip(_lines(sources), area,
                                                            strict=True)))
    templates, masks = [], []
    for mask in range(8):
        code.makeImpl(False, mask)
        lines = _lines([[1 if dark else 0 for dark in row] for row in code.modules])
        masks.append(_as_int([bit & inside for bit, inside in zip(lines, area, strict=True)]))
        templates.append(_as_int([bit & (1 - inside)
                                  for bit, inside in zip(lines, area, strict=True)]))
    modules = _as_int(_lines([[1] * size for _ in range(size)]))
    return _Layout(size, blank, place, modules, tuple(templates), tuple(masks))


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

    The transformation also swaps the axes, so that a run's rectangle reads "row column 1
    length re": the row's number once per row, the rest from a table of every run a row can
    hold (formatting a thousand rectangles' numbers was most of the drawing).
    """
    module = size / symbol.size
    runs = _runs(symbol.size)
    operators = []
    for row_index, row in enumerate(symbol.rows):
        row_y = f"{symbol.size - 1 - row_index} "
        operators += [row_y + runs[run.span()] for run in _DARK_RUN.finditer(row)]
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(0, module, module, 0, x, y)  # (row, column) -> (column, row), scaled
    canvas.addLiteral("\n".join(operators) + "\nf")
    canvas.restoreState()
    return module


@functools.cache
def _runs(size: int) -> dict[tuple[int, int], str]:
    """For each run of modules (start, end) in a row: its rectangle's operands after the
    row's number, in the swapped axes of `draw`."""
    return {(start, end): f"{start} 1 {end - start} re"
            for start in range(size) for end in range(start + 1, size + 1)}
