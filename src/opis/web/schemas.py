"""The shapes of the JSON answers, for the OpenAPI description.

The pages build plain dicts; these models only describe them (and the tests check real
answers against them), so the API documentation cannot drift from what is served.
"""

from __future__ import annotations

from typing import Any, Optional

from pydantic import BaseModel, ConfigDict


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


class Error(BaseModel):
    error: dict[str, Any]
