"""The place where a document was written, when the document says so.

Read from a date line ("Пхеньян, 23 сентября 1956 г.", "Moscow, March 7, 1960"), from a
telegram's origin ("Из Пхеньяна", "From Beijing"), or from a city standing alone in the
heading or as the last line. A city followed by an addressee ("Москва, ЦК КПСС",
"ПЕКИН, СОВПОСОЛУ ...") is where the document went, not where it was written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opis.extract.dates import date_candidates
from opis.extract.lines import layout, value
from opis.extract.people import _morph
from opis.model import Value

# a telegram's origin: "Из Пхеньяна", "Шифртелеграмма из Пекина", "From: Moscow"
ORIGIN = re.compile(r"(?:^|\s)(?:[Ии]з|ИЗ|From|FROM)\s*:?\s+(?P<place>[А-ЯЁA-Z][\w\-]+)\s*\.?\s*$")
LEADING = re.compile(r"^\s*(?P<place>[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z\-]+)\s*,")
PLACE_FIELD = re.compile(r"^\s*(?:Place|Место)\s*:\s*(?P<v>.+?)\s*$")
ALONE = re.compile(r"^\s*(?P<place>[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z\-]{2,})\s*\.?\s*$")


@lru_cache(maxsize=512)
def place_name(word: str) -> str | None:
    """Nominative of a city name, or None if the word is not a known place."""
    if re.match(r"[A-Za-z]", word):
        # Latin script: only a place the authority file knows ("Moscow" -> "Москва");
        # a capitalised English word alone on a line is as often a stamp or a name
        from opis.extract.people import resolve

        party = resolve(word[:1].upper() + word[1:].lower(), type="LOC")
        return party.name if party is not None and party.authority_id else None
    for p in _morph().parse(word.lower()):
        if "Geox" in p.tag:
            norm = p.normal_form
            return norm[:1].upper() + norm[1:]
    return None


def place_value(name: str) -> dict:
    """{"name", "name_en"} of a place, from the authority when it knows the place."""
    from opis.extract.people import resolve

    party = resolve(name, type="LOC")
    if party is not None and party.authority_id:
        return {"name": party.name, "name_en": party.name_en}
    return {"name": name, "name_en": None}


def extract_place(text: str) -> list[Value]:
    lay = layout(text)
    for c in date_candidates(text):
        if c.role in ("protocol", "publication"):
            continue
        line_start = text.rfind("\n", 0, c.d.start) + 1
        m = LEADING.match(text[line_start:c.d.start])
        if m and (name := place_name(m.group("place"))):
            s, e = line_start + m.start("place"), line_start + m.end("place")
            return [value("place", place_value(name), text[s:e], s, e, "rule:place.dateline", 0.85)]
    for ln in lay.head[:10]:
        m = ORIGIN.search(ln.text)
        if m and (name := place_name(m.group("place"))):
            s, e = ln.start + m.start("place"), ln.start + m.end("place")
            return [value("place", place_value(name), text[s:e], s, e, "rule:place.origin", 0.85)]
    for ln in lay.head[:12]:
        m = PLACE_FIELD.match(ln.text)
        if m:
            base = ln.start + m.start("v")
            for part in re.finditer(r"[^,]+", m.group("v")):
                word = part.group(0).strip()
                if (name := place_name(word)) is not None:
                    s = base + part.start() + part.group(0).index(word)
                    return [value("place", place_value(name), word, s, s + len(word), "rule:place.field", 0.8)]
    edges = lay.head[:10] + lay.tail[-1:]
    for ln in edges:
        m = ALONE.match(ln.text)
        if m and (name := place_name(m.group("place"))):
            s, e = ln.start + m.start("place"), ln.start + m.end("place")
            return [value("place", place_value(name), text[s:e], s, e, "rule:place.alone", 0.6)]
    return []
