"""Line helpers shared by the extraction steps.

Archival transcriptions carry their structure in lines (letterhead, addressee block,
signature, date line), so most rules look at one line at a time while keeping the
character offsets of the reading text for provenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.model import Value


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a text: its index, its offsets and its text (without the newline)."""

    no: int
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str, base: int = 0) -> list[Line]:
    """All lines of `text` with offsets (shifted by `base`)."""
    out: list[Line] = []
    pos = 0
    for no, raw in enumerate(text.split("\n")):
        out.append(Line(no, base + pos, base + pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def nonblank(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if not ln.blank]


_WORD = re.compile(r"[^\W\d_]{2,}")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


# a heading typed letter-spaced: "П Р О Т О К О Л", "M I N U T E S"
_SPACED = re.compile(r"(?<![^\W\d_])(?:[A-ZА-ЯЁ] ){2,}[A-ZА-ЯЁ](?![^\W\d_])")


def despace(line: str) -> str:
    """The line with letter-spaced words closed up ("П Р О Т О К О Л  № 19" ->
    "ПРОТОКОЛ  № 19"), for matching heading words; offsets are not kept."""
    return _SPACED.sub(lambda m: m.group(0).replace(" ", ""), line)


def is_prose(line: str) -> bool:
    """A running-text line (a sentence), as opposed to a heading, stamp or signature:
    long, or a sentence of eight words or more; headings in capitals never count."""
    s = line.strip()
    letters = [c for c in s if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.7 * len(letters):
        return False
    if len(s) >= 100:
        return True
    return len(words(s)) >= 8 and s[-1:] in ".!?…:;»\"”)"


# Archive folio and page numbers written on the sheet: "№ 71, I", "N 72, I", "87", "462 82"
FOLIO = re.compile(r"^\s*(?:(?:№|N|No\.?)\s*\d{1,4}\s*,\s*[IVXl1]{1,4}|\d{1,4}(?:\s+\d{1,4})?)\s*$")


def is_folio(line: str) -> bool:
    return bool(FOLIO.match(line))


def value(field: str, val, as_written: str | None, start: int | None, end: int | None,
          method: str, confidence: float) -> Value:
    """Shorthand for a machine `Value` on the reading layer."""
    return Value(field=field, value=val, as_written=as_written, start=start, end=end,
                 method=method, confidence=confidence)


@dataclass(slots=True)
class Layout:
    """Where the heading ends and the closing block begins: the heading is everything
    before the first line of running text, the closing block everything after the last."""

    text: str
    lines: list[Line]
    first_prose: int
    last_prose: int

    @property
    def head(self) -> list[Line]:
        return [ln for ln in self.lines[: self.first_prose] if not ln.blank]

    @property
    def tail(self) -> list[Line]:
        return [ln for ln in self.lines[self.last_prose + 1:] if not ln.blank]


def is_short_sentence(line: str) -> bool:
    """A sentence too short for `is_prose` ("Передайте Мао Цзэдуну: согласны."): three words
    or more, not in capitals, closed by a full stop or the like."""
    s = line.strip()
    letters = [c for c in s if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) > 0.5 * len(letters):
        return False
    return len(words(s)) >= 3 and s[-1:] in ".!?…" and not re.match(r"^(?:[A-ZА-ЯЁ]\.\s*)+\S+\.?$", s)


def layout(text: str) -> Layout:
    lines = split_lines(text)
    prose = [ln.no for ln in lines if is_prose(ln.text)]
    if not prose:
        # a text of short sentences only (a two-line telegram): its sentences divide the
        # heading from the closing block
        prose = [ln.no for ln in lines if is_short_sentence(ln.text)]
    return Layout(text, lines, prose[0] if prose else len(lines), prose[-1] if prose else -1)


# a newspaper's publication line: "Известия" № 262 от 4.XI.1952г.
PUBLICATION = re.compile(r"^\s*[\"«“„][^\"»”]{2,40}[\"»”]\s*(?:№|N|No\.?)\s*\d+")
# a newspaper and its issue date without a number: «Правда», 8 июня 1955 г.
NEWSPAPER_DATE = re.compile(r"^\s*[\"«“„][^\"»”]{2,40}[\"»”]\s*,?\s*(?:от\s+)?\d{1,2}[\s.]")
