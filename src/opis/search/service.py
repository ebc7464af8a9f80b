"""Search as the CLI and the web call it: the engine plus Latin-name expansion, and the
JSON shape of results that both print."""

from __future__ import annotations

from typing import Any

from opis.search.engine import Hit, SearchResults, render_snippet, search
from opis.search.query import Expander


def default_expander() -> Expander:
    """Latin-script names → Cyrillic forms through the authority file."""
    from opis.entities.search_expand import expand_latin

    return expand_latin


def hit_to_json(hit: Hit) -> dict[str, Any]:
    return {
        "record_id": hit.record_id,
        "seq": hit.seq,
        "title": hit.title,
        "source_name": hit.source_name,
        "date": hit.date,
        "doc_type": hit.doc_type,
        "classification": hit.classification,
        "language": hit.language,
        "collection": hit.collection,
        "score": hit.score,
        "snippet": [[text, is_match] for text, is_match in hit.snippet],
        "snippet_text": render_snippet(hit.snippet),
    }


def results_to_json(query: str | None, results: SearchResults) -> dict[str, Any]:
    return {
        "query": query,
        "total": results.total,
        "offset": results.offset,
        "limit": results.limit,
        "hits": [hit_to_json(h) for h in results.hits],
    }


def run_search(store, query: str | None, *, limit: int = 20, offset: int = 0, sort: str = "relevance",
               filters: dict[str, Any] | None = None, include_restricted: bool = False) -> SearchResults:
    """Search with the default Latin-name expansion; raises QueryError for bad input."""
    return search(store, query, limit=limit, offset=offset, sort=sort, filters=filters,
                  include_restricted=include_restricted, expand=default_expander())
