"""What a full-text backend must provide, and how the right one is chosen.

All database-specific full-text SQL lives in one module per backend. A backend gets the
plan of one word or phrase (`leaf_plan` in `opis.search.query`) and returns a selectable
of the paragraphs that may hold it; the engine combines those per document, joins the
portable tables for visibility, filters and sorting, and checks phrases itself, so the
backends only have to agree on which paragraphs hold which terms.

A backend may also answer a whole query of words (no phrases) per DOCUMENT (`documents`),
which the engine then prefers; both do, from a table with one row per document kept by
triggers and `sync` (SQLite: FTS5 with bm25; PostgreSQL since migration 0009: a GIN-indexed
tsvector and a ts_rank over the document's lemmas, see `opis.search.postgres_fts`). Scores
are comparable only within one backend: the hits and totals agree, the order of documents
with different scores may not.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.engine import Connection
from sqlalchemy import Select
from sqlalchemy.sql import Subquery

from opis.search.query import Plan


class SearchBackend(Protocol):
    name: str

    def install(self, conn: Connection) -> None:
        """Create the full-text structures over `paragraphs` if missing, so that every
        insert/delete of a paragraph row keeps them in step (triggers, generated
        columns)."""

    def sync(self, conn: Connection) -> None:
        """Finish what the triggers left for after a write (the store calls it at the end
        of every save, in its transaction); a writer that does not call it may make
        searches slower until the next save, never wrong."""

    def prepare(self, conn: Connection) -> None:
        """Look at the database before building queries for it (e.g. which layout of the
        full-text structures it has); called once per search."""

    def candidates(self, plan: Plan, within: Select | None = None) -> Subquery:
        """A subquery with columns `document_id`, `seq` (the paragraph in its document)
        and `score` (higher is better) for every paragraph the plan selects; with `within` (a SELECT of document
        ids), only for paragraphs of those documents, ranked only once they pass."""

    def documents(self, plan: Plan, ranked: bool = True, open_only: bool = False) -> Subquery | None:
        """A subquery with columns `document_id` and `score` (higher is better; any
        constant unless `ranked`) of every document that the plan (`tree_plan`: AND/OR/NOT
        of words over all of a document's paragraphs) selects, or None when the backend
        cannot answer per document (then the engine combines `candidates`). With
        `open_only`, only documents of records `open_to_readers` (the part of the reader
        rule that does not change with the day; the engine removes embargoes itself)."""

    def estimate(self, conn: Connection, plan: Plan, cap: int) -> int:
        """How many paragraphs the plan selects, counted up to `cap`, cheaply (no
        ranking): lets the engine start an AND with its rarest word."""

    def integrity_check(self, conn: Connection) -> None:
        """Raise if the full-text structures disagree with `paragraphs`."""


def backend_for(dialect: str) -> SearchBackend:
    if dialect == "sqlite":
        from opis.search.sqlite_fts import SqliteFts

        return SqliteFts()
    if dialect == "postgresql":
        from opis.search.postgres_fts import PostgresFts

        return PostgresFts()
    raise ValueError(f"no full-text backend for database '{dialect}' (use sqlite or postgresql)")
