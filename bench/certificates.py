"""Benchmark certificate rendering: certificates per second and latency, one process,
one core; the two variants take turns.

Renders the same one-page certificate (three records, three archives; a new verification
URL each time, in the form certificates carry: its own COSE token, version 11 at level Q)
with:

1. `certificates.pdf.render_certificate`: embedded WenQuanYi subset (+ fallbacks), vector
   QR code, vector seal, PDF/A-2b finishing with pikepdf;
2. the naive baseline the issue names: the same content laid out the usual reportlab way
   (platypus paragraphs and tables), in reportlab's non-embedded STSong-Light CID font, with
   the QR code made by the `qrcode` library (default mask search) as a PNG bitmap and
   inserted as an image, the seal drawn on the canvas, "page x of y" by a second pass.

Prints per variant: certificates per second on one core, p50 and p95 latency, and the
ratios (target: >= 4x the baseline's throughput, p95 <= 25 ms).

    .venv/bin/python bench/certificates.py              # 300 certificates per variant
    .venv/bin/python bench/certificates.py --count 100  # quicker

Needs `qrcode` (the baseline's QR library) besides the project's dependencies.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from certificates.pdf import CertificateContent, render_certificate  # noqa: E402
from certificates.pdf.content import answer_label, chinese_date, record_type_label  # noqa: E402
from certificates.tokens import Keyring, issue_token, verify_url  # noqa: E402
from tests.certificates.samples import sample  # noqa: E402
from tests.certificates.tokens.samples import certificate, claims_for  # noqa: E402

TARGETS = {"ratio": 4.0, "p95_ms": 25.0}
WARM_UP = 10


def naive_render(content: CertificateContent) -> bytes:
    """The baseline: platypus + STSong-Light (not embedded) + qrcode bitmap."""
    import qrcode
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=19, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13.5, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=24, leading=34, alignment=1)

    class NumberedCanvas(Canvas):  # the usual recipe for "page x of y"
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self) -> None:  # noqa: N802
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont(font, 9)
                self.drawCentredString(A4[0] / 2, 12 * mm,
                                       f"第 {self._pageNumber} 页 共 {len(self._saved)} 页")
                super().showPage()
            super().save()

    def last_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        image = qrcode.make(content.verify_url,
                            error_correction=qrcode.constants.ERROR_CORRECT_M)
        png = io.BytesIO()
        image.save(png)
        png.seek(0)
        canvas.drawImage(ImageReader(png), 22 * mm, 40 * mm, 30 * mm, 30 * mm)
        canvas.setStrokeColorRGB(0.86, 0.08, 0.09)
        canvas.setFillColorRGB(0.86, 0.08, 0.09)
        canvas.circle(150 * mm, 60 * mm, 20 * mm)
        canvas.setFont(font, 11)
        canvas.drawCentredString(150 * mm, 62 * mm, content.issuing_archive)

    story = [Paragraph(content.title, title),
             Paragraph(f"证明编号：{content.certificate_no}", body),
             Paragraph(f"申请人：{content.requester_name}（公民身份号码："
                       f"{content.requester_id_masked}）", body),
             Paragraph(f"查询用途：{content.purpose}", body), Spacer(1, 4 * mm)]
    rows = [[Paragraph(text, cell) for text in ("序号", "类别", "保管单位", "档号", "主要内容")]]
    rows += [[Paragraph(text, cell) for text in (
        str(i), record_type_label(r.record_type), r.holding_archive, r.file_no or "—",
        r.summary)] for i, r in enumerate(content.records, start=1)]
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
    story.append(Table(rows, colWidths=[11 * mm, 13 * mm, 38 * mm, 38 * mm, 66 * mm],
                       repeatRows=1, style=style))
    story.append(Spacer(1, 5 * mm))
    answers = [[Paragraph(t, cell) for t in ("序号", "档案馆", "答复")]]
    answers += [[Paragraph(t, cell) for t in (str(i), a.archive, answer_label(a.status))]
                for i, a in enumerate(content.archives_searched, start=1)]
    story.append(Table(answers, colWidths=[11 * mm, 95 * mm, 60 * mm], style=style))
    story += [Paragraph("特此证明。", body), Spacer(1, 10 * mm),
              Paragraph(f"{content.issuing_archive}<br/>{chinese_date(content.issued_on)}",
                        ParagraphStyle("sign", parent=body, alignment=2)),
              Paragraph(content.verify_hint, body)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1).build(
        story, onFirstPage=last_page, onLaterPages=last_page, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def measure(renders: dict[str, Callable[[CertificateContent], bytes]],
            count: int) -> dict[str, list[float]]:
    """Latencies in ms of `count` renders per variant, each certificate with its own URL.
    The variants take turns certificate by certificate, so that a machine that slows down
    or speeds up during the run (this one does) weighs on both alike."""
    with tempfile.TemporaryDirectory() as directory:
        keyring = Keyring.create(Path(directory) / "keys")
        urls = [verify_url("https://liancha.example.cn",
                           issue_token(keyring, claims_for(certificate(), sequence=index)))
                for index in range(1, count + WARM_UP + 1)]
    contents = [sample(verify_url=url) for url in urls]
    for content in contents[:WARM_UP]:
        for render in renders.values():
            render(content)
    latencies: dict[str, list[float]] = {name: [] for name in renders}
    gc.collect()
    for content in contents[WARM_UP:]:
        for name, render in renders.items():
            start = time.perf_counter()
            render(content)
            latencies[name].append((time.perf_counter() - start) * 1000)
    return latencies


def report(name: str, latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    figures = {"per_s": 1000 * len(ordered) / sum(ordered),
               "p50_ms": statistics.median(ordered),
               "p95_ms": ordered[max(0, int(round(0.95 * len(ordered))) - 1)]}
    print(f"{name:<28} {figures['per_s']:8.1f} certificates/s   p50 {figures['p50_ms']:6.2f} ms"
          f"   p95 {figures['p95_ms']:6.2f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):  # one core, as the target is per core
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    latencies = measure({"render_certificate": render_certificate,
                         "naive baseline": naive_render}, args.count)
    ours = report("render_certificate", latencies["render_certificate"])
    naive = report("naive baseline", latencies["naive baseline"])
    ratio = ours["per_s"] / naive["per_s"]
    print(f"throughput ratio: {ratio:.2f}x the baseline (target >= {TARGETS['ratio']}x)"
          f" {'OK' if ratio >= TARGETS['ratio'] else 'MISSED'}")
    print(f"p95: {ours['p95_ms']:.2f} ms (target <= {TARGETS['p95_ms']} ms)"
          f" {'OK' if ours['p95_ms'] <= TARGETS['p95_ms'] else 'MISSED'};"
          f" p95 ratio {naive['p95_ms'] / ours['p95_ms']:.2f}x")


if __name__ == "__main__":
    main()
