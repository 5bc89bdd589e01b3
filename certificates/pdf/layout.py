"""The certificate's page layout: blocks measured once, then cut into A4 pages.

The body is a column of blocks (title, requester, tables' rows, the closing with seal and QR
code). Each is measured before anything is drawn (so an unprintable character is refused
before a page exists, and the page count is known for "第 x 页 共 y 页"), then blocks are
placed top-down; a block that does not fit starts a new page, where a table's header row is
repeated. The closing block (issuer, date, seal, QR code) is kept whole on the last page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from certificates.pdf import text

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = RIGHT = 22 * mm
TOP, BOTTOM = 18 * mm, 20 * mm  # the footer (number, 第 x 页 共 y 页) lies below BOTTOM
CONTENT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
CONTINUATION_HEADER = 12 * mm  # pages after the first start with a one-line reminder
BODY_SIZE, BODY_LEADING = 11.0, 17.0
CELL_SIZE, CELL_LEADING, CELL_PADDING = 9.0, 12.0, 2.2

Paint = Callable[[Canvas, float], None]  # draws a block whose top is at the given y


@dataclass
class Block:
    """A slice of the page column: its height, how to draw it, what it keeps with."""

    height: float
    paint: Paint
    header: Block | None = None  # a table's header row, repeated on a new page
    keep_with_next: bool = False


@dataclass
class Page:
    """Blocks placed on one page, with the y of their tops."""

    placed: list[tuple[Block, float]] = field(default_factory=list)


def paragraph(body: str, size: float = BODY_SIZE, leading: float = BODY_LEADING,
              indent: float = 0.0, space_after: float = 0.0, align: str = "left") -> Block:
    """Wrapped text across the column."""
    lines = text.wrap(body, CONTENT_WIDTH - indent, size)
    x = {"left": LEFT + indent, "center": PAGE_WIDTH / 2, "right": PAGE_WIDTH - RIGHT}[align]

    def paint(canvas: Canvas, top: float) -> None:
        text.draw_lines(canvas, x, top, lines, size, leading, align)

    return Block(len(lines) * leading + space_after, paint)


def spacer(height: float) -> Block:
    return Block(height, lambda canvas, top: None)


def table_row(cells: list[str], widths: list[float], header: Block | None = None,
              shaded: bool = False, keep_with_next: bool = False) -> Block:
    """One table row; cells wrap within their column, the row is as tall as its tallest."""
    wrapped = [text.wrap(cell, width - 2 * CELL_PADDING, CELL_SIZE)
               for cell, width in zip(cells, widths, strict=True)]
    height = max(len(lines) for lines in wrapped) * CELL_LEADING + 2 * CELL_PADDING

    def paint(canvas: Canvas, top: float) -> None:
        canvas.saveState()
        canvas.setLineWidth(0.6)
        if shaded:
            canvas.setFillGray(0.9)
            canvas.rect(LEFT, top - height, sum(widths), height, stroke=0, fill=1)
            canvas.setFillGray(0)
        x = LEFT
        for lines, width in zip(wrapped, widths, strict=True):
            canvas.rect(x, top - height, width, height, stroke=1, fill=0)
            text.draw_lines(canvas, x + CELL_PADDING, top - CELL_PADDING, lines, CELL_SIZE,
                            CELL_LEADING)
            x += width
        canvas.restoreState()

    return Block(height, paint, header=header, keep_with_next=keep_with_next)


def table(header_cells: list[str], rows: list[list[str]], widths: list[float | None]
          ) -> list[Block]:
    """A table (widths in points) whose header row is repeated on every page it runs onto.

    A width of None takes the rest of the column.
    """
    fixed = sum(w for w in widths if w is not None)
    resolved = [w if w is not None else CONTENT_WIDTH - fixed for w in widths]
    header = table_row(header_cells, resolved, shaded=True, keep_with_next=True)
    return [header] + [table_row(cells, resolved, header=header) for cells in rows]


def column_width(cells: list[str], minimum: float, maximum: float) -> float:
    """The width (points) that fits the widest of `cells` on one line, within the bounds."""
    widest = max((text.width(cell, CELL_SIZE) for cell in cells), default=0.0)
    return min(maximum, max(minimum, widest + 2 * CELL_PADDING + 0.5))


def paginate(blocks: list[Block]) -> list[Page]:
    """Place `blocks` top-down onto pages, breaking before any block that would not fit."""
    pages = [Page()]
    y = PAGE_HEIGHT - TOP
    for index, block in enumerate(blocks):
        needed, following = block.height, index
        while blocks[following].keep_with_next and following + 1 < len(blocks):
            following += 1
            needed += blocks[following].height
        on_fresh_page = not pages[-1].placed or (
            len(pages[-1].placed) == 1 and pages[-1].placed[0][0] is block.header)
        if y - needed < BOTTOM and not on_fresh_page:
            pages.append(Page())
            y = PAGE_HEIGHT - TOP - CONTINUATION_HEADER
            if block.header is not None:
                pages[-1].placed.append((block.header, y))
                y -= block.header.height
        pages[-1].placed.append((block, y))
        y -= block.height
    return pages
