"""Words of a text as index terms: lemmas, surface forms and Latin transliterations.

Russian is inflected, so a paragraph is indexed by every normal form pymorphy3 offers for
each word (we cannot know which parse is right, and recall matters more than precision
here); surface forms are indexed separately so unknown words and names can still be
found by prefix. Terms are normalised to letters, digits and inner hyphens, which is
exactly one token for both SQLite FTS5 (unicode61, tokenchars '-') and a PostgreSQL
tsvector built from the term list, so both backends see the same terms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import iuliia
import pymorphy3
import razdel

PROPER_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn"})
MIN_PREFIX_SURFACE = 3  # unknown words/names also match surface forms by prefix
MIN_PREFIX_TRANSLIT = 4  # Latin query words match transliterations by prefix

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True, slots=True)
class Word:
    """One word token of a text with its index terms."""

    start: int
    end: int
    surface: str  # normalised surface form
    lemmas: tuple[str, ...]  # all distinct normal forms, normalised
    translit: tuple[str, ...]  # Latin transliterations of lemmas and surface


@dataclass(frozen=True, slots=True)
class WordInfo:
    """What the analyser says about one normalised word, independent of position."""

    surface: str
    lemmas: tuple[str, ...]
    translit: tuple[str, ...]
    known: bool  # pymorphy3 knows the word (always False for Latin)
    proper: bool  # some parse is a name, surname, patronymic, place or organisation
    latin: bool


@lru_cache(maxsize=1)
def morph() -> pymorphy3.MorphAnalyzer:
    """The analyser is expensive to build (dictionaries), so there is one per process."""
    return pymorphy3.MorphAnalyzer()


def normalize(word: str) -> str:
    """Lowercase, fold ё→е, drop combining marks and every character that is not a letter,
    a digit or an inner hyphen, so a term is always a single FTS token."""
    word = unicodedata.normalize("NFC", word.lower()).replace("ё", "е")
    if word.isalpha():  # only letters (categories L*), the usual token: nothing to drop
        return word
    kept = "".join(
        ch for ch in word if ch == "-" or unicodedata.category(ch)[0] in ("L", "N")
    )
    return kept.strip("-")


def is_latin(word: str) -> bool:
    return bool(_LATIN.search(word)) and not _CYRILLIC.search(word)


def has_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.search(word))


def stem_en(word: str) -> str:
    """A deliberately small English suffix stripper: enough to join plurals and common
    verb forms of translations; not a full Porter stemmer."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, repl in (("sses", "ss"), ("ies", "y"), ("ss", "ss"), ("us", "us"), ("is", "is")):
        if w.endswith(suffix):
            return w[: len(w) - len(suffix)] + repl
    if w.endswith("s") and len(w) > 3:
        return w[:-1]
    for suffix in ("ingly", "edly", "ing", "ed", "ly"):
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) >= 3 and re.search(r"[aeiouy]", stem):
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # stopped -> stop
            return stem
    return w


def translit(term: str) -> str:
    return normalize(iuliia.WIKIPEDIA.translate(term))


@lru_cache(maxsize=200_000)
def analyze(surface: str) -> WordInfo:
    """Index terms of one normalised word; cached because texts repeat words a lot."""
    if is_latin(surface):
        return WordInfo(surface, (stem_en(surface),), (surface,), False, False, True)
    if not has_cyrillic(surface):  # digits, other scripts: kept as written
        return WordInfo(surface, (surface,), (), surface.isdigit(), False, False)
    try:
        parses = morph().parse(surface)
    except ValueError:  # pymorphy3 looks up Unicode names; unnamed code points fail
        parses = []
    lemmas: list[str] = []
    for p in parses:
        lemma = normalize(p.normal_form)
        if lemma and lemma not in lemmas:
            lemmas.append(lemma)
    if not lemmas:
        lemmas = [surface]
    known = bool(parses) and parses[0].is_known and "UNKN" not in parses[0].tag
    translits: list[str] = []
    for term in (*lemmas, surface):
        t = translit(term)
        if t and t not in translits:
            translits.append(t)
    proper = any(PROPER_TAGS & p.tag.grammemes for p in parses)
    return WordInfo(surface, tuple(lemmas), tuple(translits), known, proper, False)


def words(text: str) -> list[Word]:
    """Word tokens of `text` (razdel) with offsets into it; punctuation is skipped."""
    out: list[Word] = []
    for tok in razdel.tokenize(text):
        surface = normalize(tok.text)
        if not surface:
            continue
        info = analyze(surface)
        out.append(Word(tok.start, tok.stop, surface, info.lemmas, info.translit))
    return out


@dataclass(frozen=True, slots=True)
class IndexColumns:
    """The three indexed columns of one paragraph, each a space-joined term list."""

    lemmas: str
    forms: str
    translit: str


Reading = tuple[int, int, str]  # (start, end, words): what an editor read a stretch of a text as


def index_columns(text: str, readings: Sequence[Reading] = ()) -> IndexColumns:
    """The indexed columns of `text`; `readings` (offsets into `text`) are indexed in
    place of the words they cover (see `read_as`), so `forms` keeps one term per word."""
    slots = read_as(words(text), readings)
    return IndexColumns(
        lemmas=" ".join(lemma for slot in slots for w in slot for lemma in w.lemmas),
        forms=" ".join(slot[-1].surface for slot in slots),
        translit=" ".join(t for slot in slots for w in slot for t in w.translit),
    )


def read_as(ws: list[Word], readings: Sequence[Reading] = ()) -> list[tuple[Word, ...]]:
    """The words of a text as they are indexed: one slot per word of the text, holding
    the word itself, or what an editor read it as (an accepted OCR reading).

    A slot's last word is its surface form, so position i of `forms` stays word i of the
    text and phrases and snippets keep working. A reading takes the positions of the words
    its stretch overlaps, one word each in order; when it has more words than that ("по
    докладу" for "подокладу"), the last position holds the rest too (all are found as
    words; the surface form there is the last one), and when it has fewer ("Микоян" for
    "Ми коян"), the last reading word fills the remaining positions, so a phrase through
    it holds on both sides. A reading of no word, or over no word, changes nothing."""
    slots = [(w,) for w in ws]
    for start, end, reading in readings:
        said = words(reading)
        covered = [i for i, w in enumerate(ws) if w.start < end and w.end > start]
        if not said or not covered:
            continue
        for j, i in enumerate(covered):
            if j == len(covered) - 1 and j < len(said):
                slots[i] = tuple(said[j:])
            else:
                slots[i] = (said[min(j, len(said) - 1)],)
    return slots


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of `text` (split on blank lines), trimmed of surrounding
    whitespace; empty paragraphs are dropped."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in [*_BLANK_LINE.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            spans.append((pos + lead, pos + trail))
        if m:
            pos = m.end()
    return spans
