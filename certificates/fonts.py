"""The embedded fonts of certificates: where they are, registering them, which covers what.

Certificates are printed with WenQuanYi Micro Hei (Apache-2.0, Debian `fonts-wqy-microhei`)
and fall back, character by character, to HanaMin A (CJK Extension A, e.g. 䶮) and HanaMin B
(CJK Extension B and later, outside the Basic Multilingual Plane, e.g. 𠮷), both from Debian
`fonts-hanazono`. `scripts/system-packages.sh` installs them. All three are TrueType fonts
that reportlab embeds as subsets: no PDF base font is ever used.

A character that none of them has is refused with `UnprintableName`, never printed as an
empty box. Fonts are looked for in `LIANCHA_FONT_PATH` (directories separated by
`os.pathsep`), then in the usual system directories; `configure()` replaces the search path
(tests, a deployment shipping its own copies). They are registered with reportlab once, on
first use, not at import time (loading them takes about a second).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from certificates import subsetting

MAIN = "LianchaSans"
"""reportlab name of the main font (WenQuanYi Micro Hei)."""


@dataclass(frozen=True)
class FontFile:
    """One font file the certificates need, and the Debian package that installs it."""

    name: str  # the name registered with reportlab
    filename: str
    subfont_index: int
    package: str


FONTS: tuple[FontFile, ...] = (
    FontFile(MAIN, "wqy-microhei.ttc", 0, "fonts-wqy-microhei"),
    FontFile("LianchaSerifA", "HanaMinA.ttf", 0, "fonts-hanazono"),
    FontFile("LianchaSerifB", "HanaMinB.ttf", 0, "fonts-hanazono"),
)
"""In order of preference: a character goes to the first font that has it."""

DEFAULT_SEARCH_PATH: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/truetype/hanazono",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)


class UnprintableName(ValueError):
    """Text holds a character that no embedded font has: refuse rather than print a box."""

    def __init__(self, character: str, text: str) -> None:
        self.character = character
        self.text = text
        super().__init__(
            f"U+{ord(character):04X} in {text!r} is in none of the certificate fonts "
            f"({', '.join(font.filename for font in FONTS)}): it cannot be printed")


class FontMissing(RuntimeError):
    """A font file is not installed: the message names the package that installs it."""


_lock = threading.Lock()
_search_path: tuple[str, ...] | None = None
_coverage: list[tuple[str, dict[int, int]]] | None = None  # (font name, its cmap) in order


def configure(search_path: list[str] | tuple[str, ...] | None) -> None:
    """Set the directories fonts are looked for in (None: environment, then defaults).

    Only effective before the fonts are first registered in this process.
    """
    global _search_path
    _search_path = tuple(search_path) if search_path is not None else None


def search_path() -> tuple[str, ...]:
    """The directories searched, in order."""
    if _search_path is not None:
        return _search_path
    from_env = [p for p in os.environ.get("LIANCHA_FONT_PATH", "").split(os.pathsep) if p]
    return (*from_env, *DEFAULT_SEARCH_PATH)


def find(font: FontFile, directories: tuple[str, ...] | None = None) -> Path:
    """The path of `font`'s file: directly in a search directory, else anywhere below one."""
    directories = directories if directories is not None else search_path()
    roots = [Path(d).expanduser() for d in directories]
    for root in roots:
        if (root / font.filename).is_file():
            return root / font.filename
    for root in roots:
        if root.is_dir():
            for found in sorted(root.rglob(font.filename)):
                if found.is_file():
                    return found
    raise FontMissing(
        f"font file {font.filename} not found in {', '.join(directories)}: install the Debian "
        f"package {font.package} (bash scripts/system-packages.sh), or point LIANCHA_FONT_PATH "
        f"at a directory holding it")


def ensure_registered() -> list[tuple[str, dict[int, int]]]:
    """Register the fonts with reportlab (once per process); their names and coverage."""
    global _coverage
    if _coverage is not None:
        return _coverage
    with _lock:
        if _coverage is None:
            coverage = []
            registered = set(pdfmetrics.getRegisteredFontNames())
            for font in FONTS:
                if font.name not in registered:
                    path = find(font)
                    pdfmetrics.registerFont(
                        TTFont(font.name, str(path), subfontIndex=font.subfont_index))
                ttf = pdfmetrics.getFont(font.name)
                subsetting.install(ttf.face)
                coverage.append((font.name, ttf.face.charToGlyph))
            _coverage = coverage
    return _coverage


def font_for(character: str, text: str = "") -> str:
    """The name of the first font that has `character`; UnprintableName if none has."""
    code = ord(character)
    for name, cmap in ensure_registered():
        if cmap.get(code):  # glyph 0 is .notdef: the empty box
            return name
    raise UnprintableName(character, text or character)


def check_printable(text: str) -> None:
    """Raise UnprintableName if any character of `text` is in no font."""
    split_runs(text)


def split_runs(text: str) -> list[tuple[str, str]]:
    """`text` cut into (font name, substring) runs, each substring printable in its font.

    Characters the main font has stay in it; the others go to the first fallback that has
    them. A character no font has raises UnprintableName naming it (U+XXXX).
    """
    fonts = ensure_registered()
    main_cmap = fonts[0][1]
    runs: list[tuple[str, str]] = []
    start = 0
    current = MAIN
    for index, character in enumerate(text):
        name = MAIN if main_cmap.get(ord(character)) else font_for(character, text)
        if name != current:
            if index > start:
                runs.append((current, text[start:index]))
            start, current = index, name
    if len(text) > start:
        runs.append((current, text[start:]))
    return runs
