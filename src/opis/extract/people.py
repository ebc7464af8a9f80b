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


# Bodies and offices we must recognise even without the authority file:
# (pattern, canonical, English). Patterns see the phrase after `normalize_body`.
_BODIES: list[tuple[str, str, str]] = [
    (r"бюро\s+президиума\s+цк\s+кпсс", "Бюро Президиума ЦК КПСС", "Bureau of the CC CPSU Presidium"),
    (r"президиум\s+цк\s+кпсс|(?:cc\s+cpsu|cpsu\s+cc|cpsu\s+central\s+committee)\s+presidium|"
     r"presidium\s+of\s+the\s+(?:cc\s+cpsu|cpsu\s+cc|central\s+committee\s+of\s+the\s+cpsu)",
     "Президиум ЦК КПСС", "CC CPSU Presidium"),
    (r"политбюро\s+цк\s+кпсс|(?:cc\s+cpsu|cpsu\s+cc)\s+politburo|cpsu\s+politburo|"
     r"politburo\s+of\s+the\s+(?:cc\s+cpsu|cpsu\s+cc|central\s+committee\s+of\s+the\s+cpsu)",
     "Политбюро ЦК КПСС", "CPSU Politburo"),
    (r"политбюро\s+цк\s+вкп\s*\(б\)", "Политбюро ЦК ВКП(б)", "Politburo of the CC VKP(b)"),
    (r"цк\s+кпсс|central\s+committee\s+of\s+the\s+(?:cpsu|communist\s+party\s+of\s+the\s+soviet\s+union)|"
     r"cpsu\s+central\s+committee|cc\s+cpsu", "ЦК КПСС", "CPSU Central Committee"),
    (r"цк\s+вкп\s*\(б\)", "ЦК ВКП(б)", "Central Committee of the VKP(b)"),
    (r"цк\s+кпк|ccp\s+central\s+committee", "ЦК КПК", "CCP Central Committee"),
    (r"цк\s+тпк|wpk\s+central\s+committee", "ЦК ТПК", "WPK Central Committee"),
    (r"мид\s+ссср|soviet\s+foreign\s+ministry|ussr\s+ministry\s+of\s+foreign\s+affairs|"
     r"ministry\s+of\s+foreign\s+affairs\s+of\s+the\s+(?:ussr|union\s+of\s+soviet\s+socialist\s+republics)",
     "МИД СССР", "Soviet Foreign Ministry"),
    (r"совет\w*\s+министров\s+ссср|ussr\s+council\s+of\s+ministers", "Совет Министров СССР",
     "USSR Council of Ministers"),
    (r"тасс|tass", "ТАСС", "TASS"),
    (r"department\s+of\s+state|state\s+department|госдепартамент\w*|государственн\w+\s+департамент\w*(?:\s+сша)?",
     "Государственный департамент США", "Department of State"),
    (r"(?:the\s+)?secretary(?:\s+of\s+state)?|государственн\w+\s+секретар\w+\s+сша|"
     r"secstate(?:\s+(?:washington|washdc|wash\s*dc))?",
     "Государственный секретарь США", "Secretary of State"),
    (r"(?:the\s+)?president(?:\s+of\s+the\s+united\s+states)?|президент\w*\s+сша",
     "Президент США", "President of the United States"),
    (r"(?:the\s+)?embassy\s+of\s+the\s+united\s+states\s+of\s+america|amembassy\s+moscow|"
     r"american\s+embassy,?\s+moscow|us\s+embassy\s+in\s+moscow|посольств\w+\s+сша(?:\s+в\s+ссср)?",
     "Посольство США в СССР", "US Embassy in Moscow"),
]
# Long forms in documents -> the abbreviations canonical names use
_ABBREVIATIONS: list[tuple[str, str]] = [
    (r"коммунистическ\w+\s+парти\w+\s+советского\s+союза", "КПСС"),
    (r"коммунистическ\w+\s+парти\w+\s+чехословакии", "КПЧ"),
    (r"коммунистическ\w+\s+парти\w+\s+китая", "КПК"),
    (r"трудов\w+\s+парти\w+\s+кореи", "ТПК"),
    (r"польск\w+\s+объединенн\w+\s+рабоч\w+\s+парти\w+", "ПОРП"),
    (r"венгерск\w+\s+парти\w+\s+трудящихся", "ВПТ"),
    (r"социалистическ\w+\s+един\w+\s+парти\w+\s+германии", "СЕПГ"),
    (r"министерств\w+\s+иностранных\s+дел\s+(?:ссср|союза\s+советских\s+социалистических\s+республик)", "МИД СССР"),
    (r"соединенных\s+штатов\s+америки", "США"),
    (r"центральн\w+\s+комитет\w*", "ЦК"),
    (r"политическ\w+\s+бюро", "Политбюро"),
]
# organs whose names are canonical even when the authority does not list them
_ORGAN = re.compile(r"\b(?:ЦК|Политбюро|Президиум|Секретариат|Пленум|МИД|НКИД|Коллегия|отдел|Посольство|"
                    r"Министерство)\b")


# the one pseudonym every reader of Stalin's cables needs
_PSEUDONYMS = {"филиппов": "Сталин", "filippov": "Сталин", "фын си": "Сталин", "fyn si": "Сталин"}
_EN_FALLBACK = {"Сталин": "Joseph Stalin"}

_TITLES = re.compile(
    r"^(?:(?:т\.\s*т\.|тт\.|товарищам|товарищу|товарищ|тов\.|т\.|господину|г-ну|г\.|"
    r"comrades?|mr\.|mrs\.|dr\.|to)(?!\w)\s*)+", re.I)
_INITIALS = re.compile(r"(?:\b[A-ZА-ЯЁ]\.\s*){1,3}")
_SIGNED = re.compile(r"\((?:signed|sgd\.?)\)|/(?:s|signed)/|\[signed\]|\bsgd\.|\bSigned:|"
                     r"\((?:подпись|подп\.)\)|/(?:подпись|подп\.)/|\[подпись\]", re.I)


def inflect_head(phrase: str, case: str) -> str:
    """Put the head noun phrase of a body's name into `case` ("Президент США" ->
    "Президенту США"); the words after the head noun and abbreviations stay as they are.
    Adjectives before the head noun agree with it in gender and number
    ("Международного отдела" -> "Международный отдел", not "Международное")."""
    words = phrase.split()
    parses = []
    for w in words:
        if w.isupper() or not re.match(r"[А-Яа-яЁё]", w):
            break
        parses.append(_morph().parse(w.lower())[0])
        if "NOUN" in parses[-1].tag:
            break
    head = parses[-1] if parses and "NOUN" in parses[-1].tag else None
    agree: set[str] = set()
    if head is not None:
        number = head.tag.number or "sing"
        agree = {number} | ({head.tag.gender} if number == "sing" and head.tag.gender else set())
    out: list[str] = []
    for i, p in enumerate(parses):
        w = words[i]
        form = None
        if "NOUN" in p.tag:
            form = p.inflect({case})
        elif "ADJF" in p.tag:
            form = p.inflect({case} | agree) or p.inflect({case})
        new = form.word if form else w.lower()
        out.append(new[:1].upper() + new[1:] if i == 0 else new)
    return " ".join(out + words[len(parses):])


def normalize_body(phrase: str, soviet: bool = True) -> str:
    """"Президиума ЦК" -> "Президиум ЦК КПСС", "Политического бюро ЦК Коммунистической
    партии Чехословакии" -> "Политбюро ЦК КПЧ", "Дальневосточным отделом МИД СССР" ->
    "Дальневосточный отдел МИД СССР": long party names to abbreviations, the head noun
    phrase to the nominative, and a bare "ЦК" of a Soviet document is the CPSU's."""
    s = " ".join(phrase.strip(" .,:;*").split())
    if not re.search(r"[А-Яа-яЁё]", s):
        return s
    s = _uncap(s)
    for pattern, abbr in _ABBREVIATIONS:
        s = re.sub(pattern, abbr, s, flags=re.I)
    s = inflect_head(s, "nomn")
    if soviet and re.search(r"\bЦК$", s):
        s += " КПСС"
    return s


def _uncap(phrase: str) -> str:
    """A heading typed in capitals ("ПРЕЗИДИУМА ВЕРХОВНОГО СОВЕТА СССР") with its words
    capitalised, so the head noun can be declined; abbreviations (ЦК, КПСС, МИД, ТАСС)
    stay as they are."""
    out = []
    for w in phrase.split():
        # ТАСС, МИД, КПСС have at most one vowel in a short word: abbreviations
        if w.isupper() and re.fullmatch(r"[А-ЯЁ\-]+", w) and (len(_VOWELS.findall(w)) >= 2 or len(w) >= 6):
            p = _morph().parse(w.lower())[0]
            if p.is_known and "Abbr" not in p.tag:
                w = w[:1] + w[1:].lower()
        out.append(w)
    return " ".join(out)


def body(as_written: str, loose: bool = False) -> Party | None:
    """The body named by the whole phrase `as_written`; with `loose`, also an organ
    ("Политбюро ЦК ПОРП") that the table does not list, under its normalised name."""
    s = " ".join(as_written.strip(" .,:;*").split())
    s = re.sub(r"^(?:в|во|the|to\s+the)\s+", "", s, flags=re.I)
    if not s:
        return None
    norm = normalize_body(s) if re.match(r"[А-Яа-яЁё]", s) else s
    for cand in (s, norm):
        for pattern, name, en in _BODIES:
            if re.fullmatch(rf"(?:{pattern})\.?", cand, re.I):
                return _linked_body(Party(name, en, None, "body", "rule:body"))
    if loose and _ORGAN.search(norm):
        return _linked_body(Party(norm, None, None, "body", "rule:body.normalized"))
    return None


def organisation(as_written: str) -> Party | None:
    """A body named by a whole phrase: the table, an organ by its normalised name, or an
    organisation the authority file knows (in either language: "National Security
    Council")."""
    found = body(as_written)
    if found is not None:
        return found
    s = " ".join(as_written.strip(" .,:;*").split())
    s = re.sub(r"^(?:the)\s+", "", s, flags=re.I)
    auth = _authority()
    link = None
    if auth is not None and len(s) >= 4:
        try:
            link = auth.link(s, type="ORG")
        except Exception:
            link = None
    if link is not None and link.score >= 0.95 and len(s.split()) >= 4:
        # the authority's own form of a long name ("Посольство Демократической Республики
        # Вьетнам в СССР" -> "Посольство ДРВ в СССР") beats the normalised phrase
        e = link.entry
        return Party(e.name, e.en, e.id, "body", "authority")
    found = body(as_written, loose=True)
    if found is not None:
        return found
    if link is None or link.score < 0.8:
        return None
    e = link.entry
    return Party(e.name, e.en, e.id, "body", "authority")


def _linked_body(party: Party) -> Party:
    """The same body with the authority's id and English name when the authority file
    lists it under the same canonical name."""
    auth = _authority()
    if auth is None:
        return party
    try:
        link = auth.link(party.name, type="ORG")
    except Exception:
        return party
    if link is None or link.entry.name != party.name:
        return party
    return Party(party.name, link.entry.en or party.name_en, link.entry.id, "body",
                 f"{party.method}+authority")


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


_VOWELS = re.compile(r"[аеёиоуыэюяАЕЁИОУЫЭЮЯ]")


def _east_asian(tokens: list[str]) -> bool:
    """"Ким Ир Сен", "Мао Цзэдун", "Нам Ир": short syllabic tokens, kept whole."""
    tokens = tokens[:-1] + [_strip_case_ending(tokens[-1])] if tokens else tokens
    return (len(tokens) >= 2 and len(tokens[0]) <= 4
            and all(len(_VOWELS.findall(t)) <= 2 for t in tokens)
            and all(re.match(r"[А-ЯЁ]", t) for t in tokens))


def _strip_case_ending(token: str) -> str:
    """Case ending of the last syllable of an East Asian name: Цзэдуну -> Цзэдун,
    Ира -> Ир, Эньлаю -> Эньлай."""
    low = token.lower()
    if re.search(r"[аеиоуэ][юя]$", low):
        return token[:-1] + "й"
    for ending in ("ом", "ем", "а", "у", "е", "ю", "я"):
        stem = token[: -len(ending)]
        if low.endswith(ending) and len(stem) >= 2 and not _VOWELS.match(stem[-1]):
            return stem
    return token


def _cap(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _fallback_nominative(as_written: str, case: str | None = None) -> str:
    """Strip titles and initials and put the surname into the nominative (pymorphy3).
    `case` is the case the name is written in when the place it stands tells it:
    a signature is in the nominative and is kept as written."""
    s = _SIGNED.sub(" ", as_written)
    s = _TITLES.sub("", s.strip())
    s = _INITIALS.sub(" ", s)
    s = re.sub(r"/.*?/|\(.*?\)", " ", s)
    tokens = [t for t in re.findall(r"[A-Za-zА-Яа-яЁё\-]+", s) if len(t) > 1]
    if not tokens:
        return as_written.strip()
    caps = [_cap(t) for t in tokens]
    if _east_asian(caps):
        if case != "nomn":
            caps[-1] = _strip_case_ending(caps[-1])
        return " ".join(caps)
    if len(tokens) > 1 and all(re.match(r"[A-Za-z]", t) for t in tokens):
        word = tokens[-1]
    else:
        word = tokens[0]
    if not re.match(r"[А-Яа-яЁё]", word):
        return word[:1].upper() + word[1:].lower() if word.isupper() else word
    if case == "nomn":
        return _cap(word)
    parses = _morph().parse(word.lower())
    if case:
        parses = [p for p in parses if case in p.tag] or parses

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
    return _cap(norm)


def nominative(as_written: str, case: str | None = None) -> str:
    """Canonical short form (surname in the nominative) of a name as written; a name
    known to be in the nominative already (a signature) is only tidied. Without a case
    hint the entities module's normaliser is used when it is there."""
    if case is not None:
        # the place in the document tells the case: the rule-based form is reliable
        return _fallback_nominative(as_written, case)
    try:
        from opis.entities.names import nominative as entity_nominative
    except ImportError:
        return _fallback_nominative(as_written, case)
    try:
        out = entity_nominative(as_written)
    except Exception:
        return _fallback_nominative(as_written, case)
    return out or _fallback_nominative(as_written, case)


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


def resolve(as_written: str, type: str | None = None, context: dict | str | None = None,
            case: str | None = None) -> Party | None:
    """Who `as_written` names: authority entry when linked, else a rule-made Party.
    `case` ("nomn", "datv", "gent") is the grammatical case the place implies;
    `context` is passed to the authority (a dict: "signature" True for names in signature
    or address position, "initials", "year")."""
    s = as_written.strip()
    if not re.search(r"[A-Za-zА-Яа-яЁё]{2,}", s):
        return None
    found = body(s)
    auth = _authority()
    if auth is not None:
        link = None
        oblique = case not in (None, "nomn") and found is None and type in (None, "PER")
        nom = nominative(s, case) if oblique else None
        if nom:
            # the place tells the case ("Из дневника В.С. Семенова"): the nominative is
            # what the authority lists, and the written form may be another person's
            # nominative ("Семенова")
            link = _link(auth, nom, type, context)
        if link is None:
            link = _link(auth, s, type, context)
            written = _fallback_nominative(s, "nomn")
            if link is not None and nom and nom != written and link.entry.name == written:
                link = None
        if link is None and found is None:
            # the authority may know the bare surname better than the phrase
            try:
                link = auth.link(nominative(s, case), type=type, context=context)
            except Exception:
                link = None
        if link is not None and link.entry.type == "LOC" and type != "LOC":
            # a party is a person or a body: "the Delegation in Geneva" is not Geneva, and
            # "Moscow" in "From Moscow to Beijing" is no one
            return found
        if link is not None:
            entry = link.entry
            kind = "person" if getattr(entry, "type", "PER") == "PER" else "body"
            return Party(entry.name, getattr(entry, "en", None), getattr(entry, "id", None),
                         kind, "authority",
                         getattr(entry, "initials", "") or
                         _initials(getattr(entry, "heading", "") or "", entry.name) or _initials(s))
    if found is not None:
        return found
    if type not in (None, "PER"):
        return None
    bare = " ".join(_TITLES.sub("", _SIGNED.sub(" ", s)).split()).strip(" .,").lower()
    for key in (bare, nominative(s, case).lower()):
        if key in _PSEUDONYMS:
            real = _PSEUDONYMS[key]
            return Party(real, _EN_FALLBACK.get(real), None, "person", "rule:pseudonym")
    if re.search(r"\b(?:the|of|in|for|to|and|on|at)\b", bare):
        return None  # "the Embassy in the Soviet Union" is a phrase, not a person's name
    if re.fullmatch(r"[A-Za-z\u00C0-\u024F .\-']+", bare):
        # a Latin-script name without an authority entry stays as written
        latin = " ".join(w.capitalize() if w.isupper() else w for w in
                         _TITLES.sub("", _SIGNED.sub(" ", s)).split()).strip(" .,")
        cyrillic = _south_slavic(latin)
        if cyrillic:
            # "Budimir Lončar" -> "Лончар": Gaj's Latin spells a surname one way in Russian
            return Party(cyrillic, latin, None, "person", "rule:latin_name.gaj")
        return Party(latin, latin, None, "person", "rule:latin_name")
    name = nominative(s, case)
    if not re.match(r"[A-ZА-ЯЁ]", name):
        return None
    return Party(name, None, None, "person", "pymorphy3", _initials(s))


def _south_slavic(latin: str) -> str | None:
    """The Russian surname of a Latin-script South Slavic name written with its
    diacritics, or None (the name then stays as written)."""
    try:
        from opis.entities.names import south_slavic_cyrillic
    except ImportError:
        return None
    words = re.findall(r"[^\W\d_]+", latin)
    return south_slavic_cyrillic(words[-1]) if words else None


def _link(auth, text: str, type: str | None, context):
    try:
        return auth.link(text, type=type, context=context)
    except Exception:
        return None


def _initials(text: str, surname: str | None = None) -> str | None:
    """Russian initials of a name: "Г. Пушкин" -> "Г.", "Микоян Анастас Иванович" -> "А. И."."""
    found = re.findall(r"\b([А-ЯЁA-Z])\.", text)
    if not found and surname:
        rest = [w for w in re.findall(r"[А-ЯЁA-Z][а-яёa-z]+", text) if w != surname]
        found = [w[0] for w in rest[:2]]
    return " ".join(f"{c}." for c in found[:2]) or None


def authority_initials(authority_id: str | None) -> str | None:
    """Initials ("А. И.") of an authority entry, for titles."""
    if not authority_id:
        return None
    auth = _authority()
    entry = auth.get(authority_id) if auth is not None and hasattr(auth, "get") else None
    if entry is None:
        return None
    return getattr(entry, "initials", "") or _initials(getattr(entry, "heading", "") or "", entry.name)
