"""OCR suspects: words neither the dictionary (pymorphy3) nor the authority knows.

Each suspect carries suggestions that are stored beside the text, never written into it:
an editor (or a search engine, as an extra form) decides. Candidates come from a small
set of edits typical of typewritten Russian read by OCR, each checked against the
dictionary:

- ъ/ь dropped or added (`подема` → `подъема`), a letter doubled (`отсекаания`),
- look-alike letters (ш/щ, и/н, п/н, е/с, з/э, о/а/е, Latin a/e/o/p/c/x/y inside a Russian word),
- Roman numerals typed with Cyrillic letters before съезд, пленум, … (`УШ съезд` → `VIII`),
- names: capitalised unknown words close to an authority form (`Паньшынчжоня` → Паньмыньчжон).

Two edits at most, from that small set only, so a document takes milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from opis.entities.authority import Authority, default_authority
from opis.entities.normalize import key, morph
from opis.model import Document, Span

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+(?:-[A-Za-zА-Яа-яЁё0-9]+)*")
_CONFUSABLE = {
    "ш": "щ", "щ": "ш", "и": "нй", "н": "ипк", "п": "н", "е": "сёоя", "с": "е", "з": "э", "э": "з",
    "ы": "ь", "ь": "ыъ", "ъ": "ь", "й": "и", "о": "ае", "а": "о", "ц": "щ", "к": "н", "л": "п",
    "в": "ь", "б": "6",
}
_LATIN_LOOKALIKE = str.maketrans("aeopcxyAEOPCXYKMHTB", "аеорсхуАЕОРСХУКМНТВ")
_ROMAN_CHARS = {"У": "V", "Ш": "III", "П": "II", "Х": "X", "I": "I", "1": "I", "V": "V", "X": "X", "Н": "II"}
_ROMAN_CONTEXT = re.compile(r"\s*(съезд|пленум|сесси|созыв|конференц|конгресс|век|том|част|квартал|Интернационал)",
                            re.I)
_VALID_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


@dataclass(slots=True)
class Suspect:
    start: int
    end: int
    as_written: str
    suggestions: list[str] = field(default_factory=list)
    confidence: float = 0.5
    method: str = ""

    def as_span(self) -> Span:
        """The suspect as a mark on the reading layer (kind `ocr_suspect`)."""
        return Span(self.start, self.end, "ocr_suspect",
                    {"suggestions": list(self.suggestions), "confidence": self.confidence,
                     "method": self.method})


@lru_cache(maxsize=4)
def _words_of(auth_id: int, auth: Authority) -> frozenset[str]:
    out: set[str] = set()
    for k in auth.index:
        out.update(k.split())
    return frozenset(out)


def _authority_words(auth: Authority) -> frozenset[str]:
    """Every word of every authority form ("дейли" of "Дейли Геральд")."""
    return _words_of(id(auth), auth)


def _splits(w: str) -> list[str]:
    """Two words run together: "подокладу" -> "по докладу"."""
    out = []
    for i in range(2, len(w) - 1):
        left, right = w[:i], w[i:]
        if len(right) >= 3 and _known(left) and _known(right) and (len(left) >= 3 or left in _SHORT_WORDS):
            out.append(f"{left} {right}")
    return out[:2]


_ABBREVIATIONS = {"янв", "февр", "апр", "авг", "сент", "окт", "нояб", "дек", "инст", "экз", "тов",
                  "секр", "сов", "отп", "зам", "пред", "вх", "исх"}
_SHORT_WORDS = {"по", "на", "за", "до", "от", "из", "не", "во", "со", "ко", "об", "и", "в", "с", "к", "о", "у"}


def _known(word: str) -> bool:
    return morph().word_is_known(word.lower())


def _edits1(w: str) -> dict[str, float]:
    """Single OCR edits with a cost: a lost or added ъ/ь or a doubled letter is cheaper
    than a look-alike letter."""
    out: dict[str, float] = {}

    def add(c: str, cost: float) -> None:
        if c != w and cost < out.get(c, 9):
            out[c] = cost

    for i in range(1, len(w)):
        add(w[:i] + "ъ" + w[i:], 0.5)
        add(w[:i] + "ь" + w[i:], 0.6)
    for i, ch in enumerate(w):
        if ch in "ъь":
            add(w[:i] + w[i + 1:], 0.6)
        if i and w[i - 1] == ch:
            add(w[:i] + w[i + 1:], 0.5)
        for alt in _CONFUSABLE.get(ch, ""):
            add(w[:i] + alt + w[i + 1:], 1.0)
    return out


@lru_cache(maxsize=20_000)
def dictionary_suggestions(word: str) -> tuple[tuple[str, float], ...]:
    """Dictionary words one or two OCR edits away, cheapest first, with their cost."""
    w = word.lower().translate(_LATIN_LOOKALIKE)
    found: dict[str, float] = {}
    if w != word.lower() and _known(w):
        found[w] = 0.3
    first = _edits1(w)
    for c, cost in first.items():
        if _known(c):
            found[c] = min(cost, found.get(c, 9))
    if not found and len(w) <= 14:
        for c, cost in first.items():
            for c2, cost2 in _edits1(c).items():
                if c2 != w and _known(c2):
                    found[c2] = min(cost + cost2, found.get(c2, 9))
    ranked = sorted(found.items(), key=lambda kv: (kv[1], -_frequency(kv[0]), kv[0]))
    return tuple(ranked[:3])


def _frequency(word: str) -> float:
    """pymorphy3's parse score as a stand-in for how usual a form is."""
    ps = morph().parse(word)
    return ps[0].score if ps else 0.0


def _match_case(src: str, out: str) -> str:
    if src.isupper():
        return out.upper()
    if src[:1].isupper():
        return out[:1].upper() + out[1:]
    return out


def roman_reading(token: str) -> str | None:
    """"УШ" -> "VIII", "ХХ" -> "XX" when the letters spell a valid Roman numeral."""
    if not token or any(c not in _ROMAN_CHARS for c in token):
        return None
    if not re.search(r"[УШПХН1]", token):  # already Latin: nothing to fix
        return None
    roman = "".join(_ROMAN_CHARS[c] for c in token)
    return roman if _VALID_ROMAN.match(roman) else None


def find_suspects_in_text(text: str, authority: Authority | None = None) -> list[Suspect]:
    auth = authority or default_authority()
    out: list[Suspect] = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        a, b = m.span()
        roman = roman_reading(w)
        if roman and _ROMAN_CONTEXT.match(text, b):
            out.append(Suspect(a, b, w, [roman], 0.9, "rule.roman_cyrillic"))
            continue
        if len(w) < 4 or re.search(r"\d", w) or not re.search(r"[А-Яа-яЁё]", w):
            continue
        if w.isupper() and len(w) <= 6:
            continue  # abbreviations
        if _known(w) or key(w) in auth.index or key(w) in _authority_words(auth):
            continue
        if "-" in w and _known(w.split("-")[-1]):
            continue  # compounds: американско-советские
        if (text[b:b + 1] == "." and len(w) <= 5 and w.islower()) or w.lower() in _ABBREVIATIONS:
            continue  # abbreviations: сент., инст.
        if w[:1].isupper():
            link = auth.link(w)
            if link is not None and link.method != "authority.fuzzy" and link.score >= 0.9:
                continue  # an inflected form of a known name ("Ачесона", "Пальгунову")
        sugg = [(_match_case(w, s), round(max(0.4, 0.9 - 0.2 * cost), 2), "dictionary")
                for s, cost in dictionary_suggestions(w)]
        if not sugg:
            sugg += [(_match_case(w, s), 0.5, "split") for s in _splits(w.lower())]
        if w[:1].isupper() and link is not None and link.method == "authority.fuzzy":
            sugg.insert(0, (link.entry.name, round(link.score, 3), "authority"))
        if not sugg and w[:1].isupper():
            continue  # an unknown proper name without a better reading: not an error
        names = list(dict.fromkeys(s for s, _, _ in sugg))
        conf = max((c for _, c, _ in sugg), default=0.3)
        method = "+".join(dict.fromkeys(how for _, _, how in sugg)) or "unknown"
        out.append(Suspect(a, b, w, names, conf, f"suspect.{method}"))
    return out


def find_suspects(doc: Document, authority: Authority | None = None) -> list[Suspect]:
    """Suspects on the reading layer of `doc` (offsets into `doc.reading.text`)."""
    return find_suspects_in_text(doc.reading.text, authority)
