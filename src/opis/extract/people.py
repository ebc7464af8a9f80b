"""The one place metadata extraction talks to the authority file and name grammar.

`opis.entities` (authority file, name normalisation) is written in parallel; this adapter
uses it when it is importable and otherwise falls back to pymorphy3 for the nominative and
to a handful of body names, so extraction works either way and switches to the authority
without changes elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class Party:
    """A person or body named as author, recipient or in a distribution list."""

    name: str
    name_en: str | None
    authority_id: str | None
    kind: str  # "person" or "body"
    method: str
    initials: str | None = None  # Russian initials ("А. И.") when known, for titles

    def as_value(self) -> dict[str, Any]:
        return {"name": self.name, "name_en": self.name_en,
                "authority_id": self.authority_id, "kind": self.kind}


# Bodies we must recognise even without the authority file: (pattern, canonical, English)
_BODIES: list[tuple[str, str, str]] = [
    (r"бюро\s+президиума\s+цк(?:\s+кпсс)?", "Бюро Президиума ЦК КПСС",
     "Bureau of the CC CPSU Presidium"),
    (r"президиум\w*\s+цк(?:\s+кпсс)?", "Президиум ЦК КПСС", "CC CPSU Presidium"),
    (r"политбюро\s+цк(?:\s+вкп\s*\(б\))?", "Политбюро ЦК ВКП(б)", "Politburo of the CC VKP(b)"),
    (r"цк\s+кпсс|центральн\w+\s+комитет\w*\s+кпсс|central\s+committee\s+of\s+the\s+cpsu|cpsu\s+central\s+committee|cc\s+cpsu",
     "ЦК КПСС", "CPSU Central Committee"),
    (r"цк\s+вкп\s*\(б\)", "ЦК ВКП(б)", "Central Committee of the VKP(b)"),
    (r"цк\s+кпк|central\s+committee\s+of\s+the\s+ccp|ccp\s+central\s+committee", "ЦК КПК",
     "CCP Central Committee"),
    (r"цк\s+тпк|central\s+committee\s+of\s+the\s+wpk|wpk\s+central\s+committee", "ЦК ТПК",
     "WPK Central Committee"),
    (r"мид\s+ссср|министерств\w+\s+иностранных\s+дел\s+ссср|soviet\s+foreign\s+ministry|ussr\s+ministry\s+of\s+foreign\s+affairs",
     "МИД СССР", "USSR Ministry of Foreign Affairs"),
    (r"совет\w*\s+министров\s+ссср|ussr\s+council\s+of\s+ministers", "Совет Министров СССР",
     "USSR Council of Ministers"),
    (r"тасс|tass", "ТАСС", "TASS"),
    (r"department\s+of\s+state|state\s+department|госдепартамент\w*", "Государственный департамент США",
     "Department of State"),
]
# the one pseudonym every reader of Stalin's cables needs
_PSEUDONYMS = {"филиппов": "Сталин", "filippov": "Сталин", "фын си": "Сталин", "fyn si": "Сталин"}
_EN_FALLBACK = {"Сталин": "Joseph Stalin"}

_TITLES = re.compile(
    r"^(?:(?:т\.\s*т\.|тт\.|товарищам|товарищу|товарищ|тов\.|т\.|господину|г-ну|г\.|"
    r"comrades?|mr\.|mrs\.|dr\.|to)(?!\w)\s*)+", re.I)
_INITIALS = re.compile(r"(?:\b[A-ZА-ЯЁ]\.\s*){1,3}")
_SIGNED = re.compile(r"\(signed\)|/s/|\(подпись\)|/подпись/", re.I)


def body(as_written: str) -> Party | None:
    """A known body named in `as_written` (the whole phrase must be the body)."""
    s = " ".join(as_written.strip(" .,:;*").split())
    for pattern, name, en in _BODIES:
        if re.fullmatch(rf"(?:в\s+|the\s+)?(?:{pattern})\.?", s, re.I):
            return Party(name, en, None, "body", "rule:body")
    return None


def find_body(text: str) -> tuple[Party, int, int] | None:
    """The first known body mentioned anywhere in `text`, with its offsets."""
    best = None
    for pattern, name, en in _BODIES:
        m = re.search(rf"(?<![\w]){pattern}(?![\w])", text, re.I)
        if m and (best is None or m.start() < best[1] or
                  (m.start() == best[1] and m.end() > best[2])):
            best = (Party(name, en, None, "body", "rule:body"), m.start(), m.end())
    return best


@lru_cache(maxsize=1)
def _authority():
    try:
        from opis.entities.authority import default_authority
    except ImportError:
        return None
    try:
        return default_authority()
    except Exception:  # an unfinished authority file must not stop extraction
        return None


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _fallback_nominative(as_written: str) -> str:
    """Strip titles and initials and put the surname into the nominative (pymorphy3)."""
    s = _SIGNED.sub(" ", as_written)
    s = _TITLES.sub("", s.strip())
    s = _INITIALS.sub(" ", s)
    s = re.sub(r"/.*?/|\(.*?\)", " ", s)
    tokens = [t for t in re.findall(r"[A-Za-zА-Яа-яЁё\-]+", s) if len(t) > 1]
    if not tokens:
        return as_written.strip()
    if len(tokens) > 1 and all(re.match(r"[A-Za-z]", t) for t in tokens):
        word = tokens[-1]
    else:
        word = tokens[0]
    if not re.match(r"[А-Яа-яЁё]", word):
        return word[:1].upper() + word[1:].lower() if word.isupper() else word
    parses = _morph().parse(word.lower())

    def rank(p) -> int:
        tag = p.tag
        if "Surn" in tag and "masc" in tag:
            return 0
        if "Name" in tag and "masc" in tag:
            return 1
        if "anim" in tag and "masc" in tag:
            return 2
        return 3

    best = min(parses, key=rank) if parses else None
    norm = best.normal_form if best is not None and rank(best) < 3 else word.lower()
    if "ё" not in word.lower():
        norm = norm.replace("ё", "е")
    return "-".join(part[:1].upper() + part[1:] for part in norm.split("-"))


def nominative(as_written: str) -> str:
    """Canonical short form (surname in the nominative) of a name as written."""
    try:
        from opis.entities.names import nominative as entity_nominative
    except ImportError:
        return _fallback_nominative(as_written)
    try:
        out = entity_nominative(as_written)
    except Exception:
        return _fallback_nominative(as_written)
    return out or _fallback_nominative(as_written)


def split_addressees(text: str) -> list[str]:
    """"Т. т. Маленкову, Малику, Пальгунову" -> three names as written."""
    try:
        from opis.entities.names import split_addressees as entity_split
    except ImportError:
        entity_split = None
    if entity_split is not None:
        try:
            parts = entity_split(text)
            if parts:
                return list(parts)
        except Exception:
            pass
    s = _TITLES.sub("", text.strip())
    parts = re.split(r"\s*,\s*|\s+(?:и|and)\s+", s)
    return [p.strip(" .;:") for p in parts if p.strip(" .;:")]


def resolve(as_written: str, type: str | None = None, context: str | None = None) -> Party | None:
    """Who `as_written` names: authority entry when linked, else a rule-made Party."""
    s = as_written.strip()
    if not re.search(r"[A-Za-zА-Яа-яЁё]{2,}", s):
        return None
    found = body(s)
    auth = _authority()
    if auth is not None:
        try:
            link = auth.link(s, type=type, context=context)
        except Exception:
            link = None
        if link is None and found is None:
            # the authority may know the bare surname better than the phrase
            try:
                link = auth.link(nominative(s), type=type, context=context)
            except Exception:
                link = None
        if link is not None:
            entry = link.entry
            kind = "person" if getattr(entry, "type", "PER") == "PER" else "body"
            return Party(entry.name, getattr(entry, "en", None), getattr(entry, "id", None),
                         kind, "authority",
                         _initials(getattr(entry, "heading", "") or "", entry.name) or _initials(s))
    if found is not None:
        return found
    if type not in (None, "PER"):
        return None
    name = nominative(s)
    if name.lower() in _PSEUDONYMS:
        real = _PSEUDONYMS[name.lower()]
        return Party(real, _EN_FALLBACK.get(real), None, "person", "rule:pseudonym")
    if not re.match(r"[A-ZА-ЯЁ]", name):
        return None
    return Party(name, None, None, "person", "pymorphy3", _initials(s))


def _initials(text: str, surname: str | None = None) -> str | None:
    """Russian initials of a name: "Г. Пушкин" -> "Г.", "Микоян Анастас Иванович" -> "А. И."."""
    found = re.findall(r"\b([А-ЯЁA-Z])\.", text)
    if not found and surname:
        rest = [w for w in re.findall(r"[А-ЯЁA-Z][а-яёa-z]+", text) if w != surname]
        found = [w[0] for w in rest[:2]]
    return " ".join(f"{c}." for c in found[:2]) or None
