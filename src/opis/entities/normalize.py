"""Small text helpers shared by the entity modules: keys for matching, script tests."""

from __future__ import annotations

import re
from functools import lru_cache

_CYR = re.compile(r"[А-Яа-яЁё]")
_LAT = re.compile(r"[A-Za-z\u00C0-\u024F]")
_NON_WORD = re.compile(r"[^\w()]+")
_SPACES = re.compile(r"\s+")


def key(text: str) -> str:
    """Matching key: lowercase, ё as е, hyphens/punctuation as spaces, single spaces.

    Hyphens go because transcriptions spell East Asian names both ways ("Чжоу Энь-лай",
    "Чжоу Эньлай"); the compact form is added separately as a variant (`compact`).
    """
    t = text.replace("ё", "е").replace("Ё", "Е").replace("’", "'").lower()
    t = _NON_WORD.sub(" ", t.replace("-", " "))
    return _SPACES.sub(" ", t).strip()


def compact(text: str) -> str:
    """Key without spaces: "ким ир сен" and "ким ирсен" meet here."""
    return key(text).replace(" ", "")


def is_latin(text: str) -> bool:
    """More Latin letters than Cyrillic ones."""
    return len(_LAT.findall(text)) > len(_CYR.findall(text))


def is_cyrillic(text: str) -> bool:
    return len(_CYR.findall(text)) > 0 and not is_latin(text)


def title_case(word: str) -> str:
    """СТАЛИНУ -> Сталину, ГЕОРГИУ-ДЕЖ -> Георгиу-Деж; mixed-case words stay as they are."""
    if word.isupper() or word.islower():
        return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))
    return word


@lru_cache(maxsize=1)
def morph():
    """The one pymorphy3 analyzer of the process (building it takes ~0.3 s)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()
