"""The shapes of the JSON answers, for the OpenAPI description.

The pages build plain dicts; these models only describe them (and the tests check real
answers against them), so the API documentation cannot drift from what is served.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from opis.review.corrections import EDITABLE_FIELDS


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class DocLink(_Open):
    """A document in a list: enough for a link, a title and a date."""

    record_id: str
    seq: int
    title: str
    date: Optional[str] = None
    date_display: Optional[str] = None
    doc_type: Optional[str] = None
    source_name: str
    url: str
    shared: Optional[int] = None


class YearCount(BaseModel):
    year: int
    documents: int


class Collection(BaseModel):
    name: str
    records: int
    documents: int


class Home(BaseModel):
    records: int
    documents: int
    collections: list[Collection]
    per_year: list[YearCount]
    people: list[dict[str, Any]]
    recent: list[DocLink]


class Segment(BaseModel):
    text: str
    match: bool


class Hit(_Open):
    record_id: str
    seq: int
    number: int
    url: str
    passage_url: Optional[str] = None
    title: str
    source_name: str
    date: Optional[str] = None
    date_display: Optional[str] = None
    doc_type: Optional[str] = None
    classification: Optional[str] = None
    language: Optional[str] = None
    collection: Optional[str] = None
    score: float
    snippet: list[Segment]


class FacetValue(_Open):
    value: str
    count: int
    label: str
    active: bool
    label_en: Optional[str] = None


class SearchResults(BaseModel):
    query: Optional[str]
    sort: str
    page: int
    per_page: int
    filters: dict[str, Any]
    error: Optional[str]
    total: int
    pages: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]


class Party(_Open):
    name: str
    name_en: Optional[str] = None
    authority_id: Optional[str] = None
    kind: Optional[str] = None
    entity: Optional[str] = None
    as_written: Optional[str] = None


class DocumentFacts(_Open):
    record_id: str
    seq: int
    number: int
    of: int
    title: dict[str, Optional[str]]
    date: Optional[dict[str, Any]]
    doc_type: Optional[dict[str, Any]]
    classification: Optional[dict[str, Any]]
    language: Optional[dict[str, Any]]
    authors: list[Party]
    signatories: list[Party]
    recipients: list[Party]
    distribution: list[Party]
    registry_numbers: list[str]
    source_name: str
    collection: str
    sha256: str


class EntityRef(_Open):
    id: str
    name: str
    name_en: Optional[str] = None


class DocumentPage(BaseModel):
    document: DocumentFacts
    url: str
    record: dict[str, Any]
    citation: dict[str, Any]
    previous: Optional[DocLink]
    next: Optional[DocLink]
    related: list[DocLink]
    entities: dict[str, list[EntityRef]]
    view: str
    at: Optional[str] = None
    layers: dict[str, Any]
    mentions: list[dict[str, Any]]
    values: list[dict[str, Any]]


class EntityPage(BaseModel):
    id: str
    type: str
    type_label: str
    name: str
    name_en: Optional[str]
    authority_id: Optional[str]
    names: list[str]
    variants: list[dict[str, Any]]
    authority: Optional[dict[str, Any]]
    documents: list[DocLink]
    per_year: list[YearCount]
    together: list[dict[str, Any]]
    search_url: Optional[str]


class EntityIndex(BaseModel):
    entities: list[dict[str, Any]]


class ErrorBody(BaseModel):
    status: int
    title: str
    message: str


class Error(BaseModel):
    """Every error answered as JSON: bad parameters, not found, not signed in, not allowed."""

    error: ErrorBody


# --- the editors' JSON API (opis.web.api) ----------------------------------------------

class QueueEntry(_Open):
    """A record waiting for review: the least certain value the machine extracted first."""

    id: str
    source_name: str
    collection: str
    visibility: str
    embargo_until: Optional[str] = None
    reviewed_at: Optional[str] = None
    reviewed_by: Optional[str] = None
    confidence: float
    documents: int
    weakest_field: Optional[str] = None
    url: str


class ReviewQueue(BaseModel):
    offset: int
    limit: int
    reviewed: bool
    records: list[QueueEntry]


NO_NUL = "^[^\\x00]*$"  # a text without NUL characters, which PostgreSQL cannot store


class CorrectionIn(BaseModel):
    """What a document's field should say. `value` is text (a date as YYYY, YYYY-MM or
    YYYY-MM-DD; names of authors, signatories or recipients one a line), a list of such
    texts, or null to say the field is empty."""

    model_config = ConfigDict(extra="forbid")

    field: Literal[EDITABLE_FIELDS]  # type: ignore[valid-type]
    value: Union[Annotated[str, Field(max_length=2000, pattern=NO_NUL)],
                 Annotated[list[Annotated[str, Field(max_length=500, pattern=NO_NUL)]], Field(max_length=50)], None]


class Correction(BaseModel):
    id: int
    record_id: str
    number: int
    field: str
    old: dict[str, Any]
    new: dict[str, Any]


class HistoryEvent(_Open):
    id: int
    at: str
    actor: str
    action: str
    target: Optional[str] = None
    old: Any = None
    new: Any = None


class History(BaseModel):
    record_id: str
    events: list[HistoryEvent]


# --- the OpenAPI description, finished ---------------------------------------------------

ERROR_REF = {"$ref": "#/components/schemas/Error"}
HTML = {"schema": {"type": "string"}}
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer",
                   "description": "An API token (`opis_…`), made with `opis user token NAME`."},
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "opis_session",
                      "description": "The session of a signed-in browser; its POSTs need the X-CSRF-Token header."},
}
# every public operation: anyone may call it; an editor's credentials also show restricted records
OPTIONAL_SECURITY = [{}, {"bearerAuth": []}, {"sessionCookie": []}]


def _json_schemas(response: dict[str, Any] | None) -> list[dict[str, Any]]:
    schema = ((response or {}).get("content") or {}).get("application/json", {}).get("schema")
    if not schema:
        return []
    return list(schema["anyOf"]) if set(schema) == {"anyOf"} else [schema]


def _no_nul(schema: dict[str, Any]) -> None:
    """Parameters are refused (400) when they hold a NUL character: say so in their schema."""
    for option in schema.get("anyOf", [schema]):
        target = option.get("items", option) if option.get("type") == "array" else option
        if target.get("type") == "string" and "pattern" not in target:
            target["pattern"] = NO_NUL


def finish_openapi(spec: dict[str, Any]) -> dict[str, Any]:
    """Make FastAPI's description say what the archive really answers:
    - bad parameters are 400 (an error page, or `Error` as JSON), not FastAPI's 422;
    - a page (no `.json`) answers errors as HTML, or as JSON to `Accept: application/json`,
      and answers that Accept with its JSON twin (`/` ↔ `/index.json`, `/x` ↔ `/x.json`);
    - `.json` paths and /api answer only JSON;
    - any request may carry an API token or a session; a token that is not valid gets 401;
    - no parameter may hold a NUL character (400)."""
    components = spec.setdefault("components", {})
    found = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        found.pop(unused, None)
    error = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in error.pop("$defs", {}).items():
        found.setdefault(name, definition)
    found.setdefault("Error", error)
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    paths = spec.get("paths", {})
    for path, operations in paths.items():
        for op in operations.values():
            for parameter in op.get("parameters", []):
                _no_nul(parameter.get("schema", {}))
        json_only = path.endswith(".json") or path.startswith("/api/")
        twin = None if json_only else paths.get("/index.json" if path == "/" else path + ".json", {}).get("get")
        for method, op in operations.items():
            responses = op.setdefault("responses", {})
            if responses.pop("422", None) is not None:
                responses.setdefault("400", {"description": "Bad parameters"})
            op.setdefault("security", OPTIONAL_SECURITY)
            responses.setdefault("401", {"description": "The API token sent is not valid"})
            if twin is not None and method == "get" and "text/html" in responses.get("200", {}).get("content", {}):
                twin_json = twin["responses"]["200"]["content"]["application/json"]
                responses["200"]["content"]["application/json"] = twin_json
            for code, response in responses.items():
                if not code.startswith(("4", "5")):
                    continue
                shapes: list[dict[str, Any]] = []
                for shape in [*_json_schemas(response),
                              *_json_schemas((twin or {}).get("responses", {}).get(code)), ERROR_REF]:
                    if shape not in shapes:
                        shapes.append(shape)
                content: dict[str, Any] = {"application/json": {"schema": shapes[0] if len(shapes) == 1
                                                                else {"anyOf": shapes}}}
                if not json_only and code != "401":  # a bad token is refused as JSON before any page
                    content = {"text/html": HTML, **content}
                response["content"] = content
    return spec


def download(*media_types: str) -> dict[int, dict[str, Any]]:
    """The 200 answer of a download route: a file in one of these types."""
    return {200: {"description": "The file", "content": {
        t: {"schema": _file_schema(t)} for t in media_types}}}


def _file_schema(media_type: str) -> dict[str, Any]:
    if media_type.endswith("+json"):  # CSL-JSON: a list of citation items
        return {"type": "array", "items": {"type": "object"}}
    if media_type.startswith("text/") or media_type.endswith(("xml", "bibtex", "info-systems")):
        return {"type": "string"}
    return {"type": "string", "format": "binary"}
