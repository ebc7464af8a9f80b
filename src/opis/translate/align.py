"""Paragraph alignment of an original and its translation.

A translator keeps the order of the text but not always its paragraphs: one long Russian
paragraph may become two English ones, two short ones may be merged, and a translator's
note has no original at all. We align by dynamic programming over the two paragraph
lists (as Gale and Church did for sentences) with 1-1, 1-2, 2-1, 2-2 (a sentence moved across a paragraph break), 1-0 and
0-1 steps. A
step's cost adds

- length: how far the translation's length is from the original's times the ratio of
  the two whole texts (so the language pair needs no constant);
- anchors: what a translation cannot change. Numbers and dates are the same in both
  languages (Russian and English month names and Roman month numerals become month
  numbers); names are matched through transliteration (iuliia) and the authority file's
  English forms, by their first letters. Shared anchors lower the cost, anchors on one
  side only raise it.

A translator's or editor's note (a paragraph in brackets, or one that says it is a note)
has no original and is aligned with nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from opis.search import lemmas as lx

Pair = tuple[tuple[int, ...], tuple[int, ...]]  # original paragraph indices, translation ones

NAME_KEY = 4  # letters of a name compared across scripts
W_LENGTH, W_SHARED, W_ALONE = 2.0, 1.2, 0.35
STEP_COST = {(1, 1): 0.0, (1, 2): 1.1, (2, 1): 1.1, (2, 2): 2.4, (1, 0): 3.0, (0, 1): 3.0}

_MONTHS_RU = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
              "октябр", "ноябр", "декабр")
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12}
_NUMBER = re.compile(r"\d+")
_ROMAN_MONTH = re.compile(r"(?<=\d[.\s])(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)(?=[.\s]\s*\d)")
_NOTE = re.compile(r"^\s*(?:\[[^\]]*\]|\((?:translator|editor)[^)]*\))\s*$|^\s*\[?(?:translator|editor)['’]?s?\s+note",
                   re.I | re.S)
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Anchors:
    numbers: frozenset[str]
    names: frozenset[str]

    def all(self) -> frozenset[str]:
        return self.numbers | self.names


def _month_ru(word: str) -> int | None:
    w = word.lower()
    if w in ("май", "мая", "мае", "маем"):
        return 5
    for i, stem in enumerate(_MONTHS_RU, start=1):
        if i != 5 and w.startswith(stem) and len(w) <= len(stem) + 3:
            return i
    return None


@lru_cache(maxsize=1)
def _authority_en() -> dict[str, frozenset[str]]:
    """Lower-case Cyrillic word of an authority name -> name keys of its English form."""
    try:
        from opis.entities.authority import default_authority
    except ImportError:  # the entities stage is optional
        return {}
    out: dict[str, set[str]] = {}
    try:
        entries = default_authority().entries
    except Exception:
        return {}
    for e in entries:
        # only names that stand for one thing: a person's surname, a one-word place
        en_words = [w for w in _WORD.findall(e.en or "") if w[:1].isupper()]
        if e.type == "PER" and en_words:
            east = len(e.name.split()) > 1
            en_keys = {w[:NAME_KEY].lower() for w in (en_words if east else en_words[-1:])}
            forms = [e.name]
        elif e.type == "LOC" and len(e.name.split()) == 1 and en_words:
            en_keys = {w[:NAME_KEY].lower() for w in en_words}
            forms = [f for f in e.cyrillic_forms() if len(f.split()) == 1]
        else:
            continue
        for form in forms:
            for w in _WORD.findall(form):
                if lx.has_cyrillic(w) and w[:1].isupper():
                    out.setdefault(w.lower().replace("ё", "е"), set()).update(en_keys)
    return {k: frozenset(v) for k, v in out.items()}


def _russian_name_keys(word: str) -> set[str]:
    low = word.lower().replace("ё", "е")
    keys = {lx.translit(low)[:NAME_KEY]}
    info = lx.analyze(lx.normalize(word))
    table = _authority_en()
    for form in (low, *info.lemmas):
        keys.update(table.get(form, ()))
        keys.add(lx.translit(form)[:NAME_KEY])
    return {k for k in keys if len(k) == NAME_KEY}


@lru_cache(maxsize=50_000)
def _word_anchors(word: str, sentence_start: bool) -> tuple[frozenset[str], frozenset[str]]:
    """(numbers, names) that one word contributes."""
    nums: set[str] = set()
    names: set[str] = set()
    low = word.lower()
    if lx.has_cyrillic(word):
        m = _month_ru(word)
        if m:
            nums.add(f"m{m}")
        elif word[:1].isupper() and not sentence_start and len(word) > 2:
            names.update(_russian_name_keys(word))
    else:
        if low in _MONTHS_EN or (len(low) >= 3 and any(mo.startswith(low) and low[:3] == mo[:3] and len(low) <= 4
                                                      for mo in _MONTHS_EN)):
            idx = next(i for i, mo in enumerate(_MONTHS_EN, start=1) if mo.startswith(low[:3]))
            nums.add(f"m{idx}")
        elif word[:1].isupper() and not sentence_start and len(word) > 2:
            names.add(low[:NAME_KEY])
    return frozenset(nums), frozenset(names)


def anchors(text: str) -> Anchors:
    """Numbers, months and name keys of a paragraph."""
    nums: set[str] = {str(int(n)) for n in _NUMBER.findall(text) if len(n) <= 6}
    for m in _ROMAN_MONTH.finditer(text):
        nums.add(f"m{_ROMAN[m.group(1).lower()]}")
    names: set[str] = set()
    prev_end = 0
    for m in _WORD.finditer(text):
        before = text[prev_end:m.start()]
        sentence_start = prev_end == 0 or bool(re.search(r"[.!?:]\s*$|\n\s*$", before))
        prev_end = m.end()
        n, k = _word_anchors(m.group(0), sentence_start)
        nums |= n
        names |= k
    return Anchors(frozenset(nums), frozenset(names))


def is_note(text: str) -> bool:
    """A translator's or editor's note (a bracketed paragraph): it has no original."""
    return bool(_NOTE.match(text))


def _length(text: str) -> int:
    return len(re.sub(r"\s+", " ", text).strip())


def align_texts(original: Sequence[str], translation: Sequence[str]) -> list[Pair]:
    """Align two lists of paragraph texts; every index appears in exactly one pair, in
    order of the translation. Notes are set aside first and aligned with nothing, so a
    paragraph the translator split around a note still pairs with both halves (its
    translation indices then skip the note's)."""
    kept = [j for j, t in enumerate(translation) if not is_note(t)]
    if len(kept) == len(translation):
        return _align(original, translation)
    pairs = [(a, tuple(kept[j] for j in b)) for a, b in _align(original, [translation[j] for j in kept])]
    pairs += [((), (j,)) for j in range(len(translation)) if j not in set(kept)]

    def place(pair: Pair) -> tuple[float, float]:
        a, b = pair
        return (b[0], 0) if b else (_after(pairs, a[0]), 0.5)

    return sorted(pairs, key=place)


def _after(pairs: list[Pair], i: int) -> float:
    """Where an untranslated original paragraph stands among translation indices."""
    before = [max(b) for a, b in pairs if b and a and a[-1] < i]
    return max(before, default=-1) + 0.5


def _align(original: Sequence[str], translation: Sequence[str]) -> list[Pair]:
    n, m = len(original), len(translation)
    if not n or not m:
        return [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]
    la = [_length(t) for t in original]
    lb = [_length(t) for t in translation]
    ratio = min(2.5, max(0.4, (sum(lb) + 1) / (sum(la) + 1)))
    aa = [anchors(t).all() for t in original]
    ab = [anchors(t).all() for t in translation]
    notes = [is_note(t) for t in translation]

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        if i0 == i1 and all(notes[j0:j1]):
            return 0.1
        if i0 != i1 and any(notes[j0:j1]):
            return 50.0  # a note never stands for an original paragraph
        if i0 == i1 or j0 == j1:
            alone = sum(len(a) for a in aa[i0:i1]) + sum(len(b) for b in ab[j0:j1])
            return STEP_COST[(i1 - i0, j1 - j0)] + W_ALONE * alone * 0.5
        sa, sb = sum(la[i0:i1]), sum(lb[j0:j1])
        length = abs(math.log((sb + 20) / (ratio * sa + 20)))
        xa = frozenset().union(*aa[i0:i1])
        xb = frozenset().union(*ab[j0:j1])
        shared = len(xa & xb)
        alone = len(xa ^ xb)
        return (STEP_COST[(i1 - i0, j1 - j0)] + W_LENGTH * length - W_SHARED * math.sqrt(shared)
                + W_ALONE * alone)

    inf = float("inf")
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if best[i][j] == inf:
                continue
            for di, dj in STEP_COST:
                ni, nj = i + di, j + dj
                if ni > n or nj > m:
                    continue
                c = best[i][j] + cost(i, ni, j, nj)
                if c < best[ni][nj]:
                    best[ni][nj] = c
                    back[ni][nj] = (i, j)
    pairs: list[Pair] = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None
        pi, pj = step
        pairs.append((tuple(range(pi, i)), tuple(range(pj, j))))
        i, j = pi, pj
    pairs.reverse()
    return pairs


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """The paragraphs alignment works on: those the search index uses."""
    return lx.paragraphs(text)


def align(original_text: str, translation_text: str) -> list[Pair]:
    """Align the paragraphs of two texts (as `paragraph_spans` finds them)."""
    a = [original_text[s:e] for s, e in paragraph_spans(original_text)]
    b = [translation_text[s:e] for s, e in paragraph_spans(translation_text)]
    return align_texts(a, b)
