"""`render_certificate`: a `CertificateContent` in, the certificate's PDF bytes out.

Page 1 opens with the title, the certificate number, the requester and the sentence that
names who accepted the request (受理) and every archive searched; the records table flows
over as many pages as it needs (its header row repeated); one paragraph says how the
archives answered (the exceptions by name); the last page closes with 特此证明,
the QR code (left) with the verification address and code under it, and the issuing
archive's name and the date (right) with its seal stamped over them (骑字盖章). The seal and
the QR code are on the last page because that is where a Chinese official document is
sealed: the seal closes the text above it, and the QR code stands next to what it vouches
for. Every page carries the certificate number and "第 x 页 共 y 页", so a page out of its
set is recognisable. Eight records of the usual length (a line or two each) and ten
archives fit on one page with the QR code 55 to 71 mm wide.

The same content gives the same bytes (reportlab's invariant mode, dates from the issue date,
a document id derived from the content).
"""

from __future__ import annotations

import functools
import io
import threading
from collections import Counter

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

# reportlab's registered fonts are shared by every canvas of the process, and embedding one
# reads its file through a shared cursor and keeps per-document subsets in the font object:
# two certificates drawn at once (the hub's request threads) get a KeyError or wrong glyphs.
# One drawing at a time; the QR code before and the PDF/A finish after run in parallel.
_SHARED_FONTS = threading.Lock()
HINT_SIZE, HINT_LEADING = 9.0, 13.0
TYPED_SIZE, TYPED_LEADING = 10.0, 13.0  # the address and code a person types
SIGN_SIZE = BODY_SIZE + 1  # the issuer and the date
SIGN_TOP, SIGN_GAP = 22 * mm, 8 * mm  # issuer's baseline below the closing's top; date's
SEAL_RAISE = 3 * mm  # the seal's centre above the middle of issuer and date: it covers both
COVERAGE = "查询范围及各馆答复："


def render_certificate(content: CertificateContent) -> bytes:
    """The certificate as a PDF (PDF/A-2b intent); UnprintableName if a character can't print.

    With the issuing archive's own seal (`content.seal_art`: PDF or PNG) if it has one.
    """
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
    return pdfa.finish(buffer.getvalue(), content,
                       edit=functools.partial(seal.finish, art=content.seal_art))


def _blocks(content: CertificateContent, symbol: qr.QrSymbol) -> list[Block]:
    blocks = [
        layout.paragraph(content.title, size=22, leading=27, align="center"),
        layout.paragraph(f"证明编号：{content.certificate_no}", size=10, leading=13,
                         align="right", space_after=2.5 * mm),
        layout.paragraph(f"申请人：{content.requester_name}"
                         f"（公民身份号码：{content.requester_id_masked}）"),
        layout.paragraph(f"查询用途：{content.purpose}", space_after=2 * mm),
    ]
    accepting = content.accepting_archive or content.issuing_archive
    archives = "、".join(answer.archive for answer in content.archives_searched)
    opening = f"　　经{accepting}受理，在{archives}{content.searched}中查询"
    if content.kind == NO_RECORD and content.searched_everything:
        blocks.append(layout.paragraph(
            f"{opening}，均未发现有关申请人的档案记载。", space_after=2 * mm))
    elif content.kind == NO_RECORD:  # a narrower search says exactly what it searched
        blocks.append(layout.paragraph(
            f"{opening}，未发现有关申请人的档案记载。本证明仅对上述查询范围有效。",
            space_after=2 * mm))
    else:
        blocks.append(layout.paragraph(
            f"{opening}，查得有关申请人的档案记载共{len(content.records)}件，列示如下：",
            space_after=1.5 * mm))
        blocks += _records_table(content)
        blocks.append(layout.spacer(1.5 * mm))
    # The seal closes text above it: the last record (under its table's header) or the
    # no-record sentence, the archives' answers and 特此证明 go with the closing, never a
    # last page of seal alone.
    for block in blocks[-2:] if content.records else blocks[-1:]:
        block.keep_with_next = True
    if content.archives_searched:
        blocks.append(layout.paragraph(COVERAGE + coverage_text(content), space_after=1 * mm))
        blocks[-1].keep_with_next = True
    blocks.append(layout.paragraph("　　特此证明。"))
    blocks[-1].keep_with_next = True
    blocks.append(_closing(content, symbol))
    return blocks


def _records_table(content: CertificateContent) -> list[Block]:
    """序号, 类别, 保管单位, 档号 as narrow as their texts; 主要内容 takes the rest."""
    rows = [[str(index), record_type_label(record.record_type), record.holding_archive,
             record.file_no or "—", record.summary]
            for index, record in enumerate(content.records, start=1)]
    header = ["序号", "类别", "保管单位", "档号", "主要内容"]
    columns = list(zip(header, *rows, strict=True))
    widths: list[float | None] = [
        layout.column_width(list(columns[0]), 0, 12 * mm),
        layout.column_width(list(columns[1]), 0, 14 * mm),
        layout.column_width(list(columns[2]), 16 * mm, 36 * mm),
        layout.column_width(list(columns[3]), 14 * mm, 36 * mm),
        None,
    ]
    return layout.table(header, rows, widths)


def coverage_text(content: CertificateContent) -> str:
    """How the archives named in the sentence above answered: the exceptions by name, the
    rest together (上述10个档案馆中，A超时未答复；其余9个档案馆均已答复。)."""
    answers = content.archives_searched
    labels = [answer_label(answer.status) for answer in answers]
    if len(answers) == 1:
        return f"{answers[0].archive}{labels[0]}。"
    usual = Counter(labels).most_common(1)[0][0]  # on a tie, the first archive's answer
    if labels.count(usual) == len(labels):
        return f"上述{len(answers)}个档案馆均{usual}。"
    named: dict[str, list[str]] = {}
    for answer, label in zip(answers, labels, strict=True):
        if label != usual:
            named.setdefault(label, []).append(answer.archive)
    parts = [f"{'、'.join(archives)}{label}" for label, archives in named.items()]
    rest = [answer.archive for answer, label in zip(answers, labels, strict=True)
            if label == usual]
    parts.append(f"{rest[0]}{usual}" if len(rest) == 1 else f"其余{len(rest)}个档案馆均{usual}")
    return f"上述{len(answers)}个档案馆中，{'；'.join(parts)}。"


def grouped_code(code: str) -> str:
    """7KQ4M9PX -> 7KQ4 M9PX: in groups of 4 (or 3, or 5, whichever divides it) to read."""
    size = next((size for size in (4, 3, 5) if len(code) % size == 0), 4)
    return " ".join(code[start:start + size] for start in range(0, len(code), size))


def _closing(content: CertificateContent, symbol: qr.QrSymbol) -> Block:
    """QR code (left) with what a person types under it and the hint beside it; issuer and
    date (right) under the seal.

    The QR code keeps its quiet zone (4 modules) clear: above it the space after 特此证明,
    left of it the page margin, below it the gap before the typed lines, right of it the gap
    before the hint. The seal lies right of the hint and above the typed lines.
    """
    size = qr.SYMBOL_SIZE
    quiet = qr.QUIET_ZONE * size / symbol.size
    issuer, issued = content.issuing_archive, chinese_date(content.issued_on)
    issuer_width, date_width = text.width(issuer, SIGN_SIZE), text.width(issued, SIGN_SIZE)
    sign_right = PAGE_WIDTH - RIGHT - 6 * mm  # the date ends a little inside the margin
    centre_x = min(sign_right - date_width / 2, PAGE_WIDTH - RIGHT - issuer_width / 2,
                   PAGE_WIDTH - RIGHT - seal.RADIUS + 3 * mm)
    hint_x = LEFT + size + max(quiet, 5 * mm)
    hint = text.wrap(content.verify_hint, centre_x - seal.RADIUS - 3 * mm - hint_x, HINT_SIZE)
    typed = []
    if content.verify_address:
        typed.append(f"核验网址：{content.verify_address}")
    if content.verify_code:
        typed.append(f"核验码：{grouped_code(content.verify_code)}")
    typed_lines = [line for entry in typed
                   for line in text.wrap(entry, layout.CONTENT_WIDTH, TYPED_SIZE)]
    qr_top = quiet
    typed_top = qr_top + size + quiet
    seal_bottom = SIGN_TOP + SIGN_GAP / 2 - SEAL_RAISE + seal.RADIUS
    height = max(typed_top + len(typed_lines) * TYPED_LEADING, seal_bottom) + 1 * mm

    def paint(canvas: Canvas, top: float) -> None:
        qr.draw(canvas, symbol, LEFT, top - qr_top - size, size)
        text.draw_lines(canvas, hint_x, top - qr_top, hint, HINT_SIZE, HINT_LEADING)
        text.draw_lines(canvas, LEFT, top - typed_top, typed_lines, TYPED_SIZE, TYPED_LEADING)
        issuer_y, date_y = top - SIGN_TOP, top - SIGN_TOP - SIGN_GAP
        text.draw(canvas, centre_x, issuer_y, issuer, SIGN_SIZE, align="center")
        text.draw(canvas, centre_x, date_y, issued, SIGN_SIZE, align="center")
        seal.stamp(canvas, issuer, centre_x, (issuer_y + date_y) / 2 + SEAL_RAISE,
                   content.seal_art)

    return Block(height, paint)


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
