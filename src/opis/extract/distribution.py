"""The distribution list ("Разослано:", "Distribution:") with the copies each got.

One addressee per line (or comma-separated), the number of copies in slashes or brackets
("товарищу Сталину /2экз/", "Маленкову (2 экз.)"); "в дело" is the file copy.
"""

from __future__ import annotations

import re

from opis.extract.lines import split_lines, value
from opis.extract.people import resolve
from opis.model import Value

HEAD = re.compile(r"^\s*(?:Разослано|Разослать|Рассылка|Distribution|Copies\s+to)\s*:?\s*(?P<rest>.*)$",
                  re.I)
COPIES = re.compile(r"[/(\[]\s*(?P<n>\d{1,3})\s*(?:-?\s*(?:экз|copies|cop)\w*\.?)?\s*[/)\]]", re.I)
FILE = re.compile(r"^(?:в\s+дело|дело|file|files|to\s+file)$", re.I)
STOP = re.compile(r"^\s*(?:Отп\.|Отпеч|Напеч|№|N\s*\d|Исп\.|Тел\.)", re.I)
_TITLES = re.compile(r"^(?:товарищу|товарищам|тов\.|тт\.|т\.\s*т\.)\s*", re.I)


def _entry(part: str, start: int, context: str) -> Value | None:
    c = COPIES.search(part)
    copies = int(c.group("n")) if c else None
    name_part = COPIES.sub(" ", part)
    name_part = re.sub(r"^\d{1,2}\s*[-–.)]\s*", "", name_part.strip())  # a numbered list: "1 - т. Хрущеву"
    name_part = _TITLES.sub("", name_part.strip(" ,.;:-–")).strip(" ,.;:-–")
    if not name_part:
        return None
    if FILE.match(name_part):
        return value("distribution", {"name": "дело", "name_en": "file", "authority_id": None,
                                      "copies": copies},
                     part.strip(), start, start + len(part.rstrip()), "rule:distribution.file", 0.9)
    party = resolve(name_part, context={"signature": True}, case="datv")
    if party is None:
        return None
    v = party.as_value()
    v["copies"] = copies
    return value("distribution", v, part.strip(), start, start + len(part.rstrip()),
                 f"rule:distribution+{party.method}", 0.85)


def extract_distribution(text: str) -> list[Value]:
    lines = split_lines(text)
    out: list[Value] = []
    for i, ln in enumerate(lines):
        m = HEAD.match(ln.text)
        if not m:
            continue
        items: list[tuple[str, int]] = []
        rest = m.group("rest")
        if rest.strip():
            items += _parts(rest, ln.start + m.start("rest"))
        for nxt in lines[i + 1:]:
            if nxt.blank:
                if items:
                    break
                continue
            if STOP.match(nxt.text) or len(nxt.text.split()) > 5:
                break
            items += _parts(nxt.text, nxt.start)
        for part, start in items:
            v = _entry(part, start, text)
            if v is not None:
                out.append(v)
        break
    return out


def _parts(line: str, base: int) -> list[tuple[str, int]]:
    """Comma-separated addressees of one line, with their offsets."""
    out = []
    pos = 0
    for piece in re.split(r"(,|;)", line):
        if piece not in (",", ";") and piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((piece.strip(), base + pos + lead))
        pos += len(piece)
    return out
