"""The authority file: who is who, and linking a name as written to an entry.

The shipped files live in `opis/data/authority/*.toml` (`[[person]]`, `[[org]]`,
`[[place]]` tables, see the README there). Users add their own files in the same format
through `OPIS_AUTHORITY` (colon-separated files or folders) or `load_authority(paths)`.

Linking goes from cheap and sure to costly and loose: exact surface form, the form with
address words and case endings removed (pymorphy3), the lemma of every word (for bodies
and places: "Генеральной Ассамблеи ООН"), Latin forms (`en`, iuliia transliteration),
then rapidfuzz similarity. Weak similarity (OCR garble such as "Мимозн") is accepted only
when the context backs it: the initials written next to the name agree with the entry, or
the name stands where a signature stands.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from opis.entities.normalize import compact, is_latin, key, morph

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "authority"
ENV_VAR = "OPIS_AUTHORITY"

TABLES = {"person": "PER", "org": "ORG", "place": "LOC"}
REQUIRED = {"person": ("id", "name", "heading", "en"), "org": ("id", "name", "en"),
            "place": ("id", "name", "en")}
LIST_KEYS = ("variants", "pseudonyms", "expansions")
STR_KEYS = ("id", "name", "heading", "initials", "en", "role", "country", "kind", "wikidata")
INT_KEYS = ("born", "died")
_ID = re.compile(r"^[a-z0-9][a-z0-9\-]*$")
EAST_ASIAN = {"CN", "KP", "KR", "VN", "KH", "MM", "ID"}


class AuthorityError(ValueError):
    """A malformed authority file; the message names the file and the entry."""


@dataclass(slots=True)
class Entry:
    id: str
    type: str  # PER, ORG, LOC
    name: str
    en: str
    heading: str = ""
    initials: str = ""
    variants: list[str] = field(default_factory=list)
    pseudonyms: list[str] = field(default_factory=list)
    expansions: list[str] = field(default_factory=list)
    born: int | None = None
    died: int | None = None
    role: str = ""
    country: str = ""
    kind: str = ""
    wikidata: str = ""
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None, [])}

    def cyrillic_forms(self) -> list[str]:
        """Russian forms a search should look for: canonical first, then the others."""
        out: list[str] = []
        for f in [self.name, *self.variants, *self.pseudonyms, *self.expansions]:
            if f and not is_latin(f) and f not in out:
                out.append(f)
        return out

    def alive_in(self, year: int) -> bool:
        return (self.born is None or self.born + 15 <= year) and (self.died is None or year <= self.died)


@dataclass(frozen=True, slots=True)
class Link:
    entry: Entry
    score: float
    method: str


# -- loading ---------------------------------------------------------------------------

def _check(entry: dict[str, Any], table: str, where: str) -> None:
    for k in REQUIRED[table]:
        if not isinstance(entry.get(k), str) or not entry[k].strip():
            raise AuthorityError(f"{where}: missing or empty required key '{k}'")
    if not _ID.match(entry["id"]):
        raise AuthorityError(f"{where}: id {entry['id']!r} must be a lowercase slug (a-z, 0-9, -)")
    for k, v in entry.items():
        if k in LIST_KEYS:
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                raise AuthorityError(f"{where}: '{k}' must be a list of non-empty strings")
        elif k in INT_KEYS:
            if not isinstance(v, int) or isinstance(v, bool):
                raise AuthorityError(f"{where}: '{k}' must be a year (integer)")
        elif k in STR_KEYS:
            if not isinstance(v, str):
                raise AuthorityError(f"{where}: '{k}' must be a string")
        else:
            raise AuthorityError(f"{where}: unknown key '{k}'")


def read_file(path: Path) -> list[Entry]:
    """Entries of one TOML file, validated."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise AuthorityError(f"{path}: not valid TOML: {e}") from e
    except OSError as e:
        raise AuthorityError(f"{path}: cannot read: {e}") from e
    out: list[Entry] = []
    for table, rows in data.items():
        if table not in TABLES:
            raise AuthorityError(f"{path}: unknown table [[{table}]] (use person, org, place)")
        if not isinstance(rows, list):
            raise AuthorityError(f"{path}: '{table}' must be an array of tables [[{table}]]")
        for i, row in enumerate(rows, 1):
            where = f"{path}: [[{table}]] #{i}" + (f" (id={row.get('id')!r})" if "id" in row else "")
            _check(row, table, where)
            out.append(Entry(type=TABLES[table], source=str(path), **row))
    return out


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.toml"))


def _expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(p.glob("*.toml")))
        else:
            out.append(p)
    return out


def user_files(paths: list[Path] | None = None) -> list[Path]:
    """`paths` when given, else the files and folders named in OPIS_AUTHORITY."""
    if paths is None:
        env = os.environ.get(ENV_VAR, "")
        paths = [Path(p) for p in env.split(":") if p.strip()]
    return _expand(paths)


def load_authority(paths: list[Path] | None = None) -> "Authority":
    """The shipped entries merged with the user's (ids must be unique across all files)."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in [*shipped_files(), *user_files(paths)]:
        for e in read_file(path):
            if e.id in seen:
                raise AuthorityError(f"{path}: id {e.id!r} is already defined in {seen[e.id]}")
            seen[e.id] = str(path)
            entries.append(e)
    return Authority(entries)


@lru_cache(maxsize=1)
def default_authority() -> "Authority":
    return load_authority()


def lookup(authority_id: str) -> Entry | None:
    """The entry with this id in the default authority, or None."""
    return default_authority().by_id.get(authority_id)


# -- surface forms ---------------------------------------------------------------------

def _translit(text: str) -> list[str]:
    import iuliia

    return list(dict.fromkeys(s.translate(text) for s in (iuliia.WIKIPEDIA, iuliia.BGN_PCGN)))


def _given_first(e: Entry) -> list[str]:
    """"Ачесон Дин" -> "Дин Ачесон", "Микоян Анастас Иванович" -> "Анастас Микоян"."""
    if not e.heading or e.heading == e.name or not e.heading.startswith(e.name):
        return []
    rest = e.heading[len(e.name):].split()
    if not rest:
        return []
    out = [f"{rest[0]} {e.name}", f"{' '.join(rest)} {e.name}"]
    return list(dict.fromkeys(out))


def _plain(text: str) -> str:
    """Latin text without diacritics ("Károly Grósz" -> "Karoly Grosz")."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def surface_forms(e: Entry) -> list[tuple[str, float]]:
    """Every written form of an entry with how sure a match on it is."""
    forms: list[tuple[str, float]] = [(e.name, 1.0)]
    if e.heading:
        forms.append((e.heading, 1.0))
    forms += [(v, 0.98) for v in e.variants]
    forms += [(v, 0.98) for v in e.expansions]
    forms += [(p, 0.95) for p in e.pseudonyms]
    forms += [(g, 0.98) for g in _given_first(e)]
    forms.append((e.en, 0.97))
    plain = _plain(e.en)
    if plain != e.en:
        forms.append((plain, 0.96))  # "Karoly Grosz": papers and OCR often drop the accents
    if e.type == "PER":
        east = e.country in EAST_ASIAN or e.heading == e.name
        words = [w for w in re.split(r"\s+", e.en) if w not in ("Jr.", "Sr.")]
        if not east and len(words) > 1:
            last = words[-1]
            particle = words[-2] if words[-2][:1].islower() else ""
            forms.append(((particle + " " + last).strip(), 0.95))
            if _plain(last) != last:
                forms.append(((particle + " " + _plain(last)).strip(), 0.94))
        for t in _translit(e.name):
            forms.append((t, 0.93))
    elif e.type in ("LOC", "ORG") and not is_latin(e.name) and len(e.name) > 3:
        for t in _translit(e.name):
            forms.append((t, 0.85))
    return forms


# -- the authority ---------------------------------------------------------------------

@dataclass(slots=True)
class _Hit:
    entry: Entry
    prior: float


class Authority:
    """Entries plus indexes for linking; build with `load_authority()`."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.by_id = {e.id: e for e in entries}
        self.index: dict[str, list[_Hit]] = {}
        self.person_forms: dict[str, str] = {}  # key -> Russian form (for nominative())
        self.lemma_index: dict[str, list[_Hit]] = {}
        self._primary: set[str] = set()  # keys of forms as written (fuzzy matching uses only these)
        self.given_names: set[str] = set()  # keys of given names and patronymics in headings
        for e in entries:
            if e.type == "PER" and e.heading.startswith(e.name) and e.heading != e.name:
                for w in e.heading[len(e.name):].split():
                    self.given_names.add(key(w))
                    # oblique forms of given names are common in prose: Дина, Анастаса
                    for end in ("а", "у", "ом", "е", "я", "ю"):
                        self.given_names.add(key(w) + end)
            for form, prior in surface_forms(e):
                for k in {key(form), compact(form)}:
                    if k:
                        self._add(self.index, k, e, prior)
                self._primary.add(key(form))
                if e.type == "PER" and not is_latin(form):
                    east = e.country in EAST_ASIAN or e.heading == e.name
                    # a Western full name ("Дин Ачесон") stands for its surname
                    shown = form if east or " " not in form.strip() else e.name
                    for k in {key(form), compact(form)}:
                        self.person_forms.setdefault(k, shown)
                if not is_latin(form):
                    self._add(self.lemma_index, lemma_key(form), e, prior)
        self._fuzzy_keys: dict[tuple[str, bool], list[str]] = {}
        # first words of all keys: a text position whose word is not among them starts no name
        self.first_words: set[str] = {k.split()[0] for k in (*self.index, *self.lemma_index) if k}

    @staticmethod
    def _add(index: dict[str, list[_Hit]], k: str, e: Entry, prior: float) -> None:
        hits = index.setdefault(k, [])
        for h in hits:
            if h.entry is e:
                h.prior = max(h.prior, prior)
                return
        hits.append(_Hit(e, prior))

    def __len__(self) -> int:
        return len(self.entries)

    def counts(self) -> dict[str, int]:
        out = {"PER": 0, "ORG": 0, "LOC": 0}
        for e in self.entries:
            out[e.type] += 1
        return out

    def get(self, authority_id: str) -> Entry | None:
        return self.by_id.get(authority_id)

    # -- linking -----------------------------------------------------------------------
    def link(self, as_written: str, type: str | None = None,
             context: dict[str, Any] | str | None = None) -> Link | None:
        """The entry `as_written` names, or None when no match is good enough.

        `context` (a dict) may hold `initials` ("А."), `signature` (True when the name
        stands in a signature or address position) and `year` (the document's year); a
        string context (surrounding text) is accepted and only used for initials next to
        the name.
        """
        from opis.entities.names import clean, initials_of, nominative

        s = (as_written or "").strip()
        if not re.search(r"[A-Za-zА-Яа-яЁё\u00C0-\u024F]", s):
            return None
        ctx = dict(context) if isinstance(context, dict) else {}
        initials = ctx.get("initials") or initials_of(s)
        year = ctx.get("year")
        signature = bool(ctx.get("signature"))

        def pick(hits: list[_Hit] | None, score: float, method: str) -> Link | None:
            hits = [h for h in hits or [] if type is None or h.entry.type == type]
            if not hits:
                return None
            best = self._choose(hits, initials, year)
            ambiguous = len({h.entry.id for h in hits}) > 1 and not self._decided(hits, initials, year)
            return Link(best.entry, round(score * best.prior - (0.05 if ambiguous else 0.0), 3), method)

        for k in (key(s), compact(s)):
            found = pick(self.index.get(k), 1.0, "authority.exact")
            if found:
                return found
        cleaned = clean(s)
        if cleaned and cleaned != s:
            for k in (key(cleaned), compact(cleaned)):
                found = pick(self.index.get(k), 0.99, "authority.clean")
                if found:
                    return found
        if type in (None, "PER") and not is_latin(s):
            nom = nominative(s)
            if nom:
                found = pick(self.index.get(key(nom)), 0.97, "authority.nominative")
                if found:
                    return found
        if not is_latin(s):
            found = pick(self.lemma_index.get(lemma_key(cleaned or s)), 0.95, "authority.lemma")
            if found:
                return found
        return self._fuzzy(cleaned or s, type, initials, year, signature)

    def _decided(self, hits: list[_Hit], initials: str, year: int | None) -> bool:
        if initials:
            first = initials[:1]
            if sum(1 for h in hits if h.entry.initials[:1] == first) == 1:
                return True
        if year:
            if sum(1 for h in hits if h.entry.alive_in(year)) == 1:
                return True
        return False

    def _choose(self, hits: list[_Hit], initials: str, year: int | None) -> _Hit:
        def rank(h: _Hit) -> tuple:
            e = h.entry
            ini = 0
            if initials and e.initials:
                ini = 2 if key(e.initials) == key(initials) else 1 if e.initials[:1] == initials[:1] else -1
            alive = 0 if not year else (1 if e.alive_in(year) else -1)
            return (ini, alive, h.prior)

        return max(hits, key=rank)  # max keeps the first of equal ranks: file order wins

    def _keys_for(self, latin: bool) -> list[str]:
        if (latin, True) not in self._fuzzy_keys:
            self._fuzzy_keys[(latin, True)] = [k for k in self.index
                                               if k in self._primary and len(k) >= 4 and bool(re.search(r"[a-z]", k)) == latin]
        return self._fuzzy_keys[(latin, True)]

    def _fuzzy(self, text: str, type: str | None, initials: str, year: int | None,
               signature: bool) -> Link | None:
        from rapidfuzz import fuzz, process

        from opis.entities.names import nominative

        latin = is_latin(text)
        q = key(text) if latin else key(nominative(text) or text)
        if len(q) < 4:
            return None
        keys = self._keys_for(latin)
        results = process.extract(q, keys, scorer=fuzz.ratio, limit=15, score_cutoff=55)
        strong = 90 if len(q) < 8 else 86
        best: Link | None = None
        for k, sim, _ in results:
            hits = [h for h in self.index[k] if type is None or h.entry.type == type]
            if not hits:
                continue
            h = self._choose(hits, initials, year)
            e = h.entry
            if abs(len(k) - len(q)) > max(2, len(q) // 8):
                continue  # OCR garbles keep the length; a shorter or longer name is another one
            if _other_abbreviation(k, q):
                continue  # "посольство ссср в мнр" is not "... в пнр": one letter of an abbreviation is another body
            if sim >= strong:
                cand = Link(e, round(sim / 100 * 0.9 * h.prior, 3), "authority.fuzzy")
            elif (initials or signature) and e.type == "PER" and not latin:
                # OCR garble in a signature: accept a weaker match when the initials agree
                # (or the name signs the document) and the word shape is close
                ini_ok = bool(initials) and e.initials[:1] == initials[:1]
                same_start = k[:1] == q[:1]
                close_len = abs(len(k) - len(q)) <= 2
                need = 60 if ini_ok else 75
                if not (same_start and close_len and sim >= need and (ini_ok or signature)):
                    continue
                cand = Link(e, round(sim / 100 * (0.8 if ini_ok else 0.7), 3), "authority.fuzzy_context")
            else:
                continue
            if best is None or cand.score > best.score:
                best = cand
        return best


def _other_abbreviation(a: str, b: str) -> bool:
    """Two keys of as many words that differ in a short word (an abbreviation or a
    short name: "пнр"/"мнр", "порп"/"мнрп") name different entities, however alike."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb) or len(wa) < 2:
        return False
    return any(x != y and len(x) <= 4 and len(y) <= 4 and not {x, y} & _FUNCTION_WORDS
               for x, y in zip(wa, wb))


# short words that name nothing: an article or preposition against an abbreviation is no
# sign of another body
_FUNCTION_WORDS = {"the", "of", "for", "and", "in", "on", "at", "to", "a", "an", "в", "во", "на", "и", "при", "по"}


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    if not re.search(r"[а-яё]", word):
        return word
    parses = morph().parse(word)
    return parses[0].normal_form.replace("ё", "е") if parses else word


def lemma_key(text: str) -> str:
    """Key of the lemmas of every word: "Генеральной Ассамблеи ООН" -> "генеральный ассамблея оон"."""
    return " ".join(_lemma(w) for w in key(text).split())
