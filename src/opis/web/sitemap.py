"""`/sitemap.xml` for search engines: the pages an anonymous reader may open, nothing else.

The list is built from the same condition as every other reader's route
(`opis.access.policy.reader_may_see`), so a restricted, embargoed or deleted record, or one
in a closed collection, is never named here; a record whose embargo has ended appears on
its own on the day. Each document has its own URL (the record's first document at
`/documents/{id}`, the n-th at `/documents/{id}/{n}`) with the record's last change as
`lastmod`.

The sitemap protocol allows 50,000 URLs in one file. Up to that, `/sitemap.xml` is the
list itself; beyond it, `/sitemap.xml` is a sitemap index naming `/sitemap/1.xml`,
`/sitemap/2.xml`, ... each holding one slice of the documents in a fixed order.

Mount with ``app.include_router(sitemap_router(lambda: store))``.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any, Callable, Iterator
from urllib.parse import quote
from xml.sax.saxutils import escape

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from opis.access.policy import reader_may_see
from opis.store.schema import documents, records

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000  # per file, as the protocol says
MEDIA = "application/xml; charset=utf-8"
# pages that are always there, listed before the documents (in the first file)
FIXED = ("/", "/search", "/entities")


def _day(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    dt = dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    return dt.date().isoformat()


def document_path(record_id: str, seq: int) -> str:
    """The document page's path, as the site links it (see `opis.web.app.doc_url`)."""
    return f"/documents/{quote(record_id)}" + (f"/{seq + 1}" if seq else "")


def count_documents(engine: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(documents.join(records, records.c.id == documents.c.record_id))
            .where(reader_may_see())
        ).scalar_one()


def visible_documents(engine: Any, offset: int = 0, limit: int = MAX_URLS) -> Iterator[tuple[str, str | None]]:
    """(path, lastmod day) of the documents readers may see, by record id and number."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(documents.c.record_id, documents.c.seq, records.c.updated_at)
            .select_from(documents.join(records, records.c.id == documents.c.record_id))
            .where(reader_may_see())
            .order_by(documents.c.record_id, documents.c.seq)
            .offset(offset).limit(limit)
        ).all()
    for rid, seq, updated in rows:
        yield document_path(rid, seq), _day(updated)


def urlset(base: str, entries: Iterator[tuple[str, str | None]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for path, lastmod in entries:
        out.append(f"  <url><loc>{escape(base + path)}</loc>"
                   + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>")
    out.append("</urlset>")
    return "\n".join(out) + "\n"


def sitemap_index(base: str, files: int) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    out += [f"  <sitemap><loc>{escape(base)}/sitemap/{n}.xml</loc></sitemap>" for n in range(1, files + 1)]
    out.append("</sitemapindex>")
    return "\n".join(out) + "\n"


def sitemap_router(get_store: Callable[[], Any], max_urls: int = MAX_URLS) -> APIRouter:
    """`/sitemap.xml` (and `/sitemap/{n}.xml` when there are more than `max_urls` URLs)."""
    router = APIRouter()
    per_file = max(1, max_urls)

    def files(total: int) -> int:
        return max(1, math.ceil((len(FIXED) + total) / per_file))

    def part(base: str, n: int, total: int) -> str:
        """File n (from 1): the fixed pages first, then the documents in order."""
        start = (n - 1) * per_file  # position among FIXED + documents
        fixed = [(p, None) for p in FIXED[start:start + per_file]]
        doc_start = max(0, start - len(FIXED))
        doc_limit = per_file - len(fixed)
        docs = visible_documents(get_store().engine, doc_start, doc_limit) if doc_limit > 0 else iter(())
        return urlset(base, iter([*fixed, *docs]))

    @router.get("/sitemap.xml")
    def sitemap(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        total = count_documents(get_store().engine)
        n = files(total)
        body = part(base, 1, total) if n == 1 else sitemap_index(base, n)
        return Response(body, media_type=MEDIA)

    @router.get("/sitemap/{n}.xml")
    def sitemap_file(n: int, request: Request) -> Response:
        total = count_documents(get_store().engine)
        if not 1 <= n <= files(total) or files(total) == 1:
            raise HTTPException(404)
        return Response(part(str(request.base_url).rstrip("/"), n, total), media_type=MEDIA)

    return router
