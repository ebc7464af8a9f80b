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

ORIGIN = re.compile(r"^\s*(?:Из|From)\s+(?P<place>[А-ЯЁA-Z][\w\-]+)\s*\.?\s*$")
LEADING = re.compile(r"^\s*(?P<place>[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z\-]+)\s*,")
ALONE = re.compile(r"^\s*(?P<place>[А-ЯЁA-Z][а-яёa-zА-ЯЁA-Z\-]{2,})\s*\.?\s*$")


@lru_cache(maxsize=512)
def place_name(word: str) -> str | None:
    """Nominative of a city name, or None if the word is not a known place."""
    if re.match(r"[A-Za-z]", word):
        return word[:1].upper() + word[1:].lower() if word.isupper() else word
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
        m = ORIGIN.match(ln.text)
        if m and (name := place_name(m.group("place"))):
            s, e = ln.start + m.start("place"), ln.start + m.end("place")
            return [value("place", place_value(name), text[s:e], s, e, "rule:place.origin", 0.85)]
    edges = lay.head[:10] + lay.tail[-1:]
    for ln in edges:
        m = ALONE.match(ln.text)
        if m and (name := place_name(m.group("place"))):
            s, e = ln.start + m.start("place"), ln.start + m.end("place")
            return [value("place", place_value(name), text[s:e], s, e, "rule:place.alone", 0.6)]
    return []
