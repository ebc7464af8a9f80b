"""Security classification stamps ("Сов. секретно", "НЕ СЕКРЕТНО", "TOP SECRET").

A stamp stands on a line of its own, sometimes with a copy number or OCR debris after it
("Сов. секретно 3", "SECRET Copy No. 2"); the same words inside a sentence ("secret
talks") are not a stamp, so only short lines count.
"""

from __future__ import annotations

import re

from opis.extract.lines import split_lines, value
from opis.model import Value

# order matters: the longer, more specific phrases first
STAMPS: list[tuple[str, str]] = [
    (r"особая\s+папка", "special_file"),
    (r"не\s*секретно|несекретно", "unclassified"),
    (r"сов(?:ершенно|\.)?\s*секретно|строго\s+секретно", "top_secret"),
    (r"для\s+служебного\s+пользования|дсп", "official_use"),
    (r"секретно", "secret"),
    (r"(?:строго\s+)?(?:конфиденциально|доверительно)", "confidential"),
    (r"top\s+secret|strictly\s+secret", "top_secret"),
    (r"unclassified|not\s+classified", "unclassified"),
    (r"for\s+official\s+use\s+only|official\s+use\s+only|limited\s+official\s+use", "official_use"),
    (r"(?:personal\s+and\s+|strictly\s+)?confidential", "confidential"),
    (r"secret", "secret"),
]
_RANK = {"unclassified": 0, "official_use": 1, "confidential": 2, "secret": 3,
         "top_secret": 4, "special_file": 5}
# what may follow a stamp on its line: copy numbers, handling caveats ("SECRET/SENSITIVE",
# "Confidential Classified Matter"), marks, a few OCR characters
_TAIL = (r"(?:[\s\d.,:;()\[\]/*\-–№N]|экз\.?|экземпляр|copy|no\.?|eyes\s+only|nodis|exdis|"
         r"limdis|noforn|sensitive|classified\s+matter|[А-Яа-яA-Za-z](?![А-Яа-яA-Za-z]))*")
# a field label before the stamp: "Classification: Confidential", "Гриф: секретно"
_LABEL = r"(?:(?:security\s+)?classification|гриф(?:\s+секретности)?)\s*:\s*"
_ANY = "|".join(p for p, _ in STAMPS)
_LINE = re.compile(
    r"^[\s*\[(]*(?:" + _LABEL + r")?(?P<stamp>" + _ANY + r")(?![а-яёa-z])" + _TAIL + r"$", re.I)
# two stamps on one line: "Сов. секретно. Особая папка", "СТРОГО СЕКРЕТНО / ОСОБАЯ ПАПКА"
_PAIR = re.compile(
    r"^[\s*\[(]*(?P<first>" + _ANY + r")(?![а-яёa-z])[\s.,;/()\-–]*(?P<stamp>" + _ANY + r")(?![а-яёa-z])"
    + _TAIL + r"$", re.I)


def classification_line(line: str) -> tuple[str, int, int] | None:
    """(normalised value, start, end of the words) if `line` is a classification stamp."""
    if any(c.isdigit() for c in line):
        # a date typed on the stamp's line ("SECRET        October 8, 1971") is blanked out,
        # keeping the offsets
        from opis.extract.dates import find_dates

        for d in find_dates(line):
            line = line[:d.start] + " " * (d.end - d.start) + line[d.end:]
    m = _LINE.match(line)
    spans = [(m.start("stamp"), m.end("stamp"))] if m else []
    pair = _PAIR.match(line)
    if pair:
        spans += [(pair.start("first"), pair.end("first")), (pair.start("stamp"), pair.end("stamp"))]
    if not spans:
        return None
    s, e = max(spans, key=lambda sp: (_rank(line[sp[0]:sp[1]]), -sp[0]))
    for pattern, norm in STAMPS:
        if re.fullmatch(pattern, line[s:e], re.I):
            return norm, s, e
    return None


def _rank(words: str) -> int:
    for pattern, norm in STAMPS:
        if re.fullmatch(pattern, words, re.I):
            return _RANK[norm]
    return -1


def extract_classification(text: str) -> list[Value]:
    """The document's classification: the highest stamp found on a line of its own
    ("Сов. секретно" with "Особая папка" is a special file)."""
    found = []
    for ln in split_lines(text):
        hit = classification_line(ln.text)
        if hit:
            norm, s, e = hit
            found.append((norm, ln.start + s, ln.start + e))
    if not found:
        return []
    norm, s, e = max(found, key=lambda f: (_RANK[f[0]], -f[1]))
    return [value("classification", norm, text[s:e], s, e, "rule:classification.stamp", 0.95)]
