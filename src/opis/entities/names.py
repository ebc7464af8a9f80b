"""Person names as written in archival papers → canonical short forms.

Soviet papers address people in the dative ("Т. т. Маленкову, Малику"), list them in the
dative in distribution lists and sign with initials; `nominative` undoes all of that so
that one person has one name string, and `split_addressees` cuts an address line into
one name per person with offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.entities.normalize import compact, is_latin, key, morph, title_case

# forms of address and titles that precede a name (matched case-insensitively, at the start)
_ADDRESS = re.compile(
    r"""^(?:
        т\.\s*т\.|тт\.|тов\.?|товарищ(?:у|ам|а|ем|и|ей)?|т\.|
        господ(?:ину|ина|ин|ам|а)|г-(?:ну|на|н|жа|же)|мистер(?:у|а)?|сэр|
        маршал(?:у|а|ом)?|генерал(?:у|а|ом)?|посл(?:у|а|ом)|посол|
        cde\.?|comrades?|mr\.?|mrs\.?|ms\.?|dr\.?|sir|messrs\.?|to|dear|
        ambassador|marshal|general|admiral|his\s+excellency
    )(?=[\s.]|$)\s*""",
    re.I | re.X,
)
_INITIAL = r"[A-ZА-ЯЁ][a-zа-яё]?\."
_LEADING_INITIALS = re.compile(rf"^(?:{_INITIAL}\s*){{1,3}}")
_TRAILING_INITIALS = re.compile(rf"(?:\s*{_INITIAL}){{2,3}}\s*$")
_SINGLE_TRAILING_INITIAL = re.compile(rf"\s+{_INITIAL}\s*$")
_BRACKETED = re.compile(r"/[^/]*/|\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё\u00C0-\u024F'’]+(?:-[A-Za-zА-Яа-яЁё\u00C0-\u024F'’]+)*")
_CASE_ENDINGS = ("ому", "ему", "ого", "его", "ым", "им", "ом", "ем", "ой", "ою", "ей",
                 "у", "ю", "а", "я", "е", "ы")


def strip_address(text: str) -> str:
    """Remove forms of address ("Товарищу", "Т. т.", "Comrade", "Mr.") at the start."""
    s = text.strip()
    while True:
        t = _ADDRESS.sub("", s, count=1)
        if t == s:
            return s
        s = t.strip()


def initials_of(text: str) -> str:
    """The initials written next to a name: "А. Мимозн" -> "А.", "СТАЛИНУ И.В." -> "И. В."."""
    s = _BRACKETED.sub(" ", strip_address(text)).strip()
    m = _LEADING_INITIALS.match(s) or _TRAILING_INITIALS.search(s)
    if not m:
        return ""
    return " ".join(re.findall(r"[A-ZА-ЯЁ][a-zа-яё]?\.", m.group(0)))


def clean(text: str) -> str:
    """A name without address forms, initials, slash-repeated signatures, punctuation."""
    s = text.replace("\n", " ")
    outside = _BRACKETED.sub(" ", s)
    if _WORD.search(outside):
        s = outside
    s = strip_address(s)
    s = _LEADING_INITIALS.sub("", s).strip()
    s = _TRAILING_INITIALS.sub("", s).strip()
    words = _WORD.findall(s)
    # a lone trailing initial ("Малик Я.") is dropped only after a Russian-looking surname,
    # never from East Asian names ("Пак Ир У.")
    if len(words) == 2 and len(words[1]) == 1 and _SINGLE_TRAILING_INITIAL.search(s) \
            and re.search(r"(ов|ев|ин|ын|ский|цкий|ко|ук|юк|ян|дзе|швили)$", words[0].lower()):
        words = words[:1]
    return " ".join(words)


def _known_forms() -> dict[str, str]:
    """Authority surface forms (key -> form as written there), loaded lazily."""
    try:
        from opis.entities.authority import default_authority
    except ImportError:  # pragma: no cover - authority is part of this package
        return {}
    return default_authority().person_forms


def _keep_yo(source: str, out: str) -> str:
    return out if "ё" in source.lower() else out.replace("ё", "е").replace("Ё", "Е")


def _word_nominative(word: str, known: dict[str, str]) -> str:
    """One Russian word of a name in the nominative: Маленкову -> Маленков."""
    w = title_case(word)
    if not re.search(r"[А-Яа-яЁё]", w):
        return w
    k = key(w)
    if k in known:
        return known[k] if " " not in known[k] else w
    low = w.lower()
    for suf in _CASE_ENDINGS:  # foreign surnames pymorphy does not know: Ачесона -> Ачесон
        if low.endswith(suf) and len(low) - len(suf) >= 2:
            stem = key(w[: -len(suf)])
            for cand in (stem, stem + "й", stem + "ий", stem + "ь"):
                if cand in known and " " not in known[cand]:
                    return known[cand]
    parses = morph().parse(low)
    for p in parses:
        if {"Surn"} & set(p.tag.grammemes) or "Name" in p.tag or "Patr" in p.tag:
            inf = p.inflect({"nomn", "sing"}) or p.inflect({"nomn"})
            if inf is not None and key(inf.word) in known:
                return known[key(inf.word)]
    surn = [p for p in parses if "Surn" in p.tag]
    if surn:
        if any("nomn" in p.tag for p in surn):
            return w
        p = surn[0]
        inf = p.inflect({"nomn", "sing"}) or p.inflect({"nomn"})
        if inf is not None:
            return _keep_yo(word, title_case(inf.word) if "-" in inf.word
                            else inf.word[:1].upper() + inf.word[1:])
    if any("nomn" in p.tag for p in parses):
        return w
    anim = [p for p in parses if "anim" in p.tag and "NOUN" in p.tag]
    if anim:
        inf = anim[0].inflect({"nomn", "sing"}) or anim[0].inflect({"nomn"})
        if inf is not None:
            return _keep_yo(word, inf.word[:1].upper() + inf.word[1:])
    return w


def _is_surname(word: str) -> bool:
    return any("Surn" in p.tag for p in morph().parse(word.lower()))


def _is_given(word: str) -> bool:
    from opis.entities.authority import default_authority

    w = word.lower().replace("ё", "е")
    if w in default_authority().given_names:
        return True
    return any("Name" in p.tag or "Patr" in p.tag for p in morph().parse(w))


def _multi_from_known(words: list[str], known: dict[str, str]) -> str | None:
    """East Asian and other multi-word names: the last word carries the case ending
    ("Ким Ир Сена", "Ли Сын Мана"); strip it and look the whole name up."""
    head = " ".join(words[:-1])
    last = words[-1]
    cands = [last]
    low = last.lower()
    for suf in _CASE_ENDINGS:
        if low.endswith(suf) and len(low) > len(suf):
            cands += [last[: -len(suf)], last[: -len(suf)] + "й"]
    for c in cands:
        full = f"{head} {c}"
        for k in (key(full), compact(full)):
            if k in known:
                return known[k]
    return None


def nominative(as_written: str) -> str:
    """Canonical short nominative of a name as written.

    >>> nominative("Товарищу СТАЛИНУ И.В.")
    'Сталин'
    """
    words = [title_case(w) for w in clean(as_written).split()]
    if not words:
        return ""
    if is_latin(" ".join(words)):
        return " ".join(words)
    known = _known_forms()
    whole = " ".join(words)
    for k in (key(whole), compact(whole)):
        if k in known:
            return known[k]
    if len(words) > 1:
        found = _multi_from_known(words, known)
        if found:
            return found
        noms = [_word_nominative(w, known) for w in words]
        # "Дина Ачесона", "Анастас Микоян": given name(s) + surname -> the surname
        last = noms[-1]
        if (key(last) in known or _is_surname(words[-1])) and all(_is_given(w) for w in words[:-1]):
            return last
        first = noms[0]
        # "Сидоренко Петром Ивановичем": surname first, then given name and patronymic
        if (key(first) in known or _is_surname(words[0])) and all(_is_given(w) for w in words[1:]):
            return first
        return " ".join(noms)
    return _word_nominative(words[0], known)


class Addressee(str):
    """A name as written inside an address line, with its offsets in that line."""

    start: int
    end: int

    def __new__(cls, text: str, start: int, end: int) -> "Addressee":
        obj = super().__new__(cls, text)
        obj.start, obj.end = start, end
        return obj

    def __reduce__(self):
        # records travel between ingest worker processes by pickle
        return (Addressee, (str(self), self.start, self.end))


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int
    end: int


_SEPARATORS = re.compile(r"\s*(?:[,;\n]|\s(?:и|and)\s)\s*")
_COPIES = re.compile(r"/[^/\n]*/|\([^)\n]*\)|\b\d+\s*экз\.?", re.I)


def split_addressees(text: str) -> list[Addressee]:
    """One entry per person of an address or distribution line, each with offsets.

    "Т. т. Маленкову, Малику, Пальгунову" -> ["Маленкову", "Малику", "Пальгунову"].
    Copy counts ("/2экз/") and forms of address are left out of the spans.
    """
    out: list[Addressee] = []
    pos = 0
    pieces: list[_Piece] = []
    for m in _SEPARATORS.finditer(text):
        pieces.append(_Piece(pos, m.start()))
        pos = m.end()
    pieces.append(_Piece(pos, len(text)))
    for p in pieces:
        seg = text[p.start : p.end]
        masked = _COPIES.sub(lambda m: " " * len(m.group(0)), seg)
        stripped = strip_address(masked.strip())
        if not stripped:
            continue
        off = masked.find(stripped)
        # also drop leading initials from the span start? keep them: they are part of the name
        body = stripped.rstrip(" .:")
        words = list(_WORD.finditer(body))
        if not words:
            continue
        a = p.start + off + words[0].start()
        b = p.start + off + words[-1].end()
        # keep a trailing initials group ("СТАЛИНУ И.В.") inside the span
        tail = re.match(rf"(?:\s*{_INITIAL})+", text[b : p.end])
        if tail:
            b += tail.end()
        elif len(words) > 1 and len(words[-1].group(0)) == 1 and text[b : b + 1] == ".":
            b += 1  # the dot after the last initial
        # leading initials before the first word are inside `body` already
        lead = re.search(rf"((?:{_INITIAL}\s*)+)$", text[p.start : a])
        if lead:
            a -= len(lead.group(1))
        out.append(Addressee(text[a:b], a, b))
    return out


# -- Latin-script South Slavic surnames -----------------------------------------------
# Gaj's Latin alphabet (Serbo-Croatian, Slovene) maps letter for letter onto Cyrillic, so a
# surname written with its diacritics has one Russian form: Jović -> Йович, Lončar ->
# Лончар, Đilas -> Джилас. Without diacritics ("Loncar": ц or ч?) or in another
# language's spelling (English, Korean, Vietnamese romanisations) the Russian form cannot
# be known from the letters alone, and the name is kept as written.
_GAJ_SURE = set("ćđĆĐ")  # only Serbo-Croatian writes these
_GAJ_SHARED = set("čšžČŠŽ")  # also Czech, Slovak: transcribed alike where nothing else differs
_GAJ_LETTERS = {"a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ч", "d": "д", "đ": "дж", "e": "е",
                "f": "ф", "g": "г", "h": "х", "i": "и", "k": "к", "l": "л", "m": "м", "n": "н",
                "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у", "v": "в",
                "z": "з", "ž": "ж"}
_J_VOWEL = {"a": "я", "e": "е", "u": "ю"}


def south_slavic_cyrillic(surname: str) -> str | None:
    """The Russian form of a Serbo-Croatian surname written in Gaj's Latin with its
    diacritics ("Jović" -> "Йович"), or None where the letters do not settle it: no
    diacritic, letters Gaj's alphabet lacks (q, w, x, y, accented vowels), "lj"/"nj"/"dž"
    before a vowel, "h" or "ch" in a word that could be Czech."""
    w = surname.strip()
    if not re.fullmatch(r"[A-Za-zčćđšžČĆĐŠŽ]+", w) or len(w) < 3:
        return None
    letters = set(w)
    if not letters & (_GAJ_SURE | _GAJ_SHARED):
        return None
    low = w.lower()
    if re.search(r"[qwxy]", low):
        return None
    if not letters & _GAJ_SURE and ("h" in low or not low.endswith(("ić", "ič", "ar", "ek", "ak", "ec"))):
        return None  # č/š/ž alone: Czech and Slovak read h, vowels and endings otherwise
    if re.search(r"(?:lj|nj|dž)[aeiou]", low):
        return None
    out: list[str] = []
    i = 0
    while i < len(low):
        c = low[i]
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < len(low) else ""
        if low.startswith("dž", i):
            out.append("дж")
            i += 2
            continue
        if c in "ln" and nxt == "j":
            out.append(_GAJ_LETTERS[c] + "ь")
            i += 2
            continue
        if c == "j":
            if nxt in _J_VOWEL and (not prev or prev in "aeiou"):
                out.append(_J_VOWEL[nxt])  # Jelić -> Елич, Mijatović -> Миятович
                i += 2
                continue
            if nxt and nxt not in "aeiou" or not nxt:
                out.append("й")  # Vujčić -> Вуйчич, Kraj -> Край
                i += 1
                continue
            if prev and prev not in "aeiou":
                return None  # a consonant + j + vowel has no settled Russian form
            out.append("й")  # Jović -> Йович
            i += 1
            continue
        if c == "e" and (not prev or prev in "aeiou"):
            out.append("э")  # Edvard -> Эдвард
            i += 1
            continue
        if c not in _GAJ_LETTERS:
            return None
        out.append(_GAJ_LETTERS[c])
        i += 1
    s = "".join(out)
    return s[:1].upper() + s[1:]
