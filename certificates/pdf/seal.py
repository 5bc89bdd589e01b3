"""The archive's seal: drawn as vectors, or the archive's own artwork, stamped like ink.

The drawn seal (the default), as on a Chinese official seal: a ring, a five-pointed star in
the middle, the archive's name along the upper arc (characters upright towards the rim,
left to right), and the seal's use (档案查询专用章) straight below the star, in red (sRGB).
A few dozen paper-white specks, placed by a generator seeded with the archive's name, leave
the ink slightly uneven (the same name gives the same specks: rendering stays
deterministic).

An archive may have its own seal instead (`SealArt`): an SVG or a one-page PDF (vectors;
svglib turns an SVG into a PDF page once, when it is loaded) or a PNG (transparent or
white background; the alpha channel becomes a soft mask), fitted into the same 42 mm
square. The hub reads them once at start from its `SEAL_DIRECTORY` (`load_seals`, files
named `<archive code>.svg`, `.pdf` or `.png`).

Stamped, not pasted: the seal is a Form XObject made a transparency group and painted with
the Multiply blend mode. Where it lies over the issuer's name and the date (骑字盖章), the
black text shows through the red as it does through a stamp's ink, and white (the specks, a
PNG's background) leaves the paper as it is. PDF/A-2 permits this (blend modes of PDF 1.7,
soft masks); the output intent is sRGB, so the seal's colours are sRGB too: a CMYK seal
file is refused when it is loaded.

reportlab draws the page and the group's content (the drawn seal, or a placeholder for an
archive's artwork); `finish` (run by `pdfa.finish` with pikepdf) makes the form a
transparency group and puts the artwork in.
"""

from __future__ import annotations

import functools
import io
import math
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import xObjectName
from reportlab.pdfgen.canvas import Canvas

from certificates.pdf import text

RADIUS = 21 * mm  # a 42 mm seal, the size of an institution's official seal
RED = (0.86, 0.08, 0.09)
USE = "档案查询专用章"
FORM = "LianchaSeal"  # the seal's Form XObject (reportlab names it FormXob.LianchaSeal)
FORM_KEY = pikepdf.Name("/" + xObjectName(FORM))
SPECKS = 90  # paper-white specks in the drawn seal's ink
KINDS = {".svg": "svg", ".pdf": "pdf", ".png": "png"}
MAX_PIXELS = 1200  # a PNG seal is scaled down to this many pixels across (42 mm: 725 dpi)


class SealFileError(ValueError):
    """An archive's seal file cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class SealArt:
    """An archive's own seal, read once: a PDF page or a PNG image, ready to place."""

    path: Path
    kind: str  # "pdf" or "png"
    width: float  # natural size (points for a PDF, pixels for a PNG): its aspect ratio
    height: float
    data: bytes = field(repr=False)  # the PDF file; for a PNG its RGB samples, deflated
    alpha: bytes | None = field(default=None, repr=False)  # a PNG's alpha, deflated


def load_seal(path: Path) -> SealArt:
    """Read and check a seal file (`.svg`, `.pdf` or `.png`); SealFileError if unusable."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise SealFileError(f"{path.name}: a seal is an .svg or .pdf (vector) or a .png "
                            f"file; convert {path.suffix or 'it'} to one of them (a PNG "
                            "with a transparent background)")
    if kind == "svg":
        return _load_pdf(path, _svg_as_pdf(path))
    data = path.read_bytes()
    return _load_pdf(path, data) if kind == "pdf" else _load_png(path, data)


def _svg_as_pdf(path: Path) -> bytes:
    """The SVG drawn by svglib onto a one-page PDF of its own size."""
    from reportlab.graphics import renderPDF
    from svglib.svglib import svg2rlg

    try:
        drawing = svg2rlg(str(path))
    except Exception as exc:  # noqa: BLE001 - svglib raises whatever its XML parser raises
        raise SealFileError(f"{path.name}: not a readable SVG ({exc})") from exc
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise SealFileError(f"{path.name}: not a readable SVG, or it has no size "
                            "(give the <svg> element width and height, or a viewBox)")
    return renderPDF.drawToString(drawing)


def load_seals(directory: Path, archive_codes: list[str]) -> dict[str, SealArt]:
    """The seals in `directory` of the archives `archive_codes`: `<code>.svg`, `.pdf`, `.png`.

    Other files are not read. A code with two seal files, or with a file of another kind
    (`<code>.jpg`), or an unusable file, is refused (SealFileError).
    """
    if not directory.is_dir():
        raise SealFileError(f"{directory} is not a directory")
    seals: dict[str, SealArt] = {}
    for code in archive_codes:
        files = sorted(p for p in directory.iterdir() if p.stem == code and p.is_file())
        if len(files) > 1:
            raise SealFileError(f"archive {code} has {len(files)} seal files "
                                f"({', '.join(p.name for p in files)}): keep one")
        if files:
            seals[code] = load_seal(files[0])
    return seals


def _load_pdf(path: Path, data: bytes) -> SealArt:
    """Its first page, without the resources it does not use (tools list fonts they never
    draw with), checked; kept as a one-page PDF."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise SealFileError(f"{path.name}: the PDF is encrypted")
            if not pdf.pages:
                raise SealFileError(f"{path.name}: the PDF has no page")
            del pdf.pages[1:]
            _drop_idle_fonts(pdf, pdf.pages[0])
            pdf.remove_unreferenced_resources()
            page = pdf.pages[0]
            _check_pdf_resources(path, page.obj, set())
            x0, y0, x1, y1 = (float(v) for v in page.trimbox)
            cleaned = io.BytesIO()
            pdf.save(cleaned)
    except pikepdf.PdfError as exc:
        raise SealFileError(f"{path.name}: not a readable PDF ({exc})") from exc
    if x1 - x0 <= 0 or y1 - y0 <= 0:
        raise SealFileError(f"{path.name}: the page is empty")
    return SealArt(path, "pdf", x1 - x0, y1 - y0, cleaned.getvalue())


def _drop_idle_fonts(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Remove the font selections (Tf) of fonts that never show text (reportlab, for one,
    starts every page with one), so that those fonts need no embedding."""
    operations = pikepdf.parse_content_stream(page)
    font, shown = None, set()
    for operands, operator in operations:
        if str(operator) == "Tf" and operands:
            font = str(operands[0])
        elif str(operator) in ("Tj", "TJ", "'", '"') and font is not None:
            shown.add(font)
    kept = [(operands, operator) for operands, operator in operations
            if str(operator) != "Tf" or not operands or str(operands[0]) in shown]
    if len(kept) < len(operations):
        page.obj.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(kept))


def _check_pdf_resources(path: Path, holder: pikepdf.Object, seen: set) -> None:
    """What PDF/A-2b with an sRGB output intent allows: fonts that show text embedded, no
    CMYK (operators, colour spaces, images); forms and Type 3 glyphs checked likewise."""
    if holder.objgen != (0, 0):
        if holder.objgen in seen:
            return
        seen.add(holder.objgen)
    resources = holder.get("/Resources", pikepdf.Dictionary())
    fonts = resources.get("/Font", pikepdf.Dictionary())
    font, shown = None, set()
    for operands, operator in pikepdf.parse_content_stream(holder):
        name = str(operator)
        if name in ("k", "K"):
            raise SealFileError(f"{path.name}: draws in CMYK ({name}); export the seal in "
                                "RGB (sRGB)")
        if name == "Tf" and operands:
            font = str(operands[0])
        elif name in ("Tj", "TJ", "'", '"') and font is not None:
            shown.add(font)
    for space in resources.get("/ColorSpace", pikepdf.Dictionary()).values():
        if "/DeviceCMYK" in repr(space):
            raise SealFileError(f"{path.name}: uses a CMYK colour space; export the seal in "
                                "RGB (sRGB)")
    for key in sorted(shown):
        used = fonts.get(key)
        if used is None:
            continue
        if used.get("/Subtype") == pikepdf.Name.Type3:
            continue  # glyphs drawn with the PDF's own operators
        described = used.DescendantFonts[0] if "/DescendantFonts" in used else used
        descriptor = described.get("/FontDescriptor", pikepdf.Dictionary())
        if not any(file in descriptor for file in ("/FontFile", "/FontFile2", "/FontFile3")):
            raise SealFileError(f"{path.name}: font {used.get('/BaseFont')} is not embedded; "
                                "embed it or convert the text to outlines")
    for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
        if xobject.get("/Subtype") == pikepdf.Name.Form:
            _check_pdf_resources(path, xobject, seen)
        elif "/DeviceCMYK" in repr(xobject.get("/ColorSpace")):
            raise SealFileError(f"{path.name}: has a CMYK image; export the seal in RGB")


def _load_png(path: Path, data: bytes) -> SealArt:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format != "PNG":
                raise SealFileError(f"{path.name}: not a PNG image")
            image = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise SealFileError(f"{path.name}: not a readable PNG ({exc})") from exc
    if max(image.size) > MAX_PIXELS:
        image.thumbnail((MAX_PIXELS, MAX_PIXELS), Image.Resampling.LANCZOS)
    alpha = image.getchannel("A")
    opaque = alpha.getextrema() == (255, 255)
    return SealArt(path, "png", float(image.width), float(image.height),
                   zlib.compress(image.convert("RGB").tobytes(), 6),
                   None if opaque else zlib.compress(alpha.tobytes(), 6))


def stamp(canvas: Canvas, name: str, cx: float, cy: float, art: SealArt | None = None,
          radius: float = RADIUS) -> None:
    """Stamp the seal of archive `name` centred on (cx, cy), in Multiply.

    The drawn seal unless the archive has its own `art` (put in by `finish`).
    """
    canvas.beginForm(FORM, -radius, -radius, radius, radius)
    if art is None:
        draw(canvas, name, 0.0, 0.0, radius)
    else:
        canvas.addLiteral("% the archive's own seal: placed by seal.finish")
    canvas.endForm()
    canvas.saveState()
    canvas.setBlendMode("Multiply")
    canvas.translate(cx, cy)
    canvas.doForm(FORM)
    canvas.restoreState()


def finish(pdf: pikepdf.Pdf, art: SealArt | None = None) -> None:
    """Make the seal's form a transparency group; put an archive's artwork in it."""
    form = next((page.Resources.XObject[FORM_KEY] for page in reversed(pdf.pages)
                 if FORM_KEY in page.Resources.get("/XObject", {})), None)
    if form is None:
        return
    form.Group = pikepdf.Dictionary(Type=pikepdf.Name.Group, S=pikepdf.Name.Transparency)
    if art is None:
        return
    x0, y0, x1, y1 = (float(v) for v in form.BBox)
    box = min(x1 - x0, y1 - y0)
    scale = box / max(art.width, art.height)
    width, height = art.width * scale, art.height * scale
    left, bottom = (x0 + x1 - width) / 2, (y0 + y1 - height) / 2
    if art.kind == "png":
        placed = _png_xobject(pdf, art)
        matrix = (width, 0, 0, height, left, bottom)  # an image fills the unit square
    else:
        with pikepdf.open(io.BytesIO(art.data)) as source:
            placed = pdf.copy_foreign(source.pages[0].as_form_xobject())
        bx0, by0 = float(placed.BBox[0]), float(placed.BBox[1])
        matrix = (scale, 0, 0, scale, left - bx0 * scale, bottom - by0 * scale)
    form.write(("q " + " ".join(f"{v:.4f}" for v in matrix) + " cm /Art Do Q").encode())
    form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Art=placed))


def _png_xobject(pdf: pikepdf.Pdf, art: SealArt) -> pikepdf.Stream:
    def image(data: bytes, space: pikepdf.Name) -> pikepdf.Stream:
        stream = pikepdf.Stream(pdf, b"")
        stream.write(data, filter=pikepdf.Name.FlateDecode)
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        stream.Width, stream.Height = int(art.width), int(art.height)
        stream.ColorSpace, stream.BitsPerComponent = space, 8
        return stream

    placed = image(art.data, pikepdf.Name.DeviceRGB)
    if art.alpha is not None:
        placed.SMask = image(art.alpha, pikepdf.Name.DeviceGray)
    return placed


def star_points(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star centred on (cx, cy), one point upwards."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for index in range(10):
        angle = math.radians(90 + index * 36)
        radius = outer if index % 2 == 0 else inner
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def draw(canvas: Canvas, name: str, cx: float, cy: float, radius: float = RADIUS) -> None:
    """Draw the seal of the archive `name` centred on (cx, cy) (opaque; `stamp` inks it)."""
    canvas.saveState()
    canvas.setStrokeColorRGB(*RED)
    canvas.setFillColorRGB(*RED)
    canvas.setLineWidth(radius * 0.055)
    canvas.circle(cx, cy, radius * 0.96, stroke=1, fill=0)

    star = canvas.beginPath()
    points = star_points(cx, cy, radius * 0.3)
    star.moveTo(*points[0])
    for point in points[1:]:
        star.lineTo(*point)
    star.close()
    canvas.drawPath(star, stroke=0, fill=1)

    _arc_text(canvas, name, cx, cy, radius)
    text.draw(canvas, cx, cy - radius * 0.62, USE, radius * 0.15, align="center")
    _specks(canvas, name, cx, cy, radius)
    canvas.restoreState()


def _specks(canvas: Canvas, name: str, cx: float, cy: float, radius: float) -> None:
    """Small paper-white gaps in the ink, the same for the same name."""
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.translate(cx, cy)
    canvas.addLiteral(_speck_path(name, radius))
    canvas.restoreState()


@functools.lru_cache(maxsize=256)
def _speck_path(name: str, radius: float) -> str:
    """The specks as one filled path around (0, 0), each a small irregular quadrilateral
    (ink gaps are not round): made once per archive, a few kilobytes of operators."""
    chance = random.Random(zlib.crc32(name.encode("utf-8")))
    operators = []
    for _ in range(SPECKS):
        distance = radius * math.sqrt(chance.random())
        angle = chance.uniform(0, 2 * math.pi)
        x, y = distance * math.cos(angle), distance * math.sin(angle)
        size = radius * chance.uniform(0.006, 0.016)
        turn = chance.uniform(0, math.pi / 2)
        corners = [(x + size * chance.uniform(0.5, 1) * math.cos(turn + quarter * math.pi / 2),
                    y + size * chance.uniform(0.5, 1) * math.sin(turn + quarter * math.pi / 2))
                   for quarter in range(4)]
        operators.append(" ".join(f"{cx:.1f} {cy:.1f} {op}" for (cx, cy), op
                                  in zip(corners, ("m", "l", "l", "l"), strict=True)) + " h")
    return "\n".join(operators) + "\nf"


def _arc_text(canvas: Canvas, name: str, cx: float, cy: float, radius: float) -> None:
    """The archive's name along the upper arc, over 150 to 260 degrees as its length needs.

    Characters are condensed to 85 % of their width, as carved in a seal, and as large as
    the arc allows (between 0.14 and 0.28 of the radius).
    """
    count = len(name)
    if count == 0:
        return
    span = min(260.0, max(150.0, 30.0 * count)) if count > 1 else 0.0
    baseline_radius = radius * 0.63
    step = math.radians(span / (count - 1)) if count > 1 else math.pi
    size = max(radius * 0.14, min(radius * 0.28, baseline_radius * step))
    for index, character in enumerate(name):
        angle = 90 + span / 2 - (span / (count - 1) * index if count > 1 else 0)
        canvas.saveState()
        canvas.translate(cx, cy)
        canvas.rotate(angle - 90)
        canvas.scale(0.85, 1)
        text.draw(canvas, 0, baseline_radius, character, size, align="center")
        canvas.restoreState()
