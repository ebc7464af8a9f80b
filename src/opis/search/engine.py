"""Search and facets over a `Store`: one hit per document, best paragraph first.

The backend finds candidate paragraphs; everything else here is portable SQL plus
Python: visibility and filters are conditions on `documents`/`records`, phrases are
checked on the paragraph's words, hits are grouped per document and paged, and the
snippet is cut from the best paragraph with the matched words marked.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from sqlalchemy import ColumnElement, exists, select

from opis.search import lemmas as lx
from opis.search.query import Expander, Node, QueryError, evaluate, has_phrase, index_plan, marks, parse
from opis.store.repository import Store, visible
from opis.store.schema import documents, mentions, paragraphs, records

SNIPPET_WORDS = 30
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
        if key in ("doc_type", "classification", "language"):
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
    paragraph_id: int | None
    score: float
    date: str | None


def _matching_documents(
    store: Store, node: Node | None, filters: dict[str, Any] | None, include_restricted: bool
) -> list[_DocMatch]:
    """Every visible document that matches, with its best paragraph."""
    conds = filter_conditions(filters, include_restricted)
    base = documents.join(records, records.c.id == documents.c.record_id)
    with store.engine.connect() as conn:
        if node is None:
            rows = conn.execute(select(documents.c.id, documents.c.date).select_from(base).where(*conds))
            return [_DocMatch(r.id, None, 0.0, r.date) for r in rows]
        fts = store.backend.candidates(index_plan(node))
        exact = has_phrase(node)
        cols = [paragraphs.c.id, paragraphs.c.document_id, fts.c.score, documents.c.date]
        if exact:
            cols.append(paragraphs.c.text)
        stmt = (
            select(*cols)
            .select_from(fts.join(paragraphs, paragraphs.c.id == fts.c.paragraph_id).join(base))
            .where(*conds)
        )
        best: dict[int, _DocMatch] = {}
        for r in conn.execute(stmt):
            if exact and not evaluate(node, lx.words(r.text)):
                continue
            cur = best.get(r.document_id)
            if cur is None or r.score > cur.score:
                best[r.document_id] = _DocMatch(r.document_id, r.id, float(r.score), r.date)
        return list(best.values())


def _sort(found: list[_DocMatch], sort: str) -> list[_DocMatch]:
    if sort not in SORTS:
        raise QueryError(f"unknown sort '{sort}': use one of {', '.join(SORTS)}")
    if sort == "relevance":
        return sorted(found, key=lambda m: (-m.score, m.date or "9999", m.document_id))
    dated = sorted((m for m in found if m.date), key=lambda m: (m.date, m.document_id))
    if sort == "date_desc":
        dated.reverse()
    return dated + sorted((m for m in found if not m.date), key=lambda m: m.document_id)


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
    found = _sort(_matching_documents(store, node, filters, include_restricted), sort)
    page = found[max(offset, 0) : max(offset, 0) + max(limit, 0)]
    return SearchResults(total=len(found), hits=_hits(store, page, node), offset=offset, limit=limit)


def _hits(store: Store, page: Sequence[_DocMatch], node: Node | None) -> list[Hit]:
    if not page:
        return []
    doc_ids = [m.document_id for m in page]
    with store.engine.connect() as conn:
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
        para_ids = [m.paragraph_id for m in page if m.paragraph_id is not None]
        paras = {r.id: r for r in conn.execute(select(paragraphs).where(paragraphs.c.id.in_(para_ids)))}
        # browsing has no matched paragraph: show the start of each document
        firsts = {
            r.document_id: r
            for r in conn.execute(
                select(paragraphs).where(
                    paragraphs.c.document_id.in_([m.document_id for m in page if m.paragraph_id is None]),
                    paragraphs.c.seq == 0,
                )
            )
        }
    hits = []
    for m in page:
        d = docs[m.document_id]
        p = paras.get(m.paragraph_id) if m.paragraph_id is not None else firsts.get(m.document_id)
        snippet = make_snippet(p.text, node) if p is not None else []
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


def make_snippet(text: str, node: Node | None, width: int = SNIPPET_WORDS) -> list[Segment]:
    """About `width` words of `text` around the densest group of matches, as segments;
    adjacent matched words (a phrase, a name) form one marked segment. The text is
    returned as data: nothing is escaped or wrapped here."""
    ws = lx.words(text)
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

    def add(chunk: str, is_match: bool) -> None:
        chunk = _SPACES.sub(" ", chunk)
        if not chunk:
            return
        if segments and segments[-1][1] == is_match:
            segments[-1] = (segments[-1][0] + chunk, is_match)
        else:
            segments.append((chunk, is_match))

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
    ids = [m.document_id for m in _matching_documents(store, node, filters, include_restricted)]
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    with store.engine.connect() as conn:
        for chunk in _chunks(ids, 500):
            for r in conn.execute(
                select(
                    documents.c.doc_type,
                    documents.c.classification,
                    documents.c.language,
                    documents.c.date,
                    records.c.collection,
                )
                .join(records, records.c.id == documents.c.record_id)
                .where(documents.c.id.in_(chunk))
            ):
                for name in ("doc_type", "classification", "language", "collection"):
                    if getattr(r, name):
                        counts[name][getattr(r, name)] += 1
                if r.date:
                    counts["year"][r.date[:4]] += 1
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
