"""Which encoding a CSV catalogue is in, and reading it line by line without losing rows.

Chinese catalogues come in UTF-8 (with or without a BOM), GB18030 or its subset GBK, and
from Taiwan or Hong Kong in Big5. With no `encoding` in the mapping, charset-normalizer
chooses among these from the file's start; a file that is valid UTF-8 there is UTF-8 (pure
ASCII is too). GBK is read as GB18030, which reads every GBK file and the characters GBK
lacks.

Each line is decoded by itself, so that a line the encoding cannot read costs that row only
(it is rejected naming the line and byte, with the encoding that would read it), and the
rows before and after it land.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

CANDIDATES = ("utf_8", "gb18030", "big5")
SAMPLE_BYTES = 1 << 20
_NAMES = {"utf_8": "utf-8", "gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030",
          "big5": "big5", "big5hkscs": "big5"}


@dataclass(frozen=True)
class Encoding:
    name: str  # a Python codec name
    detected: bool  # chosen here, not by the mapping

    def describe(self) -> str:
        return f"{self.name} ({'detected' if self.detected else 'from the mapping'})"


def choose(path: Path, given: str | None) -> Encoding:
    if given:
        name = given.lower().replace("_", "-")
        return Encoding("utf-8" if name in ("utf-8", "utf8", "utf-8-sig") else given, False)
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if len(sample) == SAMPLE_BYTES and b"\n" in sample:
        sample = sample[:sample.rindex(b"\n") + 1]  # a whole line at the end
    try:
        sample.decode("utf-8")
        return Encoding("utf-8", True)
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample, cp_isolation=list(CANDIDATES)).best()
    if best is None:
        return Encoding("gb18030", True)  # the likeliest; its errors will say where
    return Encoding(_NAMES.get(best.encoding, best.encoding), True)


@dataclass
class DecodedLines:
    """The file's lines as text; `errors` maps a line number to why it could not be read
    (the text yielded for it has U+FFFD where the bytes were)."""

    path: Path
    encoding: Encoding
    errors: dict[int, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[str]:
        codec = self.encoding.name
        offset = 0
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf") and codec == "utf-8":
                    raw, offset = raw[3:], 3
                try:
                    yield raw.decode(codec)
                except UnicodeDecodeError as exc:
                    self.errors[number] = self._why(raw, exc, offset)
                    yield raw.decode(codec, errors="replace")
                offset += len(raw)

    def _why(self, raw: bytes, error: UnicodeDecodeError, offset: int) -> str:
        bad = raw[error.start:error.start + 2].hex(" ").upper()
        reads = [name for name in ("gb18030", "utf-8", "big5")
                 if name != self.encoding.name and _reads(raw, name)]
        advice = (f"; {reads[0]} reads it: set `encoding: {reads[0]}` in the mapping"
                  if reads else "")
        return (f"byte {offset + error.start + 1} of the file (0x{bad}) cannot be read as "
                f"{self.encoding.name}{advice}")


def _reads(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
        return True
    except UnicodeDecodeError:
        return False
