"""The archive's seal: a red circular seal drawn as vectors.

As on a Chinese official seal: a ring, a five-pointed star in the middle, the archive's name
along the upper arc (characters upright towards the rim, left to right), and the seal's
use (档案查询专用章) straight below the star. Opaque red ink (sRGB), no transparency: the
seal is printed over the issuer's name and date as a stamp would be, and the text under it
stays readable between the strokes.
"""

from __future__ import annotations

import math

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from certificates.pdf import text

RADIUS = 21 * mm  # a 42 mm seal, the size of an institution's official seal
RED = (0.86, 0.08, 0.09)
USE = "档案查询专用章"


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
    """Draw the seal of the archive `name` centred on (cx, cy)."""
    canvas.saveState()
    canvas.setStrokeColorRGB(*RED)
    canvas.setFillColorRGB(*RED)
    canvas.setLineWidth(radius * 0.055)
    canvas.circle(cx, cy, radius * 0.96, stroke=1, fill=0)

    star = canvas.beginPath()
    points = star_points(cx, cy, radius * 0.27)
    star.moveTo(*points[0])
    for point in points[1:]:
        star.lineTo(*point)
    star.close()
    canvas.drawPath(star, stroke=0, fill=1)

    _arc_text(canvas, name, cx, cy, radius)
    text.draw(canvas, cx, cy - radius * 0.62, USE, radius * 0.15, align="center")
    canvas.restoreState()


def _arc_text(canvas: Canvas, name: str, cx: float, cy: float, radius: float) -> None:
    """The archive's name along the upper arc, spread over up to 240 degrees."""
    count = len(name)
    if count == 0:
        return
    span = min(250.0, 36.0 * (count - 1)) if count > 1 else 0.0
    baseline_radius = radius * 0.66
    # Characters as large as the arc allows, between 0.16 and 0.24 of the radius.
    step = math.radians(span / (count - 1)) if count > 1 else math.pi
    size = max(radius * 0.14, min(radius * 0.22, baseline_radius * step * 0.85))
    for index, character in enumerate(name):
        angle = 90 + span / 2 - (span / (count - 1) * index if count > 1 else 0)
        canvas.saveState()
        canvas.translate(cx, cy)
        canvas.rotate(angle - 90)
        text.draw(canvas, 0, baseline_radius, character, size, align="center")
        canvas.restoreState()
