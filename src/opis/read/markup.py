"""Editorial markup of transcriptions → a diplomatic layer and a reading layer.

Transcribers mark what they see with a small, informal vocabulary:

=====================  ==========================  ====================================
markup                 meaning                     span kind in the diplomatic layer
=====================  ==========================  ====================================
``<sup>…</sup>``       interlinear insertion       ``add`` (place=above)
``<sub>…</sub>``       insertion below the line    ``add`` (place=below)
``~~…~~``, ``<del>``   strike-out                  ``del``
``**…**``, ``<b>``     emphasis / bold type        ``hi`` (rend=bold)
``<u>…</u>``           underlining                 ``hi`` (rend=underline)
``[handwritten: …]``   handwritten words           ``hand`` (text kept)
``[illegible]``, […]   a gap                       ``gap`` (zero width)
``[any other note]``   an editor's note            ``note`` (zero width, text in attrs)
lone ``№ 71, I``, 87   folio, page, archive stamp  ``folio`` (whole line)
=====================  ==========================  ====================================

The diplomatic text is the transcription without the markup characters; the reading text
drops deletions and folio lines. Each layer keeps an `OffsetMap` to its parent, so
every character can be traced back to the source file. Unknown tags (``<script>``,
``<foo>``) stay in the text as they are; unbalanced markup is reported as a warning and
kept as literal text, so nothing a transcriber typed is ever lost.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from opis.model import DIPLOMATIC, READING, Layer, OffsetMap, Run, Span

# tag name -> (span kind, attrs)
KNOWN_TAGS: dict[str, tuple[str, dict[str, str]]] = {
    "sup": ("add", {"place": "above"}),
    "sub": ("add", {"place": "below"}),
    "ins": ("add", {"place": "inline"}),
    "del": ("del", {}),
    "s": ("del", {}),
    "strike": ("del", {}),
    "b": ("hi", {"rend": "bold"}),
    "strong": ("hi", {"rend": "bold"}),
    "i": ("hi", {"rend": "italic"}),
    "em": ("hi", {"rend": "italic"}),
    "u": ("hi", {"rend": "underline"}),
}
TOGGLES: dict[str, tuple[str, dict[str, str]]] = {
    "~~": ("del", {}),
    "**": ("hi", {"rend": "bold"}),
}

_TOKEN = re.compile(
    r"(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9]*)\b[^<>\n]*>)"
    r"|(?P<toggle>~~|\*\*)"
    r"|(?P<bracket>\[(?P<inner>[^\[\]\n]*)\])"
    r"|(?P<parbreak>\n[ \t]*\n)"
)
_HAND = re.compile(r"^\s*(?:handwritten|рукописно|от руки|hw)\s*:\s*(?P<text>.*)$", re.I | re.S)
_GAP = re.compile(
    r"^\s*(?:illegible|неразборчиво|нрзб\.?|неразб\.?|…|\.\.\.|\?+|gap)\s*$", re.I
)
# A line that is only a folio / page number or an archive stamp: "87", "462 82",
# "№ 71, I", "N 72, I", "л. 5", "л. 5 об.". A bare "№ 3742" is not one: alone on a line
# it is usually the document's registry number, which extraction needs to see.
_FOLIO_LINE = re.compile(
    r"^[ \t]*(?:"
    r"\d{1,4}(?:[ \t]+\d{1,4})?"
    r"|(?:№|N|No\.?)[ \t]*\d{1,4}[ \t]*,[ \t]*[IVXLC]+"
    r"|(?:л|лист|f|fol)\.?[ \t]*\d{1,4}(?:[ \t]*(?:об|v)\.?)?"
    r")[ \t]*$",
    re.M,
)


@dataclass(slots=True)
class Parsed:
    diplomatic: Layer
    reading: Layer
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    kind: str  # open, close, toggle, bracket, parbreak
    name: str = ""
    inner: str = ""
    partner: int | None = None  # index of the matching token, when balanced


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(text):
        if m.group("tag"):
            name = m.group("name").lower()
            if name not in KNOWN_TAGS:
                continue  # unknown tags are ordinary text
            kind = "close" if m.group("tag").startswith("</") else "open"
            tokens.append(_Token(m.start(), m.end(), kind, name))
        elif m.group("toggle"):
            tokens.append(_Token(m.start(), m.end(), "toggle", m.group("toggle")))
        elif m.group("bracket") is not None:
            tokens.append(_Token(m.start(), m.end(), "bracket", inner=m.group("inner")))
        else:
            tokens.append(_Token(m.start(), m.end(), "parbreak"))
    return tokens


def _pair(tokens: list[_Token], text: str, warnings: list[str], first_line: int = 1) -> None:
    """Match openers with closers inside one paragraph; leave the rest unpaired."""

    def _line_of(text: str, pos: int) -> int:
        return text.count("\n", 0, pos) + first_line

    stack: list[int] = []
    toggles: dict[str, int] = {}

    def flush() -> None:
        for i in stack:
            t = tokens[i]
            warnings.append(f"line {_line_of(text, t.start)}: <{t.name}> is never closed; kept as text")
        for name, i in toggles.items():
            warnings.append(f"line {_line_of(text, tokens[i].start)}: {name} is never closed; kept as text")
        stack.clear()
        toggles.clear()

    for i, t in enumerate(tokens):
        if t.kind == "parbreak":
            flush()
        elif t.kind == "open":
            stack.append(i)
        elif t.kind == "close":
            j = next((k for k in range(len(stack) - 1, -1, -1) if tokens[stack[k]].name == t.name), None)
            if j is None:
                warnings.append(f"line {_line_of(text, t.start)}: </{t.name}> has no opening tag; kept as text")
                continue
            for k in stack[j + 1 :]:
                o = tokens[k]
                warnings.append(f"line {_line_of(text, o.start)}: <{o.name}> is never closed; kept as text")
            opener = stack[j]
            del stack[j:]
            tokens[opener].partner = i
            t.partner = opener
        elif t.kind == "toggle":
            if t.name in toggles:
                opener = toggles.pop(t.name)
                tokens[opener].partner = i
                t.partner = opener
            else:
                toggles[t.name] = i
    flush()


class _Builder:
    """Accumulates derived text and the runs that map it to its parent."""

    def __init__(self, base: int = 0):
        self.parts: list[str] = []
        self.runs: list[Run] = []
        self.length = 0
        self.base = base

    def copy(self, text: str, start: int, end: int) -> None:
        if end <= start:
            return
        self.runs.append(Run(self.length, self.base + start, end - start))
        self.parts.append(text[start:end])
        self.length += end - start

    def text(self) -> str:
        return "".join(self.parts)

    def offset_map(self) -> OffsetMap:
        return OffsetMap(self.runs, origin=self.base)


def _diplomatic(text: str, base: int, warnings: list[str], first_line: int = 1) -> Layer:
    tokens = _tokenize(text)
    _pair(tokens, text, warnings, first_line)
    out = _Builder(base)
    spans: list[Span] = []
    open_spans: dict[int, int] = {}  # opener token index -> span start in output
    pos = 0
    for i, t in enumerate(tokens):
        if t.kind == "parbreak":
            continue
        if t.kind in ("open", "close", "toggle") and t.partner is None:
            continue  # unbalanced: stays as literal text
        out.copy(text, pos, t.start)
        pos = t.end
        if t.kind == "bracket":
            hand = _HAND.match(t.inner)
            if hand:
                inner_start = t.start + 1 + hand.start("text")
                inner_end = t.start + 1 + hand.end("text")
                s = out.length
                out.copy(text, inner_start, inner_end)
                spans.append(Span(s, out.length, "hand"))
            elif _GAP.match(t.inner):
                spans.append(Span(out.length, out.length, "gap", {"text": t.inner.strip()}))
            else:
                spans.append(Span(out.length, out.length, "note", {"text": t.inner.strip()}))
        elif t.partner is not None and t.partner > i:
            open_spans[i] = out.length
        else:
            opener = tokens[t.partner]
            kind, attrs = KNOWN_TAGS[opener.name] if opener.kind == "open" else TOGGLES[opener.name]
            spans.append(Span(open_spans.pop(t.partner), out.length, kind, dict(attrs)))
    out.copy(text, pos, len(text))
    dip_text = out.text()
    for m in _FOLIO_LINE.finditer(dip_text):
        if m.group().strip():
            s = m.start() + (len(m.group()) - len(m.group().lstrip()))
            e = m.start() + len(m.group().rstrip())
            spans.append(Span(s, e, "folio", {"n": dip_text[s:e]}))
    spans.sort(key=lambda sp: (sp.start, -sp.end))
    return Layer(DIPLOMATIC, dip_text, spans, parent=None, to_parent=out.offset_map())


def _reading(dip: Layer) -> Layer:
    """Drop deletions and folio lines; insertions are already in line."""
    text = dip.text
    cut: list[tuple[int, int]] = []
    for sp in dip.spans:
        if sp.kind == "del":
            s, e = sp.start, sp.end
            # swallow one neighbouring space so "a ~~b~~ c" reads "a c"
            if s > 0 and text[s - 1] == " " and (e >= len(text) or text[e] in " \n.,;:!?"):
                s -= 1
            cut.append((s, e))
        elif sp.kind == "folio":
            s = text.rfind("\n", 0, sp.start) + 1
            e = text.find("\n", sp.end)
            e = len(text) if e < 0 else e + 1
            cut.append((s, e))
    cut.sort()
    out = _Builder()
    pos = 0
    for s, e in cut:
        if e <= pos:
            continue
        out.copy(text, pos, max(pos, s))
        pos = max(pos, e)
    out.copy(text, pos, len(text))
    reading = Layer(READING, out.text(), [], parent=DIPLOMATIC, to_parent=out.offset_map())
    reading.spans = _carry_spans(dip, reading)
    return reading


def _carry_spans(dip: Layer, reading: Layer) -> list[Span]:
    """Re-express the diplomatic marks that survive in reading-layer offsets."""
    to_child = _inverse(reading.to_parent)
    spans = []
    for sp in dip.spans:
        if sp.kind in ("del", "folio"):
            continue
        s, e = to_child(sp.start), to_child(sp.end)
        spans.append(Span(s, max(s, e), sp.kind, dict(sp.attrs)))
    return spans


def _inverse(m: OffsetMap):
    """Parent offset → child offset, for parents positions that survive."""
    runs = m.runs  # deletions only: parent offsets rise with child offsets
    ends = [r.parent + r.length for r in runs]

    def to_child(p: int) -> int:
        i = bisect.bisect_left(ends, p)  # the first run ending at or after p
        if i < len(runs) and runs[i].parent <= p:
            return runs[i].child + (p - runs[i].parent)
        return runs[i - 1].child + runs[i - 1].length if i > 0 else 0  # p was deleted

    return to_child


def parse_markup(text: str, base: int = 0, first_line: int = 1) -> Parsed:
    """Read a transcription (or one document of it) into its two layers.

    `base` is the offset of `text` inside the record's decoded source, so that the
    diplomatic layer's map points straight into the source file; `first_line` is the
    source line `text` starts on, so warnings name lines of the file.
    """
    warnings: list[str] = []
    dip = _diplomatic(text, base, warnings, first_line)
    return Parsed(dip, _reading(dip), warnings)
