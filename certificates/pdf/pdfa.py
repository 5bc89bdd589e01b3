"""PDF/A-2b finishing with pikepdf: XMP metadata, an sRGB output intent, consistent info.

reportlab writes the pages; this adds what PDF/A-2b asks of the document as a whole:
- XMP metadata (pdfaid part 2, conformance B; dc:title, dc:creator, xmp:CreatorTool,
  pdf:Producer, dates), unfiltered as the standard wants, and a document information
  dictionary that says the same;
- an output intent with an sRGB ICC profile (built with Pillow, once per process);
- PDF 1.7, a document id, no encryption, streams Flate-compressed (but the XMP);
- ToUnicode maps that give characters outside the Basic Multilingual Plane (𠮷) as UTF-16
  surrogate pairs: reportlab writes them as bare 5-digit hex, which readers reject, so the
  extracted text would lose them.
The only transparency is the seal's (`seal`): a transparency group painted with the Multiply
blend mode, and an archive's PNG seal's soft mask. PDF/A-2 permits both; no constant alpha
below 1 is used. With the sRGB output intent the pages need no blending colour space.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from datetime import date
from xml.sax.saxutils import escape

import pikepdf
import reportlab
from isal import isal_zlib

from certificates.pdf.content import CertificateContent

CREATOR_TOOL = "Liancha 联查 certificates"
PRODUCER = f"ReportLab {reportlab.Version}; pikepdf {pikepdf.__version__}"

_WIDE_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2,4})> <([0-9A-Fa-f]{5,6})>")

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreatorTool>{creator_tool}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdf:Producer>{producer}</pdf:Producer>
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (Pillow's built-in one, a few hundred bytes)."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def title_of(content: CertificateContent) -> str:
    return f"{content.title} {content.certificate_no}"


def xmp(content: CertificateContent) -> bytes:
    """The XMP packet of the certificate."""
    return _XMP.format(
        title=escape(title_of(content)), creator=escape(content.issuing_archive),
        creator_tool=escape(CREATOR_TOOL), producer=escape(PRODUCER),
        date=f"{content.issued_on.isoformat()}T00:00:00+08:00").encode("utf-8")


def _pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000+08'00'"


def _surrogates(match: re.Match[bytes]) -> bytes:
    code = int(match.group(2), 16)
    utf16 = chr(code).encode("utf-16-be").hex().upper().encode()
    return b"<" + match.group(1) + b"> <" + utf16 + b">"


def fix_to_unicode(pdf: pikepdf.Pdf) -> None:
    """Rewrite ToUnicode entries beyond U+FFFF as UTF-16 surrogate pairs."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        font_dict = page.Resources.get("/Font", {})
        for font in font_dict.values():
            to_unicode = font.get("/ToUnicode")
            if to_unicode is None or to_unicode.objgen in seen:
                continue
            seen.add(to_unicode.objgen)
            data = to_unicode.read_bytes()
            fixed = _WIDE_BFCHAR.sub(_surrogates, data)
            if fixed != data:
                to_unicode.write(fixed)


def compress_streams(pdf: pikepdf.Pdf) -> None:
    """Flate-compress (level 1) the streams reportlab left plain: pages, font files.

    reportlab compresses at level 6 only when told to (pageCompression), which was a third
    of the render time; level 1 packs these operators and glyph outlines nearly as well,
    and ISA-L's deflate (`isal`) makes the same zlib format nine times faster than zlib's
    own (0.07 ms for a 32 KB font subset). The XMP metadata stays unfiltered, as PDF/A wants.
    """
    for obj in pdf.objects:
        if (isinstance(obj, pikepdf.Stream) and "/Filter" not in obj
                and obj.get("/Type") != pikepdf.Name.Metadata):
            obj.write(isal_zlib.compress(obj.read_bytes(), 1), filter=pikepdf.Name.FlateDecode)


def finish(pdf_bytes: bytes, content: CertificateContent,
           edit: Callable[[pikepdf.Pdf], None] | None = None) -> bytes:
    """Make reportlab's output a PDF/A-2b candidate; returns the new bytes.

    `edit` changes the document first, in the same pass (the seal: `seal.finish`).
    """
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        if edit is not None:
            edit(pdf)
        fix_to_unicode(pdf)
        compress_streams(pdf)
        profile = pikepdf.Stream(pdf, srgb_profile())
        profile.N = 3
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
            OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
            Info=pikepdf.String("sRGB IEC61966-2.1"), DestOutputProfile=profile)])
        metadata = pikepdf.Stream(pdf, xmp(content))
        metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        pdf.Root.Metadata = pdf.make_indirect(metadata)
        issued = _pdf_date(content.issued_on)
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title_of(content)),
            Author=pikepdf.String(content.issuing_archive),
            Creator=pikepdf.String(CREATOR_TOOL), Producer=pikepdf.String(PRODUCER),
            CreationDate=pikepdf.String(issued), ModDate=pikepdf.String(issued)))
        output = io.BytesIO()
        # reportlab's streams are already Flate-compressed; the XMP must stay unfiltered
        # and the ICC profile is tiny: nothing to gain from qpdf recompressing (3 ms).
        pdf.save(output, force_version="1.7", deterministic_id=True, encryption=False,
                 fix_metadata_version=False, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
        return output.getvalue()
