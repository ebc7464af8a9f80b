"""The public web archive: server-rendered pages with a JSON twin for each.

Every page is made in two steps: a builder gathers the page's facts as plain JSON data,
then either a template renders them or they are returned as JSON (`.json` suffix or
`Accept: application/json`), so a page and its JSON cannot tell different stories.
Anonymous readers only ever see public records: every call into the store or the search
engine passes `include_restricted=False`.
"""

from __future__ import annotations

import json
import logging
import math
import re
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException

from opis.export.record_json import document_to_json, record_title
from opis.model import DIPLOMATIC, READING, Record
from opis.search.engine import facets as search_facets
from opis.search.service import default_expander, run_search
from opis.search.query import QueryError
from opis.store.repository import Store
from opis.export import citations
from opis.web import fonts, queries, schemas
from opis.web.api import api_router
from opis.web.sitemap import sitemap_router
from opis.web.auth import AuthError, csrf_token, install_auth, login_redirect, viewer_of
from opis.web.chart import year_bars
from opis.web.present import (
    CLASSIFICATIONS,
    DOC_TYPES,
    LANGUAGES,
    MENTION_TYPES,
    display_name,
    document_facts,
    human_date,
    label,
    mention_index,
)
from opis.web.render import render_document
from opis.translate.layers import translations as translations_of
from opis.translate.view import describe as describe_translation
from opis.translate.view import paragraph_layers, parallel_view, translation_citation

log = logging.getLogger("opis.web")

HERE = Path(__file__).parent
PER_PAGE = 20
FACET_SHOWN = 8
FACET_MAX = 40
VIEWS = (READING, DIPLOMATIC)
PARALLEL = "parallel"  # original and translation side by side (documents with a translation)
# facet name in the engine -> filter key in the URL
FACET_FILTER = {"doc_type": "doc_type", "classification": "classification", "language": "language",
                "collection": "collection", "person": "person", "organization": "org", "place": "place"}
FACET_TITLES = {"year": "Year", "person": "People", "organization": "Organisations", "place": "Places",
                "doc_type": "Document type", "classification": "Classification", "language": "Language",
                "collection": "Collection"}
LIST_FILTERS = ("doc_type", "classification", "language", "collection", "person", "org", "place")
# fonts served from the package, else from the system's DejaVu (fonts-dejavu-core)
FONT_DIRS = (fonts.TARGET, fonts.SYSTEM)
FONTS = fonts.FILES
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
JSON_SUFFIXES = (".json",)
API_PREFIX = "/api/"  # the editors' JSON API (opis.web.api): JSON answers only, errors included
CITATION_TYPES = {"bib": "application/x-bibtex", "ris": "application/x-research-info-systems",
                  "csl": "application/vnd.citationstyles.csl+json"}
DATE_PARAM = "^ *([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)? *$"  # the search's date filters (or nothing)
AUTHORITY_KEYS = ("id", "type", "name", "en", "heading", "initials", "variants", "pseudonyms", "born", "died",
                  "role", "country", "kind", "wikidata")


# --- helpers ---------------------------------------------------------------------------

def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(label=label, human_date=human_date, display_name=display_name,
                       MENTION_TYPES=MENTION_TYPES, doc_url=doc_url, entity_url=entity_url)
    return env


def doc_url(record_id: str, seq: int = 0, view: str | None = None) -> str:
    """Canonical path of a document: the first one is the record's own page."""
    path = f"/documents/{quote(record_id)}" + (f"/{seq + 1}" if seq else "")
    return path + (f"?view={view}" if view and view != READING else "")


def entity_url(eid: str) -> str:
    return f"/entities/{quote(eid, safe='')}"


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(JSON_SUFFIXES) or request.url.path.startswith(API_PREFIX):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def with_params(params: list[tuple[str, str]], add: Any = None, drop: tuple[str, str] | None = None,
                drop_keys: tuple[str, ...] = ("page",)) -> str:
    """The search URL with filters added (a pair or a list of pairs) or one removed;
    the page is reset unless told otherwise."""
    out = [(k, str(v)) for k, v in params if k not in drop_keys and (k, v) != drop]
    for pair in ([add] if isinstance(add, tuple) else add or []):
        pair = (pair[0], str(pair[1]))
        if pair not in out:
            out.append(pair)
    return "/search" + ("?" + urlencode(out) if out else "")


class PageError(Exception):
    """An error the reader should see as a page (or JSON) with this status."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


# --- the app ---------------------------------------------------------------------------

def create_app(db_url: str) -> FastAPI:
    """The archive website over the database at `db_url` (SQLite path or SQLAlchemy URL)."""
    store = Store.open(db_url)
    env = make_env()
    app = FastAPI(
        title="opis archive",
        version="0.1.0",
        description="A searchable, citable archive of transcribed historical documents. Every page "
                    "has a JSON twin: add `.json` to its path or send `Accept: application/json`.",
        docs_url=None,  # the interactive docs load scripts from a CDN; the archive works offline
        redoc_url=None,
    )
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    env.globals.update(csrf_token=csrf_token, viewer_of=viewer_of)

    def page(request: Request, template: str, data: dict[str, Any], status: int = 200,
             **context: Any) -> Response:
        if wants_json(request):
            return JSONResponse(data, status_code=status)
        path = request.url.path
        json_href = "/index.json" if path == "/" else path + ".json"
        if request.url.query:
            json_href += "?" + request.url.query
        html = env.get_template(template).render(request=request, data=data, path=path,
                                                 json_href=json_href, **context)
        return HTMLResponse(html, status_code=status)

    def error_page(request: Request, status: int, title: str, message: str) -> Response:
        data = {"error": {"status": status, "title": title, "message": message}}
        return page(request, "error.html", data, status=status)

    # who is asking (session cookie or API token), /login and /logout; installed before
    # the headers middleware below, which therefore wraps it
    install_auth(app, store, lambda request, template, data, status=200: page(request, template, data, status))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable) -> Response:
        try:
            if "\x00" in request.scope["path"] or "%00" in request.url.query:
                # no id, name or word in the archive has one (PostgreSQL text cannot hold it);
                # the OpenAPI description says so (schemas.NO_NUL)
                response = error_page(request, 400, "Bad request", "An address may not contain NUL characters.")
            else:
                response = await call_next(request)
        except Exception:  # never a traceback for the reader
            log.exception("error serving %s", request.url.path)
            response = error_page(request, 500, "Something went wrong",
                                  "The archive could not show this page. Please try again later.")
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(PageError)
    async def on_page_error(request: Request, exc: PageError) -> Response:
        return error_page(request, exc.status, exc.title, exc.message)

    @app.exception_handler(AuthError)
    async def on_auth_error(request: Request, exc: AuthError) -> Response:
        if exc.status == 401 and not wants_json(request) and request.method == "GET":
            return login_redirect(request)
        title = "Not signed in" if exc.status == 401 else "Not allowed"
        return error_page(request, exc.status, title, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return error_page(request, 404, "Not found", "There is no page at this address.")
        response = error_page(request, exc.status_code, "Error", str(exc.detail))
        response.headers.update(exc.headers or {})  # such as Allow, with 405
        return response

    @app.exception_handler(RequestValidationError)
    async def on_bad_params(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error_page(request, 400, "Bad request", f"Some parameters are not valid ({problems}).")

    # --- builders ------------------------------------------------------------------------

    def home_data() -> dict[str, Any]:
        per_year = queries.documents_per_year(store.engine)
        return {
            "records": store.count_records(include_restricted=False),
            "documents": store.count_documents(include_restricted=False),
            "collections": queries.collections(store.engine),
            "per_year": [{"year": y, "documents": n} for y, n in per_year],
            "people": [dict(e, url=entity_url(e["id"])) for e in queries.entity_index(store.engine, limit=60)
                       if e["type"] == "PER"][:10],
            "recent": [dict(r.to_json(), url=doc_url(r.record_id, r.seq),
                            date_display=human_date(r.date, r.date_precision)) for r in
                       queries.recent_documents(store.engine)],
        }

    def search_data(q: str | None, sort: str | None, page_no: int, filters: dict[str, Any],
                    include_restricted: bool = False) -> tuple[dict[str, Any], int]:
        query = (q or "").strip() or None
        sort = sort or ("relevance" if query else "date")
        data: dict[str, Any] = {"query": query, "sort": sort, "page": page_no, "per_page": PER_PAGE,
                                "filters": {k: v for k, v in filters.items() if v}, "error": None,
                                "total": 0, "pages": 0, "hits": [], "facets": {}}
        try:
            results = run_search(store, query, limit=PER_PAGE, offset=(page_no - 1) * PER_PAGE,
                                 include_restricted=include_restricted, filters=data["filters"], sort=sort)
            # the same Latin-name expansion as the results, so facet counts match the list
            fac = search_facets(store, query, data["filters"], include_restricted=include_restricted,
                                expand=default_expander())
        except QueryError as exc:
            data["error"] = str(exc)
            return data, 400
        data["total"] = results.total
        data["pages"] = max(1, math.ceil(results.total / PER_PAGE))
        names_en = queries.english_names(store.engine, [n for key in ("person", "organization", "place")
                                                         for n, _ in fac.get(key, [])])
        titles = queries.document_titles(store.engine, [(h.record_id, h.seq) for h in results.hits])
        matched = paragraph_layers(store.engine, [(h.record_id, h.seq, h.paragraph) for h in results.hits
                                                  if query and h.paragraph is not None])
        for h in results.hits:
            in_layer = matched.get((h.record_id, h.seq, h.paragraph), READING)
            lang = in_layer.split(":", 1)[1] if in_layer.startswith("translation:") else None
            data["hits"].append({
                "record_id": h.record_id, "seq": h.seq, "number": h.seq + 1,
                "url": doc_url(h.record_id, h.seq),
                "passage_url": ((doc_url(h.record_id, h.seq, PARALLEL) + f"&at={lang}:{h.start}-{h.end}#found"
                                 if lang else doc_url(h.record_id, h.seq) + f"?at={h.start}-{h.end}#found")
                                if query and h.start is not None and h.end is not None and h.end > h.start else None),
                "matched_layer": in_layer if query and h.paragraph is not None else None,
                "matched_language": lang,
                "title": titles.get((h.record_id, h.seq), h.title), "source_name": h.source_name,
                "date": h.date, "date_display": human_date(h.date),
                "doc_type": h.doc_type, "doc_type_label": label("doc_type", h.doc_type),
                "classification": h.classification,
                "classification_label": label("classification", h.classification),
                "language": h.language, "collection": h.collection,
                "score": h.score,
                "snippet": [{"text": t, "match": m} for t, m in h.snippet],
            })
        for name, values in fac.items():
            entries = []
            key = FACET_FILTER.get(name)
            chosen = set(data["filters"].get(key) or []) if key else set()
            if name == "year" and data["filters"].get("date_from") == data["filters"].get("date_to"):
                chosen = {data["filters"].get("date_from")}
            for value, count in (values if name == "year" else values[:FACET_MAX]):  # every year
                entry = {"value": value, "count": count, "active": value in chosen}
                if name in ("person", "organization", "place"):
                    entry["label"] = value
                    entry["label_en"] = names_en.get(value)
                elif name == "year":
                    entry["label"] = value
                else:
                    entry["label"] = label(name, value) or value
                entries.append(entry)
            if name == "year":
                entries.sort(key=lambda e: e["value"])
            data["facets"][name] = entries
        return data, 200

    def get_record(request: Request, record_id: str) -> Record:
        try:
            return store.get_record(record_id, include_restricted=viewer_of(request).sees_restricted)
        except KeyError:
            raise PageError(404, "Document not found",
                            f"There is no document with the id “{record_id}” in this archive.") from None

    def document_data(request: Request, record_id: str, number: int, view: str,
                      at: str | None = None) -> tuple[dict[str, Any], Any]:
        if view not in (*VIEWS, PARALLEL):
            raise PageError(400, "Bad request", f"view must be one of: {', '.join((*VIEWS, PARALLEL))}")
        target = None
        at_lang = None  # a passage of a translation (at=en:START-END), shown in the parallel view
        if at:
            m = re.fullmatch(r"(?:([a-z]{2}):)?(\d{1,9})-(\d{1,9})", at)
            if not m or int(m[2]) >= int(m[3]):
                raise PageError(400, "Bad request", "at must be START-END, offsets in the reading text "
                                                    "(or LANG:START-END in a translation)")
            at_lang, target = m[1], (int(m[2]), int(m[3]))
        record = get_record(request, record_id)
        if not 1 <= number <= len(record.documents):
            raise PageError(404, "Document not found",
                            f"Record {record_id} has {len(record.documents)} document(s); there is no number {number}.")
        doc = record.documents[number - 1]
        facts = document_facts(doc, record)
        entities = mention_index(doc)
        named = {e["id"] for group in entities.values() for e in group}
        by_name = {e["name"]: e["id"] for group in entities.values() for e in group}
        parties = [p for key in ("authors", "signatories", "recipients", "distribution") for p in facts[key]]
        for p in parties + ([facts["place"]] if facts["place"] else []):
            # link only to entity pages that exist: the same id, else a mention of the same name
            p["entity"] = p["entity"] if p["entity"] in named else by_name.get(p["name"])
        facts["of"] = len(record.documents)
        base = str(request.base_url).rstrip("/")
        url = base + doc_url(record.id, doc.seq)
        prev, nxt = queries.neighbours(store.engine, record.id, doc.seq, (facts["date"] or {}).get("iso"))
        related = queries.related_documents(store.engine, record.id, doc.seq)
        stem = f"/documents/{quote(record.id)}/{number}"

        def link(row: queries.DocRow | None) -> dict[str, Any] | None:
            if row is None:
                return None
            return dict(row.to_json(), url=doc_url(row.record_id, row.seq),
                        date_display=human_date(row.date, row.date_precision))

        raw = document_to_json(doc)
        data = {
            "document": facts,
            "url": url,
            "record": {
                "id": record.id, "title": record_title(record), "source_name": record.source_name,
                "collection": record.collection, "format": record.format, "encoding": record.encoding,
                "metadata": record.metadata,
                "documents": [{"number": d.seq + 1, "url": doc_url(record.id, d.seq),
                               "title": document_facts(d, record)["title"]} for d in record.documents],
                "source_url": f"/documents/{quote(record.id)}/source",
                "facsimile_url": (f"/iiif/{quote(record.id)}/facsimile" if has_pages(store, record.id) else None),
                "manifest_url": (f"/iiif/{quote(record.id)}/manifest.json" if has_pages(store, record.id) else None),
            },
            "citation": {
                "text": citations.chicago_note(record, doc, url),
                "csl": citations.csl_json(record, doc, url),
                "bibtex": stem + ".bib", "ris": stem + ".ris", "csl_json": stem + ".csl.json",
                "json": stem + ".json", "tei": f"/documents/{quote(record.id)}/tei.xml",
            },
            "previous": link(prev),
            "next": link(nxt),
            "related": [link(r) for r in related],
            "entities": entities,
            "view": view,
            "at": at,
            "layers": raw.get("layers", {}),
            "mentions": raw.get("mentions", []),
            "values": raw.get("values", []),
            "translations": [describe_translation(t) for t in translations_of(doc)],
        }
        link_of = lambda m: entity_url(queries.entity_id(m.authority_id, m.name))  # noqa: E731
        if view == PARALLEL:
            where = (f"translation:{at_lang}" if at_lang else READING, *target) if target else None
            pv = parallel_view(doc, at_lang, link_of, where)
            if pv is None:
                raise PageError(404, "No translation",
                                f"Document {number} of record {record_id} has no translation to show beside it.")
            data["parallel"] = dict(pv.data, citation=translation_citation(
                data["citation"]["text"], doc.layer(pv.data["layer"])))
            return data, pv
        if at_lang:
            raise PageError(400, "Bad request", "a passage of a translation is shown in the parallel view only")
        rendered = render_document(doc, view, link_of, target=target)
        return data, rendered

    def entity_data(eid: str) -> dict[str, Any]:
        ent = queries.entity(store.engine, eid)
        if ent is None:
            raise PageError(404, "Not found", f"No public document names “{eid}”.")
        authority = authority_entry(ent.authority_id)
        if authority and authority.get("en"):
            ent.name_en = authority["en"]
        data = {
            "id": ent.id, "type": ent.type, "type_label": MENTION_TYPES.get(ent.type, ent.type),
            "name": ent.name, "name_en": ent.name_en, "authority_id": ent.authority_id,
            "names": ent.names,
            "variants": [{"text": t, "count": n} for t, n in ent.variants],
            "authority": authority,
            "documents": [dict(d.to_json(), url=doc_url(d.record_id, d.seq),
                               date_display=human_date(d.date, d.date_precision)) for d in ent.documents],
            "per_year": [{"year": y, "documents": n} for y, n in ent.per_year],
            "together": [dict(t, url=entity_url(t["id"])) for t in ent.together],
        }
        filt = {"PER": "person", "ORG": "org", "LOC": "place"}.get(ent.type)
        # the search filters by canonical name; any of the names this entity goes by
        data["search_url"] = with_params([(filt, n) for n in ent.names]) if filt else None
        return data

    # --- routes --------------------------------------------------------------------------

    @app.get("/index.json", tags=["json"], summary="The archive at a glance", response_model=schemas.Home)
    def home_json(request: Request) -> Response:
        return page(request, "home.html", home_data())

    @app.get("/", response_class=HTMLResponse, tags=["pages"], summary="Home page")
    def home(request: Request) -> Response:
        data = home_data()
        return page(request, "home.html", data, chart=year_bars([(d["year"], d["documents"]) for d in data["per_year"]]))

    def search_route(request: Request, q: str | None, sort: str | None, page_no: int,
                     date_from: str | None, date_to: str | None, lists: dict[str, list[str]]) -> Response:
        if sort is not None and sort not in ("relevance", "date", "date_desc"):
            raise PageError(400, "Bad request", "sort must be relevance, date or date_desc")
        filters: dict[str, Any] = {k: v for k, v in lists.items() if v}
        if date_from:
            filters["date_from"] = date_from.strip()
        if date_to:
            filters["date_to"] = date_to.strip()
        data, status = search_data(q, sort, page_no, filters, viewer_of(request).sees_restricted)
        params = [(k, v) for k, v in request.query_params.multi_items() if v != ""]
        return page(request, "search.html", data, status=status, params=params, with_params=with_params,
                    FACET_TITLES=FACET_TITLES, FACET_FILTER=FACET_FILTER, FACET_SHOWN=FACET_SHOWN,
                    DOC_TYPES=DOC_TYPES, CLASSIFICATIONS=CLASSIFICATIONS, LANGUAGES=LANGUAGES)

    search_params = dict(
        q=Query(None, max_length=1000, description='Words in any case form, "phrases", prefix*, OR, NOT, -word.'),
        sort=Query(None, pattern="^(relevance|date|date_desc)$",
                   description="relevance (default with a query), date (default without), or date_desc"),
        page=Query(1, ge=1, le=10000, description="Page of results, from 1."),
        date_from=Query(None, pattern=DATE_PARAM, description="YYYY, YYYY-MM or YYYY-MM-DD"),
        date_to=Query(None, pattern=DATE_PARAM, description="YYYY, YYYY-MM or YYYY-MM-DD"),
        doc_type=Query([], description="Document type; repeat for any of several."),
        classification=Query([]), language=Query([]), collection=Query([]),
        person=Query([], description="Canonical name of a person mentioned."),
        org=Query([], description="Canonical name of an organisation mentioned."),
        place=Query([], description="Canonical name of a place mentioned."),
    )

    def _search_handler(request: Request, q: str | None = search_params["q"],
                        sort: str | None = search_params["sort"], page: int = search_params["page"],
                        date_from: str | None = search_params["date_from"],
                        date_to: str | None = search_params["date_to"],
                        doc_type: list[str] = search_params["doc_type"],
                        classification: list[str] = search_params["classification"],
                        language: list[str] = search_params["language"],
                        collection: list[str] = search_params["collection"],
                        person: list[str] = search_params["person"], org: list[str] = search_params["org"],
                        place: list[str] = search_params["place"]) -> Response:
        lists = {"doc_type": doc_type, "classification": classification, "language": language,
                 "collection": collection, "person": person, "org": org, "place": place}
        return search_route(request, q, sort, page, date_from, date_to, lists)

    app.add_api_route("/search.json", _search_handler, methods=["GET"], tags=["json"],
                      summary="Search results with facets, as JSON", response_model=schemas.SearchResults,
                      responses={400: {"description": "Malformed query or filter", "model": schemas.SearchResults}})
    app.add_api_route("/search", _search_handler, methods=["GET"], tags=["pages"], response_class=HTMLResponse,
                      summary="Search page", responses={400: {"description": "Malformed query or filter"}})

    def document_handler(request: Request, record_id: str, number: int, view: str,
                         at: str | None = None) -> Response:
        data, rendered = document_data(request, record_id, number, view, at)
        views = (*VIEWS, PARALLEL) if data["translations"] else VIEWS
        return page(request, "document.html", data, rendered=rendered, views=views,
                    review=editor_notice(store, request, record_id, number))  # editors: link and access

    def citation_handler(request: Request, record_id: str, number: int, fmt: str) -> Response:
        record = get_record(request, record_id)
        if not 1 <= number <= len(record.documents):
            raise PageError(404, "Document not found", f"Record {record_id} has no document {number}.")
        doc = record.documents[number - 1]
        url = str(request.base_url).rstrip("/") + doc_url(record.id, doc.seq)
        name = f"opis-{record_id}-{number}"
        if fmt == "bib":
            body = citations.bibtex(record, doc, url)
        elif fmt == "ris":
            body = citations.ris(record, doc, url)
        else:
            body = json.dumps([citations.csl_json(record, doc, url)], ensure_ascii=False, indent=2) + "\n"
        media = CITATION_TYPES[fmt] + "; charset=utf-8"
        ext = {"bib": "bib", "ris": "ris", "csl": "csl.json"}[fmt]
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}.{ext}"'})

    view_q = Query(READING, pattern=f"^({'|'.join((*VIEWS, PARALLEL))})$",
                   description="reading (edited text), diplomatic (as transcribed, with marks) or "
                               "parallel (original and translation side by side)")
    at_q = Query(None, pattern="^([a-z]{2}:)?[0-9]{1,9}-[0-9]{1,9}$",
                 description="START-END in the reading text (or LANG:START-END in a translation): "
                             "a passage to mark (search hits link to it)")
    not_found = {404: {"description": "No public document with this id and number", "model": schemas.Error}}

    @app.get("/documents/{record_id}.json", tags=["json"], summary="A record's first document, as JSON",
             responses=not_found, response_model=schemas.DocumentPage)
    def document_first_json(request: Request, record_id: str, view: str = view_q) -> Response:
        return document_handler(request, record_id, 1, view)

    @app.get("/documents/{record_id}/{number:int}.json", tags=["json"], summary="The n-th document of a record, as JSON",
             responses=not_found, response_model=schemas.DocumentPage)
    def document_n_json(request: Request, record_id: str, number: int, view: str = view_q) -> Response:
        return document_handler(request, record_id, number, view)

    for fmt, ext, title in (("bib", "bib", "BibTeX"), ("ris", "ris", "RIS"), ("csl", "csl.json", "CSL-JSON")):
        def make(fmt: str = fmt) -> Callable[..., Response]:
            def handler(request: Request, record_id: str, number: int) -> Response:
                return citation_handler(request, record_id, number, fmt)
            return handler
        app.add_api_route(f"/documents/{{record_id}}/{{number:int}}.{ext}", make(), methods=["GET"],
                          tags=["citations"], summary=f"Citation of a document as {title}",
                          response_class=Response, responses={**not_found, **schemas.download(CITATION_TYPES[fmt])})

    @app.get("/documents/{record_id}/source", tags=["downloads"], summary="The source file as it was ingested",
             response_class=Response,
             responses={**not_found, **schemas.download("text/plain", *dict.fromkeys(t for _, t in _MEDIA),
                                                        "application/octet-stream")})
    def document_source(request: Request, record_id: str) -> Response:
        record = get_record(request, record_id)
        if record.encoding and record.encoding.lower() == "binary":  # a scan or an HTR file
            media_type = source_media_type(record.original)
        else:
            media_type = f"text/plain; charset={record.encoding or 'utf-8'}"
        return Response(record.original, media_type=media_type,
                        headers={"Content-Disposition": f'inline; filename="{record.source_name.split("/")[-1]}"'})

    @app.get("/documents/{record_id}/tei.xml", tags=["downloads"], summary="The record as TEI P5 XML",
             response_class=Response, responses={**not_found, **schemas.download("application/tei+xml")})
    def document_tei(request: Request, record_id: str) -> Response:
        from opis.export.tei import tei_bytes

        record = get_record(request, record_id)
        return Response(tei_bytes(record), media_type="application/tei+xml",
                        headers={"Content-Disposition": f'inline; filename="opis-{record.id}.xml"'})

    @app.get("/documents/{record_id}", response_class=HTMLResponse, tags=["pages"],
             summary="Document page (a record's first document)", responses=not_found)
    def document_first(request: Request, record_id: str, view: str = view_q, at: str | None = at_q) -> Response:
        return document_handler(request, record_id, 1, view, at)

    @app.get("/documents/{record_id}/{number:int}", response_class=HTMLResponse, tags=["pages"],
             summary="Document page (the n-th document of a record, from 1)", responses=not_found)
    def document_n(request: Request, record_id: str, number: int, view: str = view_q,
                   at: str | None = at_q) -> Response:
        return document_handler(request, record_id, number, view, at)

    @app.get("/entities.json", tags=["json"], summary="People, organisations and places, as JSON",
             response_model=schemas.EntityIndex)
    def entities_json(request: Request) -> Response:
        return entities_page(request)

    @app.get("/entities", response_class=HTMLResponse, tags=["pages"], summary="Index of people, organisations, places")
    def entities_page(request: Request) -> Response:
        rows = queries.entity_index(store.engine)
        data = {"entities": [dict(r, url=entity_url(r["id"])) for r in rows]}
        return page(request, "entities.html", data)

    @app.get("/entities/{entity_id}.json", tags=["json"], summary="An entity and its documents, as JSON",
             response_model=schemas.EntityPage,
             responses={404: {"description": "No public document names this entity", "model": schemas.Error}})
    def entity_json(request: Request, entity_id: str) -> Response:
        return page(request, "entity.html", entity_data(entity_id))

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, tags=["pages"], summary="Entity page",
             responses={404: {"description": "No public document names this entity"}})
    def entity_page(request: Request, entity_id: str) -> Response:
        data = entity_data(entity_id)
        return page(request, "entity.html", data,
                    chart=year_bars([(d["year"], d["documents"]) for d in data["per_year"]], height=110))

    @app.get("/fonts/{name}", include_in_schema=False)
    def font(name: str) -> Response:
        if name not in FONTS:
            raise PageError(404, "Not found", "No such font.")
        for folder in FONT_DIRS:
            if (folder / name).is_file():
                return FileResponse(folder / name, media_type="font/ttf",
                                    headers={"Cache-Control": "public, max-age=604800"})
        raise PageError(404, "Not found", "This font is not installed; the pages fall back to local serif fonts.")

    def openapi() -> dict[str, Any]:
        """FastAPI's description, finished by `schemas.finish_openapi` to say what the archive
        really answers (400 not 422, error pages or `Error` JSON, JSON twins, API tokens)."""
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            spec = get_openapi(title=app.title, version=app.version, description=app.description,
                               routes=app.routes)
            app.openapi_schema = schemas.finish_openapi(spec)  # 400s, error pages, twins, tokens
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    try:  # OAI-PMH for harvesters, when that module is present
        from opis.web.oai import oai_router
    except ImportError:
        pass
    else:
        # XML for harvesters, not part of the JSON API (and its GET+POST route shares one operationId)
        app.include_router(oai_router(lambda: store), include_in_schema=False)
    from opis.web.iiif import iiif_router
    from opis.web.review import editor_notice, review_router

    # IIIF manifests and page images for viewers such as Mirador (scans only)
    app.include_router(iiif_router(lambda: store), include_in_schema=False)
    app.include_router(review_router(store, page))  # the editors' pages and forms (opis.web.review)
    app.include_router(api_router(store))  # the editors' JSON API for scripts (opis.web.api)
    app.include_router(sitemap_router(lambda: store), include_in_schema=False)  # public pages only
    return app


_MEDIA = [(b"%PDF", "application/pdf"), (b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"), (b"<?xml", "application/xml"),
          (b"<", "application/xml")]


def has_pages(store: Store, record_id: str) -> bool:
    """Whether a (visible) record has page images to show beside its text."""
    from sqlalchemy import select

    from opis.store.schema import pages

    with store.engine.connect() as conn:
        return conn.execute(select(pages.c.seq).where(pages.c.record_id == record_id).limit(1)).first() is not None


def source_media_type(data: bytes) -> str:
    """The type of a binary source by its first bytes (never sniffed by the browser)."""
    head = data.lstrip()[:8]
    return next((t for magic, t in _MEDIA if head.startswith(magic)), "application/octet-stream")


def authority_entry(authority_id: str | None) -> dict[str, Any] | None:
    """What the authority file says about an entity (life years, variants), when the
    entities stage provides one."""
    if not authority_id:
        return None
    try:
        from opis.entities.authority import lookup  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        entry = lookup(authority_id)
    except KeyError:
        return None
    if entry is None:
        return None
    data = entry if isinstance(entry, dict) else getattr(entry, "to_json", lambda: None)()
    # only what describes the entity; never where the server keeps its files
    return {k: v for k, v in (data or {}).items() if k in AUTHORITY_KEYS} or None
