"""The certificate's PDF: `render_certificate(CertificateContent) -> bytes`.

A4, Chinese, in embedded TrueType fonts only (WenQuanYi Micro Hei, HanaMin fallbacks for
rare characters; see `certificates.fonts`), with the issuing archive's seal and a vector QR
code holding the verification URL, "第 x 页 共 y 页" on every page, PDF/A-2b intent.
A character that no embedded font has raises `UnprintableName`.

Modules: `content` (what is printed), `text` (runs of fonts, wrapping), `layout` (blocks and
pages), `seal`, `qr`, `pdfa` (metadata and output intent), `render` (puts them together).
"""

from certificates.fonts import FontMissing, UnprintableName
from certificates.pdf.content import ArchiveAnswer, CertificateContent, CertificateRecord
from certificates.pdf.render import render_certificate

__all__ = [
    "ArchiveAnswer",
    "CertificateContent",
    "CertificateRecord",
    "FontMissing",
    "UnprintableName",
    "render_certificate",
]
