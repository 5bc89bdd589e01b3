"""`render_certificate`: a `CertificateContent` in, the certificate's PDF bytes out.

Page 1 opens with the title, the certificate number and the requester; the records table
and the list of archives searched flow over as many pages as they need (the table's header
repeated); the last page closes with the issuing archive's name and the date under its seal,
and the QR code with how to verify beside it. The seal and the QR code are on the last page
because that is where a Chinese official document is sealed: the seal closes the text above
it, and the QR code stands next to what it vouches for. Every page carries the certificate
number and "第 x 页 共 y 页", so a page out of its set is recognisable.

The same content gives the same bytes (reportlab's invariant mode, dates from the issue date,
a document id derived from the content).
"""

from __future__ import annotations

import io
import threading

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from certificates import fonts
from certificates.pdf import layout, pdfa, qr, seal, text
from certificates.pdf.content import (
    NO_RECORD,
    CertificateContent,
    answer_label,
    chinese_date,
    record_type_label,
)
from certificates.pdf.layout import BODY_SIZE, LEFT, PAGE_HEIGHT, PAGE_WIDTH, RIGHT, Block

CLOSING_HEIGHT = 50 * mm
# reportlab's registered fonts are shared by every canvas of the process, and embedding one
# reads its file through a shared cursor and keeps per-document subsets in the font object:
# two certificates drawn at once (the hub's request threads) get a KeyError or wrong glyphs.
# One drawing at a time; the QR code before and the PDF/A finish after run in parallel.
_SHARED_FONTS = threading.Lock()
HINT_SIZE, HINT_LEADING = 9.0, 13.0


def render_certificate(content: CertificateContent) -> bytes:
    """The certificate as a PDF (PDF/A-2b intent); UnprintableName if a character can't print."""
    fonts.ensure_registered()
    # Flate alone: ASCII85 on top makes streams 25 % larger and costs a third of the time,
    # for 7-bit transports nobody uses. (reportlab reads this process-wide setting.)
    rl_config.useA85 = 0
    symbol = qr.encode(content.verify_url)
    buffer = io.BytesIO()
    with _SHARED_FONTS:
        pages = layout.paginate(_blocks(content, symbol))
        canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1,
                        pageCompression=0, initialFontName=fonts.MAIN,
                        initialFontSize=BODY_SIZE)
        canvas.setFont(fonts.MAIN, BODY_SIZE)
        for number, page in enumerate(pages, start=1):
            canvas.setFont(fonts.MAIN, BODY_SIZE)
            if number > 1:
                _continuation_header(canvas, content)
            for block, top in page.placed:
                block.paint(canvas, top)
            _footer(canvas, content, number, len(pages))
            canvas.showPage()
        canvas.save()  # streams are compressed in pdfa.finish, faster
    return pdfa.finish(buffer.getvalue(), content)


def _blocks(content: CertificateContent, symbol: qr.QrSymbol) -> list[Block]:
    blocks = [
        layout.paragraph(content.title, size=24, leading=34, align="center"),
        layout.paragraph(f"证明编号：{content.certificate_no}", size=10.5, leading=16,
                         align="right", space_after=6 * mm),
        layout.paragraph(f"申请人：{content.requester_name}"
                         f"（公民身份号码：{content.requester_id_masked}）"),
        layout.paragraph(f"查询用途：{content.purpose}", space_after=3 * mm),
    ]
    archives = "、".join(answer.archive for answer in content.archives_searched)
    searched = f"在{archives}{content.searched}中查询"
    if content.kind == NO_RECORD and content.searched_everything:
        blocks.append(layout.paragraph(
            f"　　经{content.issuing_archive}受理，{searched}，"
            f"均未发现有关申请人的档案记载。", space_after=4 * mm))
    elif content.kind == NO_RECORD:  # a narrower search says exactly what it searched
        blocks.append(layout.paragraph(
            f"　　经{content.issuing_archive}受理，{searched}，"
            f"未发现有关申请人的档案记载。本证明仅对上述查询范围有效。", space_after=4 * mm))
    else:
        blocks.append(layout.paragraph(
            f"　　经{content.issuing_archive}受理，{searched}，"
            f"查得有关申请人的档案记载共{len(content.records)}件，列示如下：",
            space_after=3 * mm))
        blocks += layout.table(
            ["序号", "类别", "保管单位", "档号", "主要内容"],
            [[str(index), record_type_label(record.record_type), record.holding_archive,
              record.file_no or "—", record.summary]
             for index, record in enumerate(content.records, start=1)],
            [11, 13, 38, 38, None])
        blocks.append(layout.spacer(5 * mm))
    blocks.append(layout.paragraph("查询范围及各馆答复：", space_after=1 * mm))
    blocks[-1].keep_with_next = True
    blocks += layout.table(
        ["序号", "档案馆", "答复"],
        [[str(index), answer.archive, answer_label(answer.status)]
         for index, answer in enumerate(content.archives_searched, start=1)],
        [11, 95, None])
    blocks.append(layout.spacer(3 * mm))
    blocks.append(layout.paragraph("　　特此证明。", space_after=2 * mm))
    blocks[-1].keep_with_next = True
    blocks.append(_closing(content, symbol))
    return blocks


def _closing(content: CertificateContent, symbol: qr.QrSymbol) -> Block:
    """Issuer and date under the seal (right), QR code and how to verify (left)."""
    hint_x = LEFT + qr.SYMBOL_SIZE + 6 * mm
    hint_width = PAGE_WIDTH - RIGHT - 2 * seal.RADIUS - 8 * mm - hint_x
    hint = text.wrap(content.verify_hint, hint_width, HINT_SIZE)
    issuer, issued = content.issuing_archive, chinese_date(content.issued_on)
    for line in (issuer, issued):
        text.width(line, BODY_SIZE)  # refuse an unprintable character before drawing

    def paint(canvas: Canvas, top: float) -> None:
        qr_bottom = top - 4 * mm - qr.SYMBOL_SIZE
        qr.draw(canvas, symbol, LEFT + 2 * mm, qr_bottom)
        text.draw_lines(canvas, hint_x, top - 4 * mm, hint, HINT_SIZE, HINT_LEADING)
        right = PAGE_WIDTH - RIGHT - 4 * mm
        issuer_y, date_y = top - 20 * mm, top - 28 * mm
        text.draw(canvas, right, issuer_y, issuer, BODY_SIZE + 1, align="right")
        text.draw(canvas, right, date_y, issued, BODY_SIZE + 1, align="right")
        centre = right - max(text.width(issuer, BODY_SIZE + 1), 2 * seal.RADIUS) / 2
        seal.draw(canvas, issuer, centre, (issuer_y + date_y) / 2 + 3 * mm)

    return Block(CLOSING_HEIGHT, paint)


def _continuation_header(canvas: Canvas, content: CertificateContent) -> None:
    y = PAGE_HEIGHT - layout.TOP - 6 * mm
    text.draw(canvas, LEFT, y, f"{content.title}（续）", 10)
    text.draw(canvas, PAGE_WIDTH - RIGHT, y, f"证明编号：{content.certificate_no}", 9,
              align="right")


def _footer(canvas: Canvas, content: CertificateContent, number: int, total: int) -> None:
    y = 12 * mm
    canvas.saveState()
    canvas.setLineWidth(0.4)
    canvas.line(LEFT, y + 5 * mm, PAGE_WIDTH - RIGHT, y + 5 * mm)
    canvas.restoreState()
    text.draw(canvas, LEFT, y, content.certificate_no, 8.5)
    text.draw(canvas, PAGE_WIDTH / 2, y, f"第 {number} 页 共 {total} 页", 9, align="center")
    text.draw(canvas, PAGE_WIDTH - RIGHT, y, content.issuing_archive, 8.5, align="right")
