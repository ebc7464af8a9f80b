"""The query language: words (AND), OR, NOT / -word, (groups), "phrases", prefix*.

A query is parsed into a small tree. Each word becomes a `Term` that knows every way it
may match a word of a paragraph (lemmas, surface prefix, transliteration).

Semantics are those of a historian reading documents: the boolean logic holds over the
whole DOCUMENT (`A B` = a document with A somewhere and B somewhere, `-B` drops every
document with B anywhere, `A OR B` either), while a "phrase" must occur as consecutive
words inside one paragraph. The words and phrases of the tree are its *leaves*; a backend
finds the paragraphs of one leaf (`leaf_plan`, a superset for phrases) and the engine
combines leaves per document. `evaluate` is the exact Python twin used by tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Union

from opis.search import lemmas as lx

MAX_QUERY_CHARS = 1000
MAX_TERMS = 40
MAX_DEPTH = 12
MIN_PREFIX = 2
MAX_NAME_WORDS = 5  # longest run of Latin words offered to the expander

Expander = Callable[[str], list[str]]


class QueryError(ValueError):
    """A query that cannot be searched; the message says what to change."""


@dataclass(frozen=True, slots=True)
class Match:
    """One index lookup: `text` in `column` (lemmas, forms, translit), maybe as prefix."""

    column: str
    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Term:
    """One query word and all the ways it may match a word of a paragraph."""

    word: str  # normalised as written
    lemmas: frozenset[str] = frozenset()
    prefix: bool = False  # written as word*
    form_prefix: bool = False  # unknown word or name: surface forms by prefix too
    latin: bool = False  # also compare with transliterations of Cyrillic words

    @property
    def matches(self) -> tuple[Match, ...]:
        if self.prefix:
            out = [Match("lemmas", self.word, True), Match("forms", self.word, True)]
            if self.latin:
                out.append(Match("translit", self.word, True))
            return tuple(out)
        out = [Match("lemmas", lemma) for lemma in sorted(self.lemmas)]
        if self.form_prefix:
            out.append(Match("forms", self.word, True))
        if self.latin:
            out.append(Match("translit", self.word, len(self.word) >= lx.MIN_PREFIX_TRANSLIT))
        return tuple(out)

    def match(self, word: lx.Word) -> bool:
        """The Python twin of `matches` (what the index finds), written out because it
        runs on every word of the paragraphs shown."""
        w = self.word
        if self.prefix:
            return (
                word.surface.startswith(w)
                or any(v.startswith(w) for v in word.lemmas)
                or (self.latin and any(v.startswith(w) for v in word.translit))
            )
        if any(v in self.lemmas for v in word.lemmas):
            return True
        if self.form_prefix and word.surface.startswith(w):
            return True
        if self.latin:
            if len(w) >= lx.MIN_PREFIX_TRANSLIT:
                return any(v.startswith(w) for v in word.translit)
            return w in word.translit
        return False


@dataclass(frozen=True, slots=True)
class Phrase:
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple["Node", ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: "Node"


Node = Union[Term, Phrase, And, Or, Not]


def make_term(surface: str, prefix: bool = False) -> Term:
    """Analyse one normalised query word."""
    if prefix:
        return Term(surface, prefix=True, latin=lx.is_latin(surface))
    info = lx.analyze(surface)
    loose = (not info.known or info.proper) and len(surface) >= lx.MIN_PREFIX_SURFACE
    if surface.isdigit():
        loose = False  # numbers are exact: 19 must not find 1952
    lemmas = set(info.lemmas)
    if loose and not info.latin:
        lemmas |= bare_stems(surface)
    return Term(surface, frozenset(lemmas), False, loose, info.latin)


# Case endings of nouns; a name pymorphy3 does not know in one form ("Сен") may be known,
# or guessed as something else, in another ("Сена" = сено/Сена).
NAME_ENDINGS = ("ами", "ями", "ом", "ем", "ым", "им", "ой", "ей", "ах", "ях", "а", "я", "у", "ю", "е", "ы", "и")


def bare_stems(surface: str) -> set[str]:
    """The word without a case ending, as an exact lemma: lets "Ким Ир Сена" find a text
    that writes the unknown "Ким Ир Сен" (whose lemma is "сен")."""
    return {
        surface[: -len(e)]
        for e in NAME_ENDINGS
        if surface.endswith(e) and len(surface) - len(e) >= 2
    }


def terms_of(text: str, prefix: bool = False) -> list[Term]:
    """Query words in a piece of text, split like the index splits texts."""
    surfaces = [w.surface for w in lx.words(text)]
    out = []
    for i, s in enumerate(surfaces):
        last = i == len(surfaces) - 1
        if prefix and last and len(s) < MIN_PREFIX:
            raise QueryError(
                f"prefix '{s}*' is too short: give at least {MIN_PREFIX} letters before *"
            )
        out.append(make_term(s, prefix and last))
    return out


def phrase_or_term(terms: list[Term]) -> Node | None:
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else Phrase(tuple(terms))


# --- tokenizer -------------------------------------------------------------------------

@dataclass(slots=True)
class _Tok:
    kind: str  # WORD PHRASE LP RP OR AND NOT
    text: str = ""


def _tokens(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            out.append(_Tok("LP"))
            i += 1
        elif ch == ")":
            out.append(_Tok("RP"))
            i += 1
        elif ch == '"':
            j = query.find('"', i + 1)
            if j < 0:
                raise QueryError('unclosed quote: add a closing " or remove the opening one')
            out.append(_Tok("PHRASE", query[i + 1 : j]))
            i = j + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"':
                j += 1
            word = query[i:j]
            i = j
            if word in ("OR", "AND", "NOT"):
                out.append(_Tok(word))
            elif word.startswith("-"):
                rest = word.lstrip("-")
                if rest:
                    out += [_Tok("NOT"), _Tok("WORD", rest)]
                elif i < n and query[i] in '("':
                    out.append(_Tok("NOT"))  # -( ... ) or -"..." negates what follows
                # a lone dash is punctuation
            else:
                out.append(_Tok("WORD", word))
    return out


# --- parser ----------------------------------------------------------------------------

@dataclass(slots=True)
class _Parser:
    toks: list[_Tok]
    expand: Expander | None
    pos: int = 0
    depth: int = 0
    nterms: int = field(default=0)

    def peek(self) -> _Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def count(self, node: Node | None) -> Node | None:
        if node is not None:
            self.nterms += sum(1 for _ in iter_terms(node))
            if self.nterms > MAX_TERMS:
                raise QueryError(f"query too long: use at most {MAX_TERMS} words")
        return node

    def parse_or(self) -> Node | None:
        parts = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if parts[-1] is None or nxt is None or nxt.kind in ("OR", "RP"):
                raise QueryError("OR needs words on both sides: write 'a OR b'")
            parts.append(self.parse_and())
        kept = [p for p in parts if p is not None]
        if len(parts) > 1 and len(kept) < len(parts):
            raise QueryError("OR needs words on both sides: write 'a OR b'")
        if len(kept) > 1:
            for p in kept:
                if not is_positive(p):
                    raise QueryError(
                        "each side of OR needs a word to find: 'a OR -b' cannot be searched"
                    )
            return Or(tuple(kept))
        return kept[0] if kept else None

    def parse_and(self) -> Node | None:
        children: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RP"):
            if tok.kind == "AND":
                self.take()
                if not children or self.peek() is None or self.peek().kind in ("OR", "RP", "AND"):
                    raise QueryError("AND needs words on both sides: write 'a AND b'")
                continue
            node = self.parse_unary()
            if node is not None:
                children.append(node)
        children = self.expand_latin_runs(children)
        flat: list[Node] = []
        for c in children:
            flat.extend(c.children if isinstance(c, And) else (c,))
        if not flat:
            return None
        return flat[0] if len(flat) == 1 else And(tuple(flat))

    def parse_unary(self) -> Node | None:
        tok = self.take()
        if tok.kind == "NOT":
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "RP", "AND", "NOT"):
                raise QueryError("NOT needs a word after it: write 'NOT word' or '-word'")
            child = self.parse_unary()
            if child is None:
                return None
            if not is_positive(child):
                raise QueryError("NOT must be followed by something to exclude, not by another NOT")
            return Not(child)
        if tok.kind == "LP":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"too many nested parentheses: use at most {MAX_DEPTH} levels")
            node = self.parse_or()
            if self.peek() is None:
                raise QueryError("unclosed '(': add a ')'")
            self.take()
            self.depth -= 1
            if node is None:
                raise QueryError("empty parentheses: put words inside or remove them")
            return node
        if tok.kind == "RP":
            raise QueryError("unmatched ')': remove it or add a '(' before it")
        if tok.kind == "PHRASE":
            terms = terms_of(tok.text)
            node = self.count(phrase_or_term(terms))
            if node is None and tok.text.strip():
                return None  # only punctuation inside the quotes
            if node is None:
                raise QueryError('empty phrase "": put words between the quotes')
            return self.with_alternatives(node)
        # WORD
        text = tok.text
        prefix = text.endswith("*")
        if prefix:
            text = text.rstrip("*")
            if not lx.normalize(text):
                raise QueryError("'*' must follow a word: write 'word*'")
        return self.count(phrase_or_term(terms_of(text, prefix)))

    def alternatives(self, text: str, node: Node) -> list[Node]:
        alts: list[Node] = []
        for alt in self.expand(text) if self.expand is not None else ():
            alt_node = self.count(phrase_or_term(terms_of(alt)))
            if alt_node is not None and alt_node != node and alt_node not in alts:
                alts.append(alt_node)
        return alts

    def with_alternatives(self, node: Node) -> Node:
        """OR in the Cyrillic forms an authority file knows for a Latin word or phrase;
        the expander gets the lowercased words joined by single spaces."""
        terms = list(iter_terms(node))
        if self.expand is None or not terms or not all(t.latin and not t.prefix for t in terms):
            return node
        alts = self.alternatives(" ".join(t.word for t in terms), node)
        return Or((node, *alts)) if alts else node

    def expand_latin_runs(self, children: list[Node]) -> list[Node]:
        """Offer the expander the longest run of plain Latin words first ("kim il sung"),
        then shorter ones, then single words, so names of several words are found."""
        if self.expand is None:
            return children
        out: list[Node] = []
        i = 0
        while i < len(children):
            if not _plain_latin(children[i]):
                out.append(children[i])
                i += 1
                continue
            j = i
            while j < len(children) and _plain_latin(children[j]):
                j += 1
            for k in range(min(j, i + MAX_NAME_WORDS), i + 1, -1):
                run = tuple(children[i:k])
                alts = self.alternatives(" ".join(t.word for t in run), Phrase(run))  # type: ignore[misc, union-attr]
                if alts:
                    out.append(Or((And(run), *alts)))
                    i = k
                    break
            else:
                out.append(self.with_alternatives(children[i]))
                i += 1
        return out


def _plain_latin(node: Node) -> bool:
    return isinstance(node, Term) and node.latin and not node.prefix


def parse(query: str, expand: Expander | None = None) -> Node:
    """Parse a query string; raises QueryError with a one-line hint when it cannot."""
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: use at most {MAX_QUERY_CHARS} characters")
    if not query.strip():
        raise QueryError("empty query: type at least one word")
    p = _Parser(_tokens(query), expand)
    node = p.parse_or()
    if p.peek() is not None:  # only a stray ')' stops parse_or early
        raise QueryError("unmatched ')': remove it or add a '(' before it")
    if node is None:
        raise QueryError("no searchable words in the query: use letters or digits")
    if not is_positive(node):
        raise QueryError("a query cannot only exclude: add a word to search for")
    return node


# --- tree helpers ----------------------------------------------------------------------

def is_positive(node: Node) -> bool:
    """Whether the node can select paragraphs by itself (not just exclude them)."""
    if isinstance(node, (Term, Phrase)):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(is_positive(c) for c in node.children)
    return all(is_positive(c) for c in node.children)


def iter_terms(node: Node) -> Iterable[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Phrase):
        yield from node.terms
    elif isinstance(node, Not):
        yield from iter_terms(node.child)
    else:
        for c in node.children:
            yield from iter_terms(c)


# --- leaf plans: what a backend must find for one word or phrase ----------------------

@dataclass(frozen=True, slots=True)
class PlanTerm:
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class PlanAnd:
    include: tuple["Plan", ...]
    exclude: tuple["Plan", ...] = ()  # only in `tree_plan`: rows holding none of these


@dataclass(frozen=True, slots=True)
class PlanOr:
    children: tuple["Plan", ...]


Plan = Union[PlanTerm, PlanAnd, PlanOr]

Leaf = Union[Term, Phrase]


def leaves(node: Node, positive_only: bool = False) -> list[Leaf]:
    """Words and phrases of the tree, left to right, each once; with `positive_only`,
    the ones under a NOT are left out (they select nothing and are never marked)."""
    out: list[Leaf] = []

    def walk(n: Node) -> None:
        if isinstance(n, (Term, Phrase)):
            if n not in out:
                out.append(n)
        elif isinstance(n, Not):
            if not positive_only:
                walk(n.child)
        else:
            for c in n.children:
                walk(c)

    walk(node)
    return out


def leaf_plan(leaf: Leaf) -> Plan:
    """Paragraphs that may hold the leaf: a word's matches, or all words of a phrase in
    one paragraph (a superset: adjacency is checked by `leaf_marks`)."""
    if isinstance(leaf, Term):
        return PlanTerm(leaf.matches)
    return PlanAnd(tuple(PlanTerm(t.matches) for t in leaf.terms))


def tree_plan(node: Node) -> Plan | None:
    """The whole query as one plan over DOCUMENTS (a row per document holding the terms
    of all its paragraphs): AND, OR and NOT of words mean the same there as in `holds`.
    None when the tree has a phrase, which only a paragraph can hold."""
    if isinstance(node, Term):
        return PlanTerm(node.matches)
    if isinstance(node, (Phrase, Not)):
        return None  # a NOT is planned by the AND above it
    if isinstance(node, Or):
        kids = [tree_plan(c) for c in node.children]
        return None if any(k is None for k in kids) else PlanOr(tuple(kids))  # type: ignore[arg-type]
    include = [tree_plan(c) for c in node.children if not isinstance(c, Not)]
    exclude = [tree_plan(c.child) for c in node.children if isinstance(c, Not)]
    if not include or any(k is None for k in include + exclude):
        return None
    return PlanAnd(tuple(include), tuple(exclude))  # type: ignore[arg-type]


# --- exact evaluation on words --------------------------------------------------------

def leaf_marks(
    leaf: Leaf, words: list[lx.Word], match: Callable[[Term, lx.Word], bool] | None = None
) -> set[int]:
    """Indices of the words of one paragraph where the word or phrase occurs; `match`
    may replace `Term.match` by a memoised twin (words repeat a lot)."""
    m = match or Term.match
    if isinstance(leaf, Term):
        return {i for i, w in enumerate(words) if m(leaf, w)}
    n = len(leaf.terms)
    hit: set[int] = set()
    for i in range(len(words) - n + 1):
        if all(m(t, words[i + k]) for k, t in enumerate(leaf.terms)):
            hit.update(range(i, i + n))
    return hit


def holds(node: Node, present: Callable[[Leaf], bool]) -> bool:
    """Boolean value of the tree when `present` says which words and phrases a document
    contains: the document semantics every backend must reproduce."""
    if isinstance(node, (Term, Phrase)):
        return present(node)
    if isinstance(node, Not):
        return not holds(node.child, present)
    if isinstance(node, And):
        return all(holds(c, present) for c in node.children)
    return any(holds(c, present) for c in node.children)


def evaluate(node: Node, paragraphs: list[list[lx.Word]]) -> bool:
    """Whether a document with these paragraphs (each a list of words) matches: boolean
    logic over the whole document, a phrase within one paragraph."""
    return holds(node, lambda leaf: any(leaf_marks(leaf, ws) for ws in paragraphs))


def marks(node: Node, words: list[lx.Word]) -> set[int]:
    """Indices of the words of one paragraph to mark: every occurrence of a word or
    phrase of the query that is not excluded by NOT."""
    out: set[int] = set()
    for leaf in leaves(node, positive_only=True):
        out |= leaf_marks(leaf, words)
    return out
