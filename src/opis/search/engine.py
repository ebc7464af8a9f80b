"""Search and facets over a `Store`: one hit per document, best paragraph first.

Semantics (see `opis.search.query`): boolean logic per document, phrases per paragraph.
The work is split so that nothing scales with the archive in Python:

1. Per word of the query the backend yields its paragraphs with their document and a
   score; SQL groups them into (document, best paragraph score). A phrase gets the
   paragraphs holding all its words, which are checked for adjacency here on their
   stored word forms; the documents that pass enter the SQL as a VALUES list.
2. The query tree becomes set algebra in SQL: AND = documents present in every branch
   (UNION ALL ... GROUP BY ... HAVING count = branches), OR = in any branch, NOT = NOT IN.
   An AND starts with its rarest word (a capped count tells) and ranks the other words
   only inside that word's documents. Visibility (an anti-join on the few hidden
   documents; a reader's per-document answer comes from the backend without closed
   records, so only embargoed ones are removed), filters, the total (a window count), sorting and LIMIT/OFFSET are applied
   in the same statement, so only one page of document ids comes back.
3. Only for that page are paragraphs looked at again (their stored word forms): the best
   paragraph of each hit is the one holding most distinct words/phrases of the query,
   then the best local bm25 rank, then the earliest; only its text is fetched, and the
   snippet is cut from it.

Relevance: the sum, over the words and phrases that a document matches, of the best
paragraph score of each (bm25 on SQLite, ts_rank on PostgreSQL; for OR, the matched
branches add up; excluded words count nothing). A document naming both words of `A B`
strongly somewhere ranks above one that mentions either in passing, and the score never
needs all of a document's paragraphs at once, which keeps it computable in one grouped
scan per word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.engine import Connection

from opis.search import lemmas as lx
from opis.search.query import (
    And,
    Expander,
    Leaf,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    leaf_marks,
    leaf_plan,
    leaves,
    marks,
    parse,
    tree_plan,
)

from opis.store.repository import Store, visible
from opis.store.schema import collections, documents, layers, mentions, paragraphs, records

SNIPPET_WORDS = 30
K1, B = 1.2, 0.75  # bm25 constants for choosing the snippet's paragraph
SORTS = ("relevance", "date", "date_desc")
FILTER_KEYS = (
    "doc_type",
    "classification",
    "language",
    "collection",
    "date_from",
    "date_to",
    "person",
    "org",
    "place",
)
FACETS = ("doc_type", "classification", "language", "collection", "year", "person", "organization", "place")
_MENTION_TYPES = {"person": "PER", "org": "ORG", "place": "LOC"}
_FACET_TYPES = {"PER": "person", "ORG": "organization", "LOC": "place"}

Segment = tuple[str, bool]  # (text, is_match)


@dataclass(slots=True)
class Hit:
    record_id: str
    title: str
    source_name: str
    seq: int  # document number inside the record
    date: str | None
    doc_type: str | None
    score: float
    snippet: list[Segment]
    paragraph: int | None = None  # seq of the best paragraph
    start: int | None = None  # its span in the reading layer
    end: int | None = None
    language: str | None = None
    classification: str | None = None
    collection: str | None = None


@dataclass(slots=True)
class SearchResults:
    total: int  # matching documents
    hits: list[Hit] = field(default_factory=list)
    offset: int = 0
    limit: int = 20


def render_snippet(segments: Iterable[Segment], open_mark: str = "«", close_mark: str = "»") -> str:
    """Plain text of a snippet with matches between markers (e.g. "[", "]")."""
    return "".join(f"{open_mark}{t}{close_mark}" if m else t for t, m in segments)


# --- filters ---------------------------------------------------------------------------

def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _date_bound(value: str, upper: bool) -> str:
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise QueryError(f"date filter '{value}' must be YYYY, YYYY-MM or YYYY-MM-DD")
    if upper:  # "1952" must include "1952-11-03": pad with the highest characters
        return value + "-99-99"[len(value) - 4 :]
    return value


def filter_conditions(filters: dict[str, Any] | None, include_restricted: bool) -> list[ColumnElement[bool]]:
    """SQL conditions on documents/records for visibility and the given filters; a list
    value means any of its items."""
    conds: list[ColumnElement[bool]] = [visible(include_restricted)]
    for key, raw in (filters or {}).items():
        if key not in FILTER_KEYS:
            raise QueryError(f"unknown filter '{key}': use one of {', '.join(FILTER_KEYS)}")
        items = _as_list(raw)
        if not items:
            continue
        if key == "language":  # the document's language or one it is translated into
            conds.append(or_(documents.c.language.in_(items), exists().where(
                layers.c.document_id == documents.c.id, layers.c.name.like("translation:%"),
                layers.c.language.in_(items))))
        elif key in ("doc_type", "classification"):
            conds.append(documents.c[key].in_(items))
        elif key == "collection":
            conds.append(records.c.collection.in_(items))
        elif key == "date_from":
            conds.append(documents.c.date >= _date_bound(items[0], upper=False))
        elif key == "date_to":
            conds.append(documents.c.date <= _date_bound(items[0], upper=True))
        else:
            conds.append(
                exists().where(
                    mentions.c.document_id == documents.c.id,
                    mentions.c.type == _MENTION_TYPES[key],
                    mentions.c.name.in_(items),
                )
            )
    return conds


# --- matching --------------------------------------------------------------------------

@dataclass(slots=True)
class _DocMatch:
    document_id: int
    score: float


def _leaf_words(forms: str) -> list[lx.Word]:
    """The words of a paragraph from its stored surface forms, which are exactly the
    normalised surfaces of `lx.words(text)` in order, so phrase checks need neither the
    text nor the tokenizer (offsets are not needed there and are left at 0)."""
    return [_form_word(surface) for surface in forms.split()]


def _analysed(surface: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    w = _form_word(surface)
    return w.lemmas, w.translit


@lru_cache(maxsize=100_000)
def _form_word(surface: str) -> lx.Word:
    info = lx.analyze(surface)
    return lx.Word(0, 0, surface, info.lemmas, info.translit)


def memo_match() -> Callable[[Term, lx.Word], bool]:
    """`Term.match` remembered per term and surface form for one search (a word's
    analysis depends only on its surface)."""
    memo: dict[tuple[int, str], bool] = {}

    def match(term: Term, word: lx.Word) -> bool:
        key = (id(term), word.surface)
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = term.match(word)
        return hit

    return match


def _values(best: dict[int, float]) -> Select:
    """Documents and scores computed in Python, as SQL. Ids and floats are formatted here,
    never user text, so inlining them is safe and avoids bind-parameter limits."""
    if not best:
        return select(literal(0).label("document_id"), literal(0.0).label("score")).where(false())
    rows = ", ".join(f"({int(d)}, {float(s):.17g})" for d, s in best.items())
    stmt = text(f"SELECT v.column1 AS document_id, v.column2 AS score FROM (VALUES {rows}) AS v")
    sq = stmt.columns(document_id=Integer, score=Float).subquery()
    return select(sq.c.document_id, sq.c.score)


ESTIMATE_CAPS = (1_000, 10_000, 100_000)  # rising caps of the counts that find the rarest word


@dataclass
class _Compiler:
    """Turns a positive query tree into one SELECT of (document_id, score)."""

    conn: Connection
    store: Store
    conds: list[ColumnElement[bool]]  # visibility and filters, for phrase checks
    ctes: dict[Leaf, Any] = field(default_factory=dict)

    def leaf(self, leaf: Leaf, within: Select | None = None) -> Select:
        """(document_id, score) of every document holding the word or phrase; a word can
        be limited to the documents of `within`."""
        if isinstance(leaf, Phrase) or within is None:
            if leaf not in self.ctes:
                sql = self._term(leaf, None) if isinstance(leaf, Term) else self._phrase(leaf)
                self.ctes[leaf] = sql.cte()
            cte = self.ctes[leaf]
            return select(cte.c.document_id, cte.c.score)
        return self._term(leaf, within)

    def _term(self, term: Term, within: Select | None) -> Select:
        c = self.store.backend.candidates(leaf_plan(term), within)
        return select(c.c.document_id, func.max(c.c.score).label("score")).group_by(c.c.document_id)

    def _phrase(self, phrase: Phrase) -> Select:
        """Adjacency is checked here on the candidates of documents that can be shown at
        all (limiting a leaf to them changes nothing: results are intersected with them)."""
        c = self.store.backend.candidates(leaf_plan(phrase))
        rows = self.conn.execute(
            select(c.c.document_id, c.c.score, paragraphs.c.forms)
            .select_from(
                c.join(paragraphs, (paragraphs.c.document_id == c.c.document_id) & (paragraphs.c.seq == c.c.seq))
                .join(documents, documents.c.id == c.c.document_id)
                .join(records, records.c.id == documents.c.record_id)
            )
            .where(*self.conds)
        )
        best: dict[int, float] = {}
        match = memo_match()
        for r in rows:
            if r.score > best.get(r.document_id, float("-inf")) and leaf_marks(phrase, _leaf_words(r.forms), match):
                best[r.document_id] = float(r.score)
        return _values(best)

    def compile(self, node: Node) -> Select:
        if isinstance(node, (Term, Phrase)):
            return self.leaf(node)
        if isinstance(node, Or):
            return _combine([self.compile(c) for c in node.children], need_all=False)
        assert isinstance(node, And)
        pos = [c for c in node.children if not isinstance(c, Not)]
        neg = [c.child for c in node.children if isinstance(c, Not)]
        base = self._and(pos).subquery()
        excluded = [base.c.document_id.not_in(select(self.compile(n).subquery().c.document_id)) for n in neg]
        return select(base.c.document_id, base.c.score).where(*excluded)

    def _and(self, pos: list[Node]) -> Select:
        """Documents in every part. The rarest part is found first; every other word is
        then ranked only inside its documents, so a common word next to a rare one costs
        a scan of its matches but not a bm25 for each."""
        words = [c for c in pos if isinstance(c, Term)]
        if len(pos) == 1 or not words:
            return _combine([self.compile(c) for c in pos], need_all=True)
        phrases = [c for c in pos if isinstance(c, Phrase)]  # already small VALUES lists
        if phrases:
            anchor: Node = phrases[0]
        else:
            anchor = self._rarest(words)
        first = self.compile(anchor).cte()
        within = select(first.c.document_id)
        rest = [self.leaf(c, within) if isinstance(c, Term) else self.compile(c) for c in pos if c is not anchor]
        return _combine([select(first.c.document_id, first.c.score), *rest], need_all=True)


    def _rarest(self, words: list[Term]) -> Term:
        """The word with fewest paragraphs, counted under rising caps until one word
        stays below the cap: the counting costs about the rarest word's matches."""
        est: dict[int, int] = {}
        for cap in ESTIMATE_CAPS:
            est = {id(w): self.store.backend.estimate(self.conn, leaf_plan(w), cap) for w in words}
            if min(est.values()) < cap:
                break
        return min(words, key=lambda w: est[id(w)])


def _combine(parts: list[Select], need_all: bool) -> Select:
    """Documents in every part (AND) or in any (OR), with the parts' scores summed."""
    if len(parts) == 1:
        return parts[0]
    u = union_all(*parts).subquery()
    stmt = select(u.c.document_id, func.sum(u.c.score).label("score")).group_by(u.c.document_id)
    return stmt.having(func.count() == len(parts)) if need_all else stmt


def _embargoed_documents(conn: Connection) -> Select:
    """Ids of documents of records open to readers but under embargo today (theirs or
    their collection's): all a reader's search must still remove from a backend's
    `open_only` answer. Index range scans that usually find nothing: the embargoed
    collections are looked up first, so that their records are found by collection
    rather than by testing every open record."""
    from opis.access.policy import open_to_readers, today

    day = today()
    held = list(conn.execute(select(collections.c.name).where(collections.c.embargo_until > day)).scalars())
    of_records = select(documents.c.id).join(records, records.c.id == documents.c.record_id)
    own = of_records.where(open_to_readers(), records.c.embargo_until > day)
    return union(own, of_records.where(open_to_readers(), records.c.collection.in_(held))) if held else own


def _hidden_documents(include_restricted: bool = False) -> Select:
    """Ids of documents of records this viewer may not see (restricted, embargoed,
    deleted, or in a hidden collection). Written as the few hidden ones, found through
    the covering index `ix_records_access`, rather than a visibility test on every
    matching document, which would read a fat `records` row per hit."""
    from opis.access.policy import hidden

    return (
        select(documents.c.id)
        .join(records, records.c.id == documents.c.record_id)
        .where(hidden(include_restricted))
    )


@dataclass
class _Found:
    """The visible matching documents of a query, in parts, so that a caller can leave out
    the join with `documents` when nothing needs it."""

    found: Any  # subquery: document_id, score
    wanted: list[ColumnElement[bool]]  # filters and visibility
    on_documents: bool  # a filter reads `documents`
    on_records: bool  # a filter reads `records`
    by_document: bool  # answered per document by the backend (see `SearchBackend.documents`)

    def select(self, join_documents: bool = True) -> Select:
        source = self.found
        if join_documents or self.on_documents or self.on_records:
            source = source.join(documents, documents.c.id == self.found.c.document_id)
        if self.on_records:
            source = source.join(records, records.c.id == documents.c.record_id)
        return select(self.found.c.document_id, self.found.c.score).select_from(source).where(*self.wanted)


def _find(
    conn: Connection, store: Store, node: Node, filters: dict[str, Any] | None, include_restricted: bool,
    ranked: bool = True, hidden: Any = None, prepared: bool = False, hide: bool = True,
    embargoed: list[int] | None = None,
) -> _Found:
    """The matching documents of a query: per document by the backend when it can answer
    the whole tree (words with AND/OR/NOT, no phrase), else combined per word here.
    `hidden`: a CTE of `_hidden_documents` to share between statements; `prepared`: the
    backend has looked at the database for this search already; `hide=False` leaves the
    hidden documents in (the caller removes them itself). For a reader, a backend that
    answers per document leaves out the documents not `open_to_readers` itself, so only
    those under embargo are removed here (`embargoed`: their ids, if the caller has them)."""
    conds = filter_conditions(filters, include_restricted)
    if not prepared:
        store.backend.prepare(conn)
    plan = tree_plan(node)
    found = store.backend.documents(plan, ranked, open_only=not include_restricted) if plan is not None else None
    by_document = found is not None
    if found is None:
        found = _Compiler(conn, store, conds).compile(node).subquery("found")
    wanted = filter_conditions(filters, True)[1:]  # the filters, without visibility
    on_records = bool(_as_list((filters or {}).get("collection")))  # the one filter on `records`
    on_documents = bool(wanted)
    if by_document and not include_restricted:
        if hide and embargoed is None:
            wanted.append(found.c.document_id.not_in(_embargoed_documents(conn)))
        elif hide and embargoed:  # (a long list as a subquery: bound parameters are limited)
            wanted.append(found.c.document_id.not_in(
                embargoed if len(embargoed) <= EMBARGO_LIST else _embargoed_documents(conn)))
    elif hide and hidden is not None:
        # NOT EXISTS rather than NOT IN: SQLite probes an automatic index on the CTE either
        # way, but skips NOT IN's NULL bookkeeping (about 3 of 18 ms counting 52,000 matches)
        wanted.append(~exists().where(hidden.c.id == found.c.document_id))
    elif hide:
        wanted.append(found.c.document_id.not_in(_hidden_documents(include_restricted)))
    return _Found(found, wanted, on_documents, on_records, by_document)


def _matches(
    conn: Connection, store: Store, node: Node | None, filters: dict[str, Any] | None, include_restricted: bool,
    ranked: bool = True,
) -> tuple[Select, Any]:
    """A SELECT of the visible matching documents (`document_id`, `score`: 0 when
    browsing) over documents, joined with records only when a filter needs them, and
    that score column."""
    if node is None:
        conds = filter_conditions(filters, include_restricted)
        score = literal(0.0)
        base = documents.join(records, records.c.id == documents.c.record_id)
        return select(documents.c.id.label("document_id"), score.label("score")).select_from(base).where(*conds), score
    f = _find(conn, store, node, filters, include_restricted, ranked)
    return f.select(), f.found.c.score


EMBARGO_LIST = 1_000  # embargoed documents removed by a list of ids; more, by a subquery
TIE_MARGIN = 32  # rows fetched past the page, so that equal scores at its end are all seen
HIDDEN_MARGIN = 64  # and more, first without removing hidden documents in SQL (see `_top`)


def _top(
    conn: Connection, store: Store, node: Node, filters: dict[str, Any] | None, include_restricted: bool,
    want: int,
) -> tuple[list[_DocMatch], int] | None:
    """The first `want` documents in relevance order (score, then date, then id) and the
    total, for a query the backend answers per document, without sorting every match by
    date. One statement takes the best scores by a bounded sort of (document, score) alone
    and counts the visible matches without computing any score; only the documents that
    can make the cut are then dated and ordered here.

    The first try ranks every match, hidden or not (testing each against the hidden
    documents costs more than the test is worth when few are hidden), takes
    `HIDDEN_MARGIN` more than needed, and drops the hidden ones among those few; if too
    many of them were hidden, a second try leaves the hidden documents out in SQL. Only
    documents scoring above the last one fetched are sure to be all there, and documents
    whose score equals the last one on the page all compete for its last places by date
    and id: if that cannot be decided from what was fetched, None, and the caller sorts
    everything."""
    from opis.access.policy import hidden as hidden_rule

    if include_restricted:  # an editor: only deleted records are hidden
        hidden, embargoed = _hidden_documents(include_restricted).cte("hidden").prefix_with("MATERIALIZED"), None
    else:  # a reader: the backend leaves out what is not open to readers (see `_find`)
        hidden, embargoed = None, list(conn.execute(_embargoed_documents(conn)).scalars())
    unranked = _find(conn, store, node, filters, include_restricted, ranked=False, hidden=hidden, prepared=True,
                     embargoed=embargoed)
    count = unranked.select(join_documents=False).subquery()
    for in_sql in (False, True):
        f = _find(conn, store, node, filters, include_restricted, hidden=hidden, prepared=True, hide=in_sql,
                  embargoed=embargoed)
        fetch = want + TIE_MARGIN + (0 if in_sql else HIDDEN_MARGIN)
        best = f.select(join_documents=False).order_by(f.found.c.score.desc()).limit(fetch).subquery()
        rows = conn.execute(union_all(
            select(best.c.document_id, best.c.score),
            select(literal(None, Integer).label("document_id"), func.count().cast(Float).label("score"))
            .select_from(count),
        )).all()
        total = next(int(r.score) for r in rows if r.document_id is None)
        fetched = sorted((r for r in rows if r.document_id is not None), key=lambda r: -r.score)  # a union keeps no order
        # the date of each fetched document, and whether it is hidden, in one query
        seen = {r.id: r for r in conn.execute(
            select(documents.c.id, documents.c.date, hidden_rule(include_restricted).label("hidden"))
            .join(records, records.c.id == documents.c.record_id)
            .where(documents.c.id.in_([r.document_id for r in fetched])))} if fetched else {}
        # (a document gone since the first statement counts as hidden)
        shown = [r for r in fetched if r.document_id in seen and (in_sql or not seen[r.document_id].hidden)]
        if len(fetched) == fetch:  # more match: only scores above the last fetched are complete
            shown = [r for r in shown if r.score > fetched[-1].score]
            if len(shown) < want:
                continue
        if len(shown) > want:
            shown = [r for r in shown if r.score >= shown[want - 1].score]
        break
    else:
        return None

    def key(r: Any) -> tuple[float, str, int]:
        date = seen[r.document_id].date
        return (-r.score, "9999" if date is None else date, r.document_id)

    return [_DocMatch(r.document_id, float(r.score)) for r in sorted(shown, key=key)[:want]], total


def _order(sort: str, score: Any) -> list[Any]:
    if sort not in SORTS:
        raise QueryError(f"unknown sort '{sort}': use one of {', '.join(SORTS)}")
    d = documents.c
    if sort == "relevance":
        return [score.desc(), func.coalesce(d.date, "9999"), d.id]
    undated = d.date.is_(None)
    if sort == "date":
        return [undated, d.date, d.id]
    # newest first; undated documents still last, in id order
    return [undated, d.date.desc(), case((undated, d.id), else_=-d.id)]


def search(
    store: Store,
    query: str | None,
    *,
    limit: int = 20,
    offset: int = 0,
    include_restricted: bool = False,
    filters: dict[str, Any] | None = None,
    sort: str = "relevance",
    expand: Expander | None = None,
) -> SearchResults:
    """Documents matching `query` (None: every document that passes the filters).

    Raises QueryError for a malformed query, unknown filter or sort.
    """
    node = parse(query, expand) if query is not None else None
    if sort not in SORTS:
        raise QueryError(f"unknown sort '{sort}': use one of {', '.join(SORTS)}")
    start, size = max(offset, 0), max(limit, 0)
    with store.engine.connect() as conn:
        f, top = None, None
        if node is not None:
            store.backend.prepare(conn)
            plan = tree_plan(node)
            if sort == "relevance" and size and plan is not None and store.backend.documents(plan) is not None:
                # answered per document: the page and the total in one statement (`_top`)
                top = _top(conn, store, node, filters, include_restricted, start + size)
            if top is None:
                f = _find(conn, store, node, filters, include_restricted, prepared=True)
        if top is not None:
            best, total = top
            page = best[start:]
        else:
            stmt, score = (f.select(), f.found.c.score) if f is not None else _matches(
                conn, store, None, filters, include_restricted)
            paged = stmt.add_columns(func.count().over().label("total")).order_by(*_order(sort, score))
            rows = conn.execute(paged.limit(size).offset(start)).all() if size else []
            if rows:
                total = rows[0].total
            else:  # an empty page says nothing about the total
                total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
            page = [_DocMatch(r.document_id, float(r.score)) for r in rows]
        hits = _hits(conn, store, page, node)
    return SearchResults(total=total, hits=hits, offset=offset, limit=limit)


def _frequency(leaf: Leaf, surfaces: list[str], matching: dict[Term, set[str]]) -> float:
    """How often the leaf occurs in a paragraph (its surface forms), a word written
    exactly as in the query counting half again (as the surface-form column adds to
    bm25 in the index). `matching`: the surface forms each term matches."""
    terms = leaf.terms if isinstance(leaf, Phrase) else (leaf,)
    distinct = set(surfaces)
    if any(matching[t].isdisjoint(distinct) for t in terms):
        return 0.0  # the usual case, decided on the few distinct words
    written = {t.word for t in terms}
    if isinstance(leaf, Term):
        hit = matching[leaf]
        return sum(1.5 if s in written else 1.0 for s in surfaces if s in hit)
    ws = [_form_word(s) for s in surfaces]
    marked = leaf_marks(leaf, ws, lambda t, w: w.surface in matching[t])
    return sum(1.5 if surfaces[i] in written else 1.0 for i in marked)


def _best_paragraphs(conn: Connection, doc_ids: list[int], node: Node) -> dict[int, int]:
    """Document id -> id of its paragraph with most distinct words/phrases of the query,
    then the best local rank, then the earliest. The rank is bm25's term-frequency and
    length part (IDF is the same for every paragraph of the query, so it cannot change
    the order much and is left out); computed here on the stored word forms, it is the
    same on every backend and needs no second full-text lookup."""
    pos = leaves(node, positive_only=True)
    # `.all()` fetches the ~200 rows in one call (iterating a result fetches row by row)
    rows = [(pid, doc_id, seq, forms.split()) for pid, doc_id, seq, forms in conn.execute(
        select(paragraphs.c.id, paragraphs.c.document_id, paragraphs.c.seq, paragraphs.c.forms).where(
            paragraphs.c.document_id.in_(doc_ids))).all()]
    # each distinct word form of the page is analysed once and tried once per term
    forms = {s for *_, surfaces in rows for s in surfaces}
    terms = {t for leaf in pos for t in (leaf.terms if isinstance(leaf, Phrase) else (leaf,))}
    matching = {t: {s for s in forms if t.match(_form_word(s))} for t in terms}
    per_doc: dict[int, list[tuple[int, int, int, list[float]]]] = {}
    for pid, doc_id, seq, surfaces in rows:
        tfs = [_frequency(leaf, surfaces, matching) for leaf in pos]
        per_doc.setdefault(doc_id, []).append((pid, seq, len(surfaces), tfs))
    best: dict[int, int] = {}
    for doc_id, paras in per_doc.items():
        avg = max(1.0, sum(n for _, _, n, _ in paras) / len(paras))

        def key(p: tuple[int, int, int, list[float]]) -> tuple[int, float, int]:
            _, seq, n, tfs = p
            norm = K1 * (1 - B + B * n / avg)
            return (-sum(1 for tf in tfs if tf), -sum(tf * (K1 + 1) / (tf + norm) for tf in tfs if tf), seq)

        top = min(paras, key=key)
        if any(top[3]):
            best[doc_id] = top[0]
    return best


def _hits(conn: Connection, store: Store, page: Sequence[_DocMatch], node: Node | None) -> list[Hit]:
    if not page:
        return []
    doc_ids = [m.document_id for m in page]
    docs = {
        r.id: r
        for r in conn.execute(
            select(
                documents,
                records.c.source_name,
                records.c.meta,
                records.c.collection,
            )
            .join(records, records.c.id == documents.c.record_id)
            .where(documents.c.id.in_(doc_ids))
        )
    }
    chosen = _best_paragraphs(conn, doc_ids, node) if node is not None else {}
    para_cols = (paragraphs.c.document_id, paragraphs.c.seq, paragraphs.c.start, paragraphs.c.end, paragraphs.c.text,
                 paragraphs.c.forms)
    paras = {r.document_id: r for r in conn.execute(select(*para_cols).where(paragraphs.c.id.in_(list(chosen.values()))))}
    # browsing, or no paragraph found: show the start of the document
    rest = [d for d in doc_ids if d not in paras]
    if rest:
        for r in conn.execute(select(*para_cols).where(paragraphs.c.document_id.in_(rest), paragraphs.c.seq == 0)):
            paras[r.document_id] = r
    hits = []
    for m in page:
        d = docs[m.document_id]
        p = paras.get(m.document_id)
        snippet = make_snippet(p.text, node, forms=p.forms.split()) if p is not None else []
        meta = d.meta or {}
        title = meta.get("title") if isinstance(meta.get("title"), str) else None
        hits.append(
            Hit(
                record_id=d.record_id,
                title=title or d.title_en or d.title_ru or d.source_name,
                source_name=d.source_name,
                seq=d.seq,
                date=d.date,
                doc_type=d.doc_type,
                score=m.score,
                snippet=snippet,
                paragraph=p.seq if p is not None else None,
                start=p.start if p is not None else None,
                end=p.end if p is not None else None,
                language=d.language,
                classification=d.classification,
                collection=d.collection,
            )
        )
    return hits


# --- snippets --------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def make_snippet(text: str, node: Node | None, width: int = SNIPPET_WORDS,
                 forms: list[str] | None = None) -> list[Segment]:
    """About `width` words of `text` around the densest group of matches, as segments;
    adjacent matched words (a phrase, a name) form one marked segment. The text is
    returned as data: nothing is escaped or wrapped here. `forms`: the paragraph's
    indexed word forms, one per word; where one differs from the word written (an OCR
    reading an editor accepted), the word is matched as the form, so it is marked."""
    ws = lx.words(text)
    if forms is not None and len(forms) == len(ws):
        ws = [w if f == w.surface else lx.Word(w.start, w.end, f, *_analysed(f)) for w, f in zip(ws, forms)]
    if not ws:
        return [(_SPACES.sub(" ", text.strip()), False)] if text.strip() else []
    hit = sorted(marks(node, ws)) if node is not None else []
    start = 0
    if hit:
        # window of `width` words holding the most matches, then centred on them
        best_i, best_n, j = 0, 0, 0
        for i, h in enumerate(hit):
            while hit[j] < h - width + 1:
                j += 1
            if i - j + 1 > best_n:
                best_i, best_n = j, i - j + 1
        first, last = hit[best_i], hit[best_i + best_n - 1]
        start = max(0, first - (width - (last - first + 1)) // 2)
    end = min(len(ws), start + width)
    start = max(0, min(start, end - width))
    hitset = set(hit)
    segments: list[Segment] = []
    parts: list[str] = []  # the raw text of the segment being built
    marked = False  # and whether it is a match

    def add(chunk: str, is_match: bool) -> None:
        """Chunks alternate between gaps and words (which hold no whitespace), so a run
        of spaces never crosses two chunks and can be collapsed once per segment."""
        nonlocal marked
        if not chunk:
            return
        if parts and is_match != marked:
            segments.append((_SPACES.sub(" ", "".join(parts)), marked))
            parts.clear()
        marked = is_match
        parts.append(chunk)

    if start > 0:
        add("… ", False)
    pos = ws[start].start if start > 0 else 0  # keep an opening quote or dash
    for k in range(start, end):
        w = ws[k]
        gap = text[pos : w.start]
        if k in hitset and k - 1 in hitset and k > start and not gap.strip():
            add(gap, True)  # keep "Ким Ир Сена" in one mark
        else:
            add(gap, False)
        add(text[w.start : w.end], k in hitset)
        pos = w.end
    if end < len(ws):
        add(" …", False)
    else:
        add(text[pos:].rstrip(), False)  # closing punctuation
    if parts:
        segments.append((_SPACES.sub(" ", "".join(parts)), marked))
    return segments


# --- facets ----------------------------------------------------------------------------

def facets(
    store: Store,
    query: str | None = None,
    filters: dict[str, Any] | None = None,
    *,
    include_restricted: bool = False,
    expand: Expander | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """Document counts per value of each facet over the documents a search would find,
    most frequent first."""
    node = parse(query, expand) if query is not None else None
    with store.engine.connect() as conn:
        if node is None:
            stmt, _ = _matches(conn, store, node, filters, include_restricted)
        else:  # no score needed, nor `documents` unless a filter reads it
            stmt = _find(conn, store, node, filters, include_restricted, ranked=False).select(join_documents=False)
        ids = [r.document_id for r in conn.execute(stmt)]
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    with store.engine.connect() as conn:
        for found in _chunks(ids, 500):
            # the whole visibility rule again, on this connection: a record restricted since
            # the ids were read (or a full-text index out of step) adds nothing to a facet
            chunk = []
            for r in conn.execute(
                select(
                    documents.c.id,
                    documents.c.doc_type,
                    documents.c.classification,
                    documents.c.language,
                    documents.c.date,
                    records.c.collection,
                )
                .join(records, records.c.id == documents.c.record_id)
                .where(documents.c.id.in_(found), visible(include_restricted))
            ):
                chunk.append(r.id)
                for name in ("doc_type", "classification", "language", "collection"):
                    if getattr(r, name):
                        counts[name][getattr(r, name)] += 1
                if r.date:
                    counts["year"][r.date[:4]] += 1
            for r in conn.execute(  # a translation's language, once per document
                select(layers.c.document_id, layers.c.language).distinct()
                .join(documents, documents.c.id == layers.c.document_id)
                .where(layers.c.document_id.in_(chunk), layers.c.name.like("translation:%"),
                       layers.c.language.is_not(None),
                       or_(documents.c.language.is_(None), layers.c.language != documents.c.language))
            ):
                counts["language"][r.language] += 1
            for r in conn.execute(
                select(mentions.c.document_id, mentions.c.type, mentions.c.name)
                .where(mentions.c.document_id.in_(chunk), mentions.c.type.in_(list(_FACET_TYPES)))
                .distinct()
            ):
                counts[_FACET_TYPES[r.type]][r.name] += 1
    return {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in counts.items()}


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
