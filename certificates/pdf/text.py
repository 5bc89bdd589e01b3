"""Measuring, wrapping and drawing text in the embedded fonts, run by run.

Every string goes through `certificates.fonts.split_runs`, so a character the main font
lacks is drawn in a fallback font, and one that no font has is refused (UnprintableName).
Wrapping is per character (Chinese has no spaces); a Latin word, a file number or a masked
id number is kept whole when it fits on a line.
"""

from __future__ import annotations

import re

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates.fonts import font_for, split_runs

_UNBREAKABLE = re.compile(r"[A-Za-z0-9*\-_./:〔〕（）()]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』〕,.;:?!)")


_advances: dict[str, float] = {}  # character -> its width at 1 pt, in the font that has it


def _advance(character: str) -> float:
    advance = _advances.get(character)
    if advance is None:
        font = font_for(character)
        advance = _advances[character] = stringWidth(character, font, 1000) / 1000
    return advance


def width(text: str, size: float) -> float:
    """Width of `text` in points at `size`, fallback fonts included.

    UnprintableName if a character is in no font.
    """
    get = _advances.get
    total = 0.0
    for character in text:
        advance = get(character)
        total += advance if advance is not None else _advance(character)
    return total * size


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """`text` broken into lines no wider than `max_width` (explicit newlines kept)."""
    lines: list[str] = []
    for paragraph in text.replace("\t", " ").split("\n"):
        line, line_width = "", 0.0
        for piece in _UNBREAKABLE.findall(paragraph):
            piece_width = width(piece, size)
            fits = line_width + piece_width <= max_width
            if not fits and line and piece not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, line_width = "", 0.0
                if piece == " ":
                    continue
            if piece_width > max_width:  # a token longer than a line: cut it by characters
                for character in piece:
                    character_width = width(character, size)
                    if line and line_width + character_width > max_width:
                        lines.append(line)
                        line, line_width = "", 0.0
                    line += character
                    line_width += character_width
                continue
            line += piece
            line_width += piece_width
        lines.append(line.rstrip())
    return lines


def draw(canvas: Canvas, x: float, y: float, text: str, size: float,
         align: str = "left") -> float:
    """Draw one line with its baseline at `y`; `align` is left, center or right of `x`.

    Returns the width drawn.
    """
    runs = split_runs(text)
    total = width(text, size)
    if align == "center":
        x -= total / 2
    elif align == "right":
        x -= total
    text_object = canvas.beginText(x, y)
    for font, run in runs:
        text_object.setFont(font, size)
        text_object.textOut(run)
    canvas.drawText(text_object)  # fonts set inside the text object: the canvas keeps MAIN
    return total


def draw_lines(canvas: Canvas, x: float, top: float, lines: list[str], size: float,
               leading: float, align: str = "left") -> float:
    """Draw `lines` from `top` (the top of the first line) down; returns the bottom y."""
    y = top
    for line in lines:
        y -= leading
        draw(canvas, x, y + (leading - size) / 2 + size * 0.12, line, size, align)
    return y
