"""Named entities on a document's reading layer.

Russian text: natasha's slovnet NER is the base, then fixes for what it gets wrong on
archival papers (each has a test in tests/entities/test_ner.py):

- address words tagged as persons ("Тов", "Т.") are dropped or cut off the span;
- names in the dative/genitive are put into the nominative (`names.nominative`);
- a distribution list merged into one span is split per line and comma;
- Korean and Chinese names are kept whole and retyped by the authority ("Нам Ир" is not
  a place);
- spans never cross a line break or markup characters;
- an authority gazetteer adds what NER missed (abbreviations like ТПК, surnames in
  lists, news agencies, newspapers) and longer body names win over their parts
  ("Центральному Комитету КПСС" over "Центральному Комитету");
- one name, one person per document: a garbled signature linked by its initials
  ("А. Мимозн") links the same garble elsewhere in the document ("Верно: Мимозн").

English text (no English model is installed) uses the authority gazetteer plus rules for
capitalised names after titles ("Ambassador Thompson").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from opis.entities.authority import Authority, Entry, default_authority, lemma_key
from opis.entities.names import clean, initials_of, nominative, strip_address
from opis.entities.normalize import compact, is_latin, key, morph
from opis.model import Document, Mention

MAX_GAZ_WORDS = 10
_TOKEN = re.compile(r"[A-Za-zА-Яа-яЁё\u00C0-\u024F0-9]+(?:(?:-|['’](?![sS]\b))[A-Za-zА-Яа-яЁё\u00C0-\u024F0-9]+)*(?:\(б\))?")
_MARKUP = re.compile(r"[~<>*|#\[\]{}_/\\=]")
_GAP_OK = re.compile(r"^[ \t\u00a0]+$|^-$|^ ?- ?$|^\.[ \t\u00a0]+$|^['’][ \t]?$")
_ADDRESS_ONLY = re.compile(r"^(?:т|тов|тт|товарищ\w*|т\.\s*т|г-н|господин\w*|гр)\.?$", re.I)
# a short word list that natasha tags as ORG or PER in these papers without them being names
_GENERIC = {"цк", "пленум", "президиум", "бюро", "правительство", "посольство", "партия",
            "центральный комитет", "делегация", "съезд", "комитет", "комиссия"}
# surnames in the authority that are also ordinary words (or forms of them)
_HOMOGRAPHS = {"свобода", "гроза", "широкий", "лука", "пик", "кулик", "коль", "хит", "бим", "тун",
               "джой", "маски", "ходжа", "форд", "ллойд", "дин", "коти", "каня", "роа", "гере",
               "грос", "мао", "кирк", "смит", "лапин", "лебедев", "попович", "алия", "остин"}
# English surnames in the authority that are also ordinary capitalised words
_EN_HOMOGRAPHS = {"major", "ford", "hull", "lodge", "baker", "gross", "joy", "beam", "dean", "marshall",
                  "home", "grant", "heath", "bush", "butler", "halifax", "toon"}
_STOP_LOWER = {"если", "когда", "между", "после", "перед", "через", "также", "этого", "этом",
               "которые", "который", "которая", "было", "были", "будет", "может", "чтобы"}
TITLE_WORDS_EN = ("Comrade|Comrades|Cde\\.|Mr\\.|Mrs\\.|Ambassador|Secretary|President|Premier|"
                  "Chairman|Minister|General|Marshal|Admiral|Senator|Governor|Foreign Minister|"
                  "Deputy Foreign Minister|Prime Minister|Vice President|Dr\\.|Colonel|Lieutenant|"
                  "Captain|Counselor|Counsellor|Mister")


@dataclass
class _Cand:
    start: int
    end: int
    type: str
    source: str  # "natasha" or "gazetteer" or "rule"
    entry: Entry | None = None
    score: float = 0.0
    method: str = ""
    normal: str | None = None  # natasha's own normal form (ORG/LOC fallback)

    @property
    def length(self) -> int:
        return self.end - self.start


# -- natasha, loaded once --------------------------------------------------------------

@lru_cache(maxsize=1)
def natasha_models():
    """Segmenter, NER tagger and morph vocabulary (about 1 s to load, so once per process)."""
    from natasha import MorphVocab, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(_embedding()), MorphVocab()


@lru_cache(maxsize=1)
def _embedding():
    from natasha import NewsEmbedding

    return NewsEmbedding()


def natasha_spans(text: str, normalize: bool = False) -> list[tuple[int, int, str, str]]:
    """Raw natasha NER: (start, stop, type, text or, with `normalize`, natasha's own
    `span.normalize(morph_vocab)` form, which needs the morphology tagger too)."""
    from natasha import Doc

    seg, ner, vocab = natasha_models()
    d = Doc(text)
    d.segment(seg)
    if normalize:
        d.tag_morph(_morph_tagger())
    d.tag_ner(ner)
    out = []
    for s in d.spans:
        normal = s.text
        if normalize:
            s.normalize(vocab)
            normal = s.normal or s.text
        out.append((s.start, s.stop, s.type, normal))
    return out


@lru_cache(maxsize=1)
def _morph_tagger():
    from natasha import NewsMorphTagger

    return NewsMorphTagger(_embedding())


# -- entry point -----------------------------------------------------------------------

def recognize(doc: Document, authority: Authority | None = None) -> list[Mention]:
    """Mentions of persons, organisations and places on `doc`'s reading layer."""
    auth = authority or default_authority()
    text = doc.reading.text
    lang = doc.language or doc.reading.language or ("en" if is_latin(text) else "ru")
    return recognize_text(text, auth, lang, year=_year_hint(doc))


def recognize_text(text: str, authority: Authority | None = None, language: str = "ru",
                   year: int | None = None) -> list[Mention]:
    auth = authority or default_authority()
    if not text.strip():
        return []
    cands = _gazetteer(text, auth)
    cands = _composites(text, cands, auth)
    if language == "en":
        cands += _english_rules(text, auth)
        cands += _ocr_names(text, auth, latin=True)
    else:
        cands += _ocr_names(text, auth)
        cands += _after_address(text)
        cands += _natasha_candidates(text)
    chosen = _resolve(cands)
    mentions = [m for m in (_to_mention(c, text, auth, year) for c in chosen) if m is not None]
    mentions = _propagate(mentions, auth)
    mentions.sort(key=lambda m: (m.start, m.end))
    return mentions


def _year_hint(doc: Document) -> int | None:
    for v in doc.values:
        if v.field == "date" and isinstance(v.value, dict):
            iso = str(v.value.get("iso") or v.value.get("value") or "")
            if iso[:4].isdigit():
                return int(iso[:4])
    return None


# -- natasha candidates, cut to sane spans ---------------------------------------------

def _pieces(text: str, start: int, end: int, split_commas: bool) -> Iterable[tuple[int, int]]:
    """Cut a span at line breaks, markup characters and (for persons) list separators."""
    seps = r"[\n\r]|\((?!б\))|(?<!\(б)\)|" + _MARKUP.pattern + (r"|[,;]|\s(?:и)\s" if split_commas else "")
    pos = start
    for m in re.finditer(seps, text[start:end]):
        yield pos, start + m.start()
        pos = start + m.end()
    yield pos, end


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and not text[a].isalnum():
        a += 1
    while b > a and not (text[b - 1].isalnum() or text[b - 1] == ")"):
        b -= 1
    # keep the dot of a final initial ("СТАЛИНУ И.В.")
    if b < len(text) and text[b:b + 1] == "." and b - a >= 3 and text[b - 1].isupper() \
            and not text[b - 2].isalnum():
        b += 1
    return a, b


def _natasha_candidates(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    for start, stop, typ, _ in natasha_spans(text):
        for a, b in _pieces(text, start, stop, split_commas=(typ == "PER")):
            a, b = _trim(text, a, b)
            if b <= a:
                continue
            piece = text[a:b]
            rest = strip_address(piece)
            if not rest or _ADDRESS_ONLY.match(piece.strip()):
                continue
            if rest != piece and rest in piece:
                a += piece.find(rest)
                a, b = _trim(text, a, b)
            # only initials or digits left ("Т.", "19") or a lone address word ("Тов")
            if not re.search(r"[A-Za-zА-Яа-яЁё]{2,}", text[a:b]) or _ADDRESS_ONLY.match(text[a:b]):
                continue
            out.append(_Cand(a, b, typ, "natasha", method="natasha.ner"))
    return out


_AFTER_ADDRESS = re.compile(r"(?<![\w.])(?:[Тт]ов\.|[Тт]оварищ(?:у|ам|а|ем|и|ей)?|[Тт]\.)[ \t]+"
                            r"((?:[А-ЯЁ]\.[ \t]?){0,2}[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)")


def _after_address(text: str) -> list[_Cand]:
    """A capitalised word right after "тов." / "товарищу" is a person's name, even when
    natasha misses it ("тов. Тихомирову")."""
    out = []
    for m in _AFTER_ADDRESS.finditer(text):
        a, b = m.span(1)
        word = text[a:b].split()[-1]
        if _is_common_word(word) and not morph().parse(word.lower())[0].tag.animacy == "anim":
            continue
        out.append(_Cand(a, b, "PER", "rule", method="rule.after_address"))
    return out


# -- gazetteer -------------------------------------------------------------------------

def _word_options(word: str) -> list[str]:
    """Keys a single word may match under: itself, its lemmas, its case-stripped stems."""
    w = key(word)
    opts = [w]
    if re.search(r"[а-яё]", w):
        for p in morph().parse(w)[:4]:
            nf = p.normal_form.replace("ё", "е")
            if nf not in opts:
                opts.append(nf)
        for suf in ("ому", "ему", "ого", "его", "ом", "ем", "ой", "ою", "у", "ю", "а", "я", "е", "ы"):
            if w.endswith(suf) and len(w) - len(suf) >= 2:
                for stem in (w[: -len(suf)], w[: -len(suf)] + "й", w[: -len(suf)] + "ь"):
                    if stem not in opts:
                        opts.append(stem)
    return opts[:8]


@lru_cache(maxsize=50_000)
def _options_cached(word: str) -> tuple[str, ...]:
    return tuple(_word_options(word))


def _is_common_word(word: str) -> bool:
    """A capitalised word that is first of all an ordinary Russian word (Свобода, Гроза)."""
    w = word.lower()
    if not re.search(r"[а-яё]", w) or not morph().word_is_known(w):
        return False
    top = morph().parse(w)[0]
    return not ({"Surn", "Name", "Geox", "Orgn", "Abbr"} & set(top.tag.grammemes))


def _gazetteer(text: str, auth: Authority) -> list[_Cand]:
    toks = list(_TOKEN.finditer(text))
    out: list[_Cand] = []
    n = len(toks)
    i = 0
    while i < n:
        first = toks[i].group(0)
        lower_start = not first[:1].isupper() and not first[:1].isdigit()
        if lower_start and (len(first) < 4 or first.lower() in _STOP_LOWER):
            i += 1
            continue
        if not _may_start(first, auth):
            i += 1
            continue
        best: _Cand | None = None
        j_max = i
        # words must follow each other on one line, separated by spaces only
        while j_max + 1 < n and j_max + 1 - i < MAX_GAZ_WORDS and \
                _GAP_OK.match(text[toks[j_max].end():toks[j_max + 1].start()] or "x"):
            j_max += 1
        for j in range(j_max, i - 1, -1):
            a, b = toks[i].start(), toks[j].end()
            surface = text[a:b]
            if lower_start and j == i:
                continue
            hit = _lookup(surface, [t.group(0) for t in toks[i:j + 1]], auth, cheap=lower_start)
            if hit is None:
                continue
            entry, prior, how = hit
            if lower_start and (entry.type != "ORG" or key(toks[j].group(0)) == "цк"):
                continue  # "президиумом ЦК" is a description, "компартии Китая" a name
            if not _acceptable(surface, entry, text, a, j - i + 1):
                continue
            best = _Cand(a, b, entry.type, "gazetteer", entry, prior, f"authority.gazetteer.{how}")
            if entry.type == "PER" and entry.country not in ("CN", "KP", "KR", "VN"):
                _with_initials(best, text, auth)
            break
        if best is not None:
            out.append(best)
            while i < n and toks[i].start() < best.end:
                i += 1
        else:
            i += 1
    return out


_INITIALS_AFTER = re.compile(r"[ \t]+[А-ЯЁA-Z]\.[ \t]?(?:[А-ЯЁA-Z]\.)?")
_INITIALS_BEFORE = re.compile(r"[А-ЯЁA-Z]\.[ \t]?(?:[А-ЯЁA-Z]\.[ \t]?)?$")


def _with_initials(c: _Cand, text: str, auth: Authority) -> None:
    """Take the initials written next to a surname into the span ("СТАЛИНУ И.В.",
    "Г. Пушкин") and let them choose among namesakes ("Ф. Кастро" / "Р. Кастро")."""
    after = _INITIALS_AFTER.match(text, c.end)
    before = _INITIALS_BEFORE.search(text, max(0, c.start - 6), c.start)
    if after and "\n" not in after.group(0):
        c.end = after.end()
    elif before and (before.start() == 0 or not text[before.start() - 1].isalnum()):
        c.start = before.start()
    else:
        return
    link = auth.link(text[c.start:c.end], type="PER")
    if link is not None:
        c.entry = link.entry


def _may_start(word: str, auth: Authority) -> bool:
    """Could a name of the authority begin with this word (as written, lemma or stem)?"""
    return any(o.split()[0] in auth.first_words for o in _options_cached(word) if o)


def _lookup(surface: str, words: list[str], auth: Authority,
            cheap: bool = False) -> tuple[Entry, float, str] | None:
    for k, how in ((key(surface), "exact"), (compact(surface), "exact")):
        hits = auth.index.get(k)
        if hits:
            h = hits[0]
            return h.entry, h.prior, how
    if is_latin(surface):
        return None
    hits = auth.lemma_index.get(lemma_key(surface))
    if hits:
        return hits[0].entry, hits[0].prior * 0.97, "lemma"
    # per-word options (stems, lemmas), capped so long phrases stay cheap
    if len(words) <= 4 and not cheap:
        combos = [[]]
        for w in words:
            combos = [c + [o] for c in combos for o in _options_cached(w)][:64]
        for c in combos:
            hits = auth.index.get(" ".join(c)) or auth.lemma_index.get(" ".join(c))
            if hits:
                return hits[0].entry, hits[0].prior * 0.95, "stem"
    return None


def _acceptable(surface: str, entry: Entry, text: str, a: int, nwords: int) -> bool:
    """Guards against gazetteer false alarms."""
    forms = [entry.name, *entry.variants, *entry.expansions, *entry.pseudonyms]
    # abbreviations are case-sensitive: МИД, not мид; ТПК, not Тпк
    for f in forms:
        if key(f) == key(surface) and f.isupper() and not surface.isupper():
            return False
    if surface.isupper() and len(surface) <= 2:
        return False
    if entry.type == "PER" and nwords == 1 and is_latin(surface) and key(surface) in _EN_HOMOGRAPHS:
        # "Major General", "Ford Foundation", "Marshall Plan": only with a title or initial
        if not re.search(rf"(?:{TITLE_WORDS_EN}|[A-Z]\.)\s+$", text[max(0, a - 30):a]):
            return False
    if entry.type == "PER" and nwords == 1:
        w = surface
        if len(w) <= 2:
            return False
        if key(w) in _HOMOGRAPHS or key(nominative(w)) in _HOMOGRAPHS:
            # "Свобода", "Гроза" as persons only after initials or a form of address
            before = text[max(0, a - 12):a]
            if not re.search(r"(?:[А-ЯЁA-Z]\.\s*|тов\.\s*|товарищ\w*\s+)$", before, re.I):
                return False
        # an East Asian given name alone ("Ир", "Ен") is never a person
        if (entry.country in ("CN", "KP", "KR", "VN") and " " not in entry.name
                and key(w) != key(entry.name)):
            return False
    if entry.type == "LOC" and nwords == 1 and _is_common_word(surface) and surface.lower() not in (
            key(entry.name),):
        return False
    return True


# body prefixes that combine with a party or a country named right after them
_PARTY_PREFIXES = {
    "политбюро цк": "Политбюро ЦК", "президиум цк": "Президиум ЦК", "секретариат цк": "Секретариат ЦК",
    "цк": "ЦК", "центральный комитет": "ЦК", "политический комитет цк": "Политбюро ЦК",
    "политический бюро цк": "Политбюро ЦК",
    "central committee of the": "ЦК", "central committee of": "ЦК", "politburo of the": "Политбюро ЦК",
    "political bureau of the central committee of the": "Политбюро ЦК",
    "politburo of the central committee of the": "Политбюро ЦК",
    "political committee of the central committee of the": "Политбюро ЦК",
    "political committee of the": "Политбюро ЦК", "presidium of the central committee of the": "Президиум ЦК",
}
_STATE_PREFIXES = {
    "правительство": "Правительство", "мид": "МИД", "министерство иностранный дело": "МИД",
    "посольство": "Посольство", "национальный собрание": "Национальное собрание",
    "кабинет министр": "Кабинет Министров", "президиум внс": "Президиум ВНС",
    "президиум верховный народный собрание": "Президиум ВНС", "верховный совет": "Верховный Совет",
    "президиум верховный совет": "Президиум Верховного Совета",
    "министерство оборона": "Министерство обороны", "министерство финансы": "Министерство финансов",
    "министерство культура": "Министерство культуры", "министерство внешний торговля": "Министерство внешней торговли",
    "government of the": "Правительство", "government of": "Правительство",
    "ministry of foreign affairs of the": "МИД", "ministry of foreign affairs of": "МИД",
    "foreign ministry of the": "МИД", "embassy of the": "Посольство", "embassy of": "Посольство",
    "supreme soviet of the": "Верховный Совет", "national assembly of": "Национальное собрание",
}


def _prefix_before(text: str, pos: int, table: dict[str, str]) -> tuple[int, str] | None:
    """A body prefix ending right before `pos` on the same line: (its start, canonical)."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not text[line_start:pos].strip() and line_start >= 2:
        # a letterhead: "ЦЕНТРАЛЬНЫЙ КОМИТЕТ" on the line above "КОММУНИСТИЧЕСКОЙ ПАРТИИ ..."
        above = text.rfind("\n", 0, line_start - 1) + 1
        if text[above:line_start - 1].strip().isupper():
            pos, line_start = line_start - 1, above
    toks = list(_TOKEN.finditer(text, line_start, pos))[-9:]
    if not toks or text[toks[-1].end():pos].strip():
        return None
    for i in range(len(toks)):
        span = toks[i:]
        if not span[0].group(0)[:1].isupper() and not re.search(r"[а-яё]", span[0].group(0)):
            continue  # English prefixes start with a capital: "Central Committee of the"
        if any(text[a.end():b.start()].strip() for a, b in zip(span, span[1:])):
            continue
        k = lemma_key(text[span[0].start():span[-1].end()])
        if k in table:
            return span[0].start(), table[k]
    return None


def _genitive(name: str) -> str:
    """"Южная Корея" -> "Южной Кореи" (abbreviations stay): body names take the country in
    the genitive."""
    if name.isupper() or " " not in name and not re.search(r"[а-я]", name):
        return name
    out = []
    for w in name.split():
        p = morph().parse(w.lower())[0]
        inf = p.inflect({"gent"})
        g = inf.word if inf is not None else w.lower()
        out.append(g[:1].upper() + g[1:] if w[:1].isupper() else g)
    return " ".join(out)


def _composites(text: str, cands: list[_Cand], auth: Authority) -> list[_Cand]:
    """"Политбюро ЦК СЕПГ", "МИД КНДР", "Посольство СССР в ЧССР": a body prefix plus the
    party or country after it is one body, named with the canonical prefix."""
    cands = sorted(cands, key=lambda c: c.start)
    made: list[_Cand] = []
    for c in cands:
        if c.entry is None:
            continue
        if c.entry.type == "ORG" and c.entry.kind == "party":
            found = _prefix_before(text, c.start, _PARTY_PREFIXES)
        elif c.entry.type == "LOC" and c.entry.kind == "country":
            found = _prefix_before(text, c.start, _STATE_PREFIXES)
        else:
            found = None
        if found is None:
            continue
        a, canon = found
        name, b = f"{canon} {_genitive(c.entry.name)}", c.end
        if canon == "Посольство":
            m = re.match(r"\s+в\s+", text[b:])
            nxt = next((d for d in cands if m and d.start == b + m.end() and d.entry is not None
                        and d.entry.type == "LOC"), None)
            if nxt is not None:
                name, b = f"{name} в {nxt.entry.name}", nxt.end
        hits = auth.index.get(key(name))
        entry = hits[0].entry if hits else None
        made.append(_Cand(a, b, "ORG", "gazetteer", entry, 0.9 if entry else 0.0,
                          "rule.composite", normal=name))
    if not made:
        return cands
    keep = [c for c in cands if not any(c.start < m.end and m.start < c.end for m in made)]
    return keep + made


def _ocr_names(text: str, auth: Authority, latin: bool = False) -> list[_Cand]:
    """Capitalised words unknown to the dictionary that are close to an authority name:
    OCR garbles of places and names ("Паньшынчжоня" -> Паньмыньчжон), other spellings of
    Latin names ("Vyshinski" -> Vyshinsky)."""
    out = []
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        if len(w) < 6 or not w[:1].isupper() or w.isupper():
            continue
        if latin:
            if not re.fullmatch(r"[A-Za-z\-']+", w) or key(w) in auth.index or re.fullmatch(TITLE_WORDS_EN, w):
                continue
        elif not re.search(r"[а-яё]", w) or morph().word_is_known(w.lower()) or key(w) in auth.index:
            continue
        link = auth.link(w, type="PER" if latin else None)
        if link is not None and link.method == "authority.fuzzy" and link.score >= (0.78 if latin else 0.72):
            out.append(_Cand(m.start(), m.end(), link.entry.type, "rule", link.entry, link.score,
                             "authority.ocr_fuzzy"))
    return out


# -- English rules ---------------------------------------------------------------------

_EN_TITLED = re.compile(rf"\b(?:{TITLE_WORDS_EN})\s+((?:[A-Z][a-z'’\-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’\-]+|[A-Z]\.))*)")


_EN_CAP = r"[A-Z][A-Za-z\u00C0-\u024F'’\-]+"
_EN_ORG_HEAD = (r"(?:Party|Committee|Ministry|Department|Agency|Council|Assembly|Bureau|Presidium|"
                r"Politburo|Embassy|Commission|Front|Army|Government|League|Office|Institute|"
                r"Federation|Union|Congress|Parliament|Senate|Secretariat|Mission|Command)")
_EN_ORG = re.compile(rf"\b((?:{_EN_CAP}[ \t]+){{1,4}}{_EN_ORG_HEAD}(?:[ \t]+of(?:[ \t]+the)?(?:[ \t]+{_EN_CAP})+)?)")
_EN_GENERIC_LEFT = {"The", "A", "An", "This", "That", "Our", "Their", "His", "Her", "Its", "Soviet", "American",
                    "Foreign", "Central", "Political", "Chinese", "Korean", "Polish", "Hungarian", "British",
                    "French", "German", "United", "National", "Standing", "Permanent", "Special", "State", "Our"}


def _english_rules(text: str, auth: Authority) -> list[_Cand]:
    out: list[_Cand] = []
    # bodies the authority does not know: capitalised words ending in a body word, with a
    # name among them ("Petőfi Circle", "Irodalmi Ujsag Editorial Office"); "the Foreign
    # Ministry" alone names no particular body and is left out
    for m in _EN_ORG.finditer(text):
        a, b = m.span(1)
        words = text[a:b].split()
        if all(w.strip("'’") in _EN_GENERIC_LEFT or re.fullmatch(_EN_ORG_HEAD, w) or w in ("of", "the")
               for w in words):
            continue
        out.append(_Cand(a, b, "ORG", "rule", method="rule.en_body"))
    for m in _EN_TITLED.finditer(text):
        a, b = m.span(1)
        poss = re.search(r"['’]s\b", text[a:b])
        if poss:
            b = a + poss.start()  # "Khrushchev's Letter" -> "Khrushchev"
        if "\n" in text[a:b]:
            b = a + text[a:b].index("\n")
        a, b = _trim(text, a, b)
        if b > a:
            out.append(_Cand(a, b, "PER", "rule", method="rule.en_title"))
    return out


# -- overlaps and mentions -------------------------------------------------------------

def _resolve(cands: list[_Cand]) -> list[_Cand]:
    """Keep non-overlapping candidates. Authority hits (gazetteer, OCR, composites) go
    first, longer before shorter; natasha spans fill the gaps. natasha's spans are often
    too long on these papers ("Передайте Мао Цзэдуну", "Согласен Г. Маленков")."""
    order = {"gazetteer": 0, "rule": 1, "natasha": 2}
    chosen: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (order[c.source], -c.length, c.start)):
        if any(c.start < k.end and k.start < c.end for k in chosen):
            continue
        chosen.append(c)
    return chosen


def _signature_position(text: str, a: int, b: int) -> bool:
    """The name stands alone on a short line near the end, or after "Верно:"."""
    line_start = text.rfind("\n", 0, a) + 1
    line_end = text.find("\n", b)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    if re.search(r"(?:верно|подпись|signed)\s*:?\s*$", text[line_start:a], re.I):
        return True
    return len(line.split()) <= 4 and a >= len(text) * 0.7


def _to_mention(c: _Cand, text: str, auth: Authority, year: int | None) -> Mention | None:
    as_written = text[c.start:c.end]
    entry, score, method = c.entry, c.score, c.method
    typ = c.type
    if entry is None:
        ctx = {"initials": initials_of(as_written), "year": year,
               "signature": typ == "PER" and _signature_position(text, c.start, c.end)}
        link = auth.link(as_written, type=None, context=ctx)
        if link is not None and link.entry.type != typ and link.score < 0.9:
            link = auth.link(as_written, type=typ, context=ctx)
        if link is not None:
            entry, score = link.entry, link.score
            method = f"{c.method}+{link.method}"
    if entry is not None:
        # the authority knows better than the tagger what kind of thing this is ("Нам Ир")
        typ = entry.type
        return Mention(c.start, c.end, typ, as_written, entry.name, entry.en, entry.id,
                       method=method, confidence=round(min(1.0, max(score, 0.3)), 3))
    # unlinked
    if typ == "PER":
        name = nominative(as_written)
        if not name or len(name) < 4 or not name[:1].isupper():
            return None  # "Отп" (отпечатано), stray initials
        if len(name.split()) == 1 and _is_common_word(name) and not initials_of(as_written):
            return None
        conf = 0.6
    elif c.normal:
        name = c.normal
        conf = 0.7
        return Mention(c.start, c.end, typ, as_written, name, None, None, method=method, confidence=conf)
    else:
        name = _normal_phrase(as_written)
        if key(name) in _GENERIC or key(as_written) in _GENERIC:
            return None
        words = as_written.split()
        if re.search(r"\d", as_written):
            return None  # registry marks and numbers tagged as bodies ("ВП2")
        if len(words) == 1 and (len(as_written) < 4 or not as_written[:1].isupper()
                                or _is_common_word(as_written)):
            return None  # "экз", "Запад", "Справка", "ШИФРТЕЛЕГРАММА", "Нота"
        if typ == "ORG" and not as_written.isupper() and not any(w[:1].isupper() for w in words[1:]):
            return None  # "Правительственной делегации", "Китайская партия": descriptions
        conf = 0.55
    return Mention(c.start, c.end, typ, as_written, name, None, None, method=method or "natasha.ner",
                   confidence=conf)


def _normal_phrase(phrase: str) -> str:
    """Nominative of an unlinked body or place name, word by word (head noun and its
    adjectives); abbreviations and Latin words are kept."""
    words = phrase.split()
    out = []
    for i, w in enumerate(words):
        if w.isupper() or not re.search(r"[а-яё]", w.lower()):
            out.append(w)
            continue
        parses = morph().parse(w.lower())
        p = parses[0]
        if i > 0 and ("gent" in p.tag or "ablt" in p.tag or "loct" in p.tag):
            # words after the head keep their case ("Министерство финансов")
            out.append(w)
            continue
        inf = p.inflect({"nomn"})
        word = inf.word if inf is not None else w.lower()
        word = word.replace("ё", "е") if "ё" not in w else word
        out.append(word[:1].upper() + word[1:] if w[:1].isupper() else word)
    return " ".join(out)


def _propagate(mentions: list[Mention], auth: Authority) -> list[Mention]:
    """One name, one entity per document: unlinked mentions whose cleaned form equals the
    cleaned form of a linked mention take its link (the garbled signature repeated)."""
    linked: dict[str, Mention] = {}
    for m in mentions:
        if m.authority_id:
            for k in {key(clean(m.as_written)), key(m.as_written)}:
                linked.setdefault(k, m)
    out = []
    for m in mentions:
        if not m.authority_id:
            src = linked.get(key(clean(m.as_written))) or linked.get(key(m.as_written))
            if src is not None and src.type == m.type:
                m = Mention(m.start, m.end, src.type, m.as_written, src.name, src.name_en,
                            src.authority_id, method=m.method + "+document", confidence=round(src.confidence * 0.9, 3))
        out.append(m)
    return out
