"""SQLite FTS5 backend: a contentless FTS5 table over `paragraphs`, kept in step by
triggers, ranked with bm25.

Index terms are already normalised (letters, digits, inner hyphens), so the tokenizer
only has to keep them whole: unicode61 without diacritic removal (й, ё stay intact) and
with '-' as a token character.

The FTS rowid of a paragraph is `document_id << 20 | seq` (a document may have up to 2^20
paragraphs), so a match names its document without a lookup: at a million paragraphs,
looking each matched paragraph up in `paragraphs` cost more than ranking it. The table is
contentless (the terms live in `paragraphs`); triggers give it the old values on delete.

Databases made before this layout have an external-content table keyed by paragraph id;
`prepare` notices that and the queries then look documents up through `paragraphs`, until
`rebuild` (for a migration) replaces the table.

A second contentless table holds one row per DOCUMENT (rowid = document id) with the terms
of all its paragraphs, every layer, so a query of words without phrases is one FTS5 MATCH
(`AND`/`OR`/`NOT` evaluated by FTS5) and bm25 is computed once per matching document, not
once per matching paragraph. A row is written whole, so it cannot follow paragraph
inserts one at a time; instead:

* triggers on `paragraphs` delete a document's row (with the values it was built from:
  the document's paragraphs as they stood) before any of its paragraphs change, and put
  the document into `STALE`;
* `sync`, which the store calls at the end of every save, writes the rows of the stale
  documents from their paragraphs and empties `STALE`;
* `prepare` uses the table only when no stale document has paragraphs (a document whose
  paragraphs were all deleted has no row, which is right), so a writer that does not call
  `sync` makes searches slower until the next save, never wrong.

A document's row sits at rowid = document id when its record is `open_to_readers` (the
part of the reader rule that does not change with the day: public, not deleted, not in a
restricted collection), and at document id + `CLOSED` otherwise. A reader's query then
asks FTS5 for rowids below `CLOSED`, which it answers without ever visiting a closed row,
so the engine only has to remove the few documents under embargo instead of testing every
match against every hidden record. Triggers on `records` and `collections` move the rows
of the documents whose access changes, in the same statement; the rule itself is the
policy's (`opis.access.policy.open_to_readers`), compiled into that SQL. bm25's document
counts span both ranges, so scores are the same for a reader and an editor.

Both tables' names start with `paragraph_fts`, which the schema comparison of migrations
leaves to this module.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import Float, Integer, Select, bindparam, literal_column, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from opis.search.query import Plan, PlanOr, PlanTerm
from opis.store.schema import documents, records

TABLE = "paragraph_fts"
DOC_TABLE = "paragraph_fts_documents"  # one row per document (see above)
STALE = "paragraph_fts_stale"  # documents whose row is missing until `sync`
SEQ_BITS = 20
CLOSED = 1 << 48  # added to the rowid of a document readers may not see (see above)
# bm25 weights per column: a lemma hit counts most, a surface prefix or transliteration less
WEIGHTS = (1.0, 0.5, 0.3)

_KEY = f"((%s.document_id << {SEQ_BITS}) + %s.seq)"
_NEW, _OLD = _KEY % ("new", "new"), _KEY % ("old", "old")
_TRIGGERS = ("paragraphs_fts_insert", "paragraphs_fts_delete", "paragraphs_fts_update")
_DDL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        lemmas, forms, translit, content='',
        tokenize="unicode61 remove_diacritics 0 tokenchars '-'")""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_fts_insert AFTER INSERT ON paragraphs BEGIN
        INSERT INTO {TABLE}(rowid, lemmas, forms, translit)
        VALUES ({_NEW}, new.lemmas, new.forms, new.translit);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_fts_delete AFTER DELETE ON paragraphs BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, lemmas, forms, translit)
        VALUES ('delete', {_OLD}, old.lemmas, old.forms, old.translit);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_fts_update AFTER UPDATE ON paragraphs BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, lemmas, forms, translit)
        VALUES ('delete', {_OLD}, old.lemmas, old.forms, old.translit);
        INSERT INTO {TABLE}(rowid, lemmas, forms, translit)
        VALUES ({_NEW}, new.lemmas, new.forms, new.translit);
    END""",
]


@lru_cache(maxsize=None)
def _key_sql(document_id: str) -> str:
    """The rowid a document's row belongs at now: its id, plus `CLOSED` unless its record
    is open to readers (the policy's rule, compiled here to SQLite text)."""
    from sqlalchemy import exists, literal_column
    from sqlalchemy.dialects import sqlite

    from opis.access.policy import open_to_readers

    is_open = exists().where(documents.c.id == literal_column(document_id), records.c.id == documents.c.record_id,
                             open_to_readers())
    rule = str(is_open.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    return f"({document_id} + CASE WHEN {rule} THEN 0 ELSE {CLOSED} END)"


def _row_of(document_id: str) -> str:
    """The rowid of a document's row if it has one (at most one of the two exists)."""
    return f"SELECT id FROM {DOC_TABLE}_docsize WHERE id IN ({document_id}, {document_id} + {CLOSED})"


def _concat(document_id: str, skip: str | None = None) -> str:
    """SELECT 'delete', its rowid, and the document's terms as its row holds them
    (paragraphs in order, optionally without one) when it has a row at all; nothing
    otherwise."""
    # the EXISTS does not depend on the rows, so SQLite tests it once, before reading any
    where = (f"EXISTS ({_row_of(document_id)}) AND document_id = {document_id}"
             + (f" AND id != {skip}" if skip else ""))
    return (
        f"SELECT 'delete', ({_row_of(document_id)}), group_concat(lemmas, ' '), group_concat(forms, ' '), "
        f"group_concat(translit, ' ') FROM (SELECT document_id, lemmas, forms, translit FROM paragraphs "
        f"WHERE {where} ORDER BY seq) GROUP BY document_id"
    )


def _unindex(document_id: str, skip: str | None = None) -> str:
    return (
        f"INSERT INTO {DOC_TABLE}({DOC_TABLE}, rowid, lemmas, forms, translit) {_concat(document_id, skip)};\n"
        f"        INSERT OR IGNORE INTO {STALE}(document_id) VALUES ({document_id});"
    )


def _move(of_documents: str) -> str:
    """Trigger body: put the rows of these documents where their access now says. A row
    is deleted from where it is (found through the docsize table) and written again at
    `_key_sql`; a document whose row is missing for `sync` (in `STALE`) is left to it."""
    terms = ("group_concat(lemmas, ' '), group_concat(forms, ' '), group_concat(translit, ' ') FROM "
             "(SELECT p.document_id, p.lemmas, p.forms, p.translit{} FROM paragraphs AS p {} "
             f"WHERE p.document_id IN ({of_documents}) {{}} ORDER BY p.document_id, p.seq) AS g GROUP BY g.document_id")
    unindex = terms.format(", s.id AS old_key", f"JOIN {DOC_TABLE}_docsize AS s ON s.id IN "
                           f"(p.document_id, p.document_id + {CLOSED})", "")
    index = terms.format("", "", f"AND p.document_id NOT IN (SELECT document_id FROM {STALE})")
    return (f"INSERT INTO {DOC_TABLE}({DOC_TABLE}, rowid, lemmas, forms, translit) "
            f"SELECT 'delete', min(old_key), {unindex};\n"
            f"            INSERT INTO {DOC_TABLE}(rowid, lemmas, forms, translit) "
            f"SELECT {_key_sql('g.document_id')}, {index};")


_OF_RECORD = "SELECT id FROM documents WHERE record_id = {}"
_OF_COLLECTION = "SELECT d.id FROM documents AS d JOIN records AS r ON r.id = d.record_id WHERE r.collection = {}"
_GATE_TRIGGERS = ("records_docfts_access", "collections_docfts_insert", "collections_docfts_delete",
                  "collections_docfts_update")


def _gate_ddl() -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS records_docfts_access
            AFTER UPDATE OF visibility, deleted_at, collection ON records
            WHEN old.visibility IS NOT new.visibility OR (old.deleted_at IS NULL) != (new.deleted_at IS NULL)
              OR old.collection IS NOT new.collection BEGIN
            {_move(_OF_RECORD.format("new.id"))}
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS collections_docfts_insert AFTER INSERT ON collections BEGIN
            {_move(_OF_COLLECTION.format("new.name"))}
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS collections_docfts_delete AFTER DELETE ON collections BEGIN
            {_move(_OF_COLLECTION.format("old.name"))}
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS collections_docfts_update
            AFTER UPDATE OF name, visibility ON collections
            WHEN old.name IS NOT new.name OR old.visibility IS NOT new.visibility BEGIN
            {_move(_OF_COLLECTION.format("old.name"))}
            {_move(_OF_COLLECTION.format("new.name"))}
        END""",
    ]


_DOC_TRIGGERS = ("paragraphs_docfts_insert", "paragraphs_docfts_delete", "paragraphs_docfts_update")
_DOC_DDL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {DOC_TABLE} USING fts5(
        lemmas, forms, translit, content='',
        tokenize="unicode61 remove_diacritics 0 tokenchars '-'")""",
    f"CREATE TABLE IF NOT EXISTS {STALE} (document_id INTEGER PRIMARY KEY)",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_docfts_insert AFTER INSERT ON paragraphs BEGIN
        {_unindex("new.document_id", skip="new.id")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_docfts_delete BEFORE DELETE ON paragraphs BEGIN
        {_unindex("old.document_id")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_docfts_update
        BEFORE UPDATE OF document_id, lemmas, forms, translit ON paragraphs BEGIN
        {_unindex("old.document_id")}
        {_unindex("new.document_id")}
    END""",
]


def match_expression(plan: Plan) -> str:
    """The FTS5 MATCH string for a plan. Terms hold only letters, digits and hyphens, so
    double-quoting them is safe and keeps FTS5 operators out of user text."""
    if isinstance(plan, PlanTerm):
        parts = [f'{m.column} : "{m.text}"' + ("*" if m.prefix else "") for m in plan.matches]
        return "(" + " OR ".join(parts) + ")"
    if isinstance(plan, PlanOr):
        return "(" + " OR ".join(match_expression(c) for c in plan.children) + ")"
    out = "(" + " AND ".join(match_expression(c) for c in plan.include) + ")"
    for c in plan.exclude:  # FTS5's NOT is binary: ((a AND b) NOT c) NOT d
        out = f"({out} NOT {match_expression(c)})"
    return out


def _tables(conn: Connection) -> dict[str, str]:
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?, 'collections')",
        (TABLE, DOC_TABLE, STALE),
    )
    return {name: sql or "" for name, sql in rows}


def _contentless(conn: Connection) -> bool:
    sql = _tables(conn).get(TABLE, "")
    return re.search(r"content\s*=\s*''", sql) is not None


class SqliteFts:
    name = "sqlite-fts5"

    def __init__(self) -> None:
        self.keyed_by_document = True  # the layout above; see `prepare`
        self.documents_ready = True  # the per-document table is complete; see `prepare`

    def install(self, conn: Connection) -> None:
        """Create the tables and triggers if missing. A per-document table made here for a
        database that already has paragraphs starts empty with every document stale, and
        is filled by the next `sync` (the migration that adds it calls one)."""
        tables = _tables(conn)
        new = DOC_TABLE not in tables
        # a migration older than the access columns (0006) installs without the gate;
        # 0008 rebuilds the rows with it
        for ddl in _DDL + _DOC_DDL + (_gate_ddl() if "collections" in tables else []):
            conn.exec_driver_sql(ddl)
        if new:
            conn.exec_driver_sql(f"INSERT OR IGNORE INTO {STALE}(document_id) SELECT DISTINCT document_id FROM paragraphs")

    def sync(self, conn: Connection) -> None:
        """Write the rows of the stale documents from their paragraphs (in the caller's
        transaction; the store calls this at the end of every save)."""
        if conn.exec_driver_sql(f"SELECT 1 FROM {STALE} LIMIT 1").first() is None:
            return
        key = _key_sql("g.document_id") if "collections" in _tables(conn) else "g.document_id"
        conn.exec_driver_sql(
            f"INSERT INTO {DOC_TABLE}(rowid, lemmas, forms, translit) "
            f"SELECT {key}, group_concat(lemmas, ' '), group_concat(forms, ' '), "
            f"group_concat(translit, ' ') "
            f"FROM (SELECT document_id, lemmas, forms, translit FROM paragraphs "
            f"WHERE document_id IN (SELECT document_id FROM {STALE}) ORDER BY document_id, seq) AS g "
            f"GROUP BY g.document_id"
        )
        conn.exec_driver_sql(f"DELETE FROM {STALE}")

    def drop_documents(self, conn: Connection) -> None:
        """Remove the per-document table, its triggers and `STALE` (a downgrade)."""
        for trigger in _DOC_TRIGGERS + _GATE_TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {DOC_TABLE}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STALE}")

    def rebuild(self, conn: Connection) -> None:
        """Replace the full-text table and triggers by the current layout and index every
        paragraph again (for a migration from an older layout)."""
        for trigger in _TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_paragraphs_id_document")  # an earlier aid
        self.drop_documents(conn)
        self.install(conn)
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE}(rowid, lemmas, forms, translit) "
            f"SELECT {_KEY % ('paragraphs', 'paragraphs')}, lemmas, forms, translit FROM paragraphs"
        )
        self.sync(conn)
        self.keyed_by_document = self.documents_ready = True

    def prepare(self, conn: Connection) -> None:
        """Notice a database whose full-text table predates the document-keyed layout, and
        whether the per-document table can answer (it exists and no stale document has
        paragraphs)."""
        tables = _tables(conn)
        self.keyed_by_document = re.search(r"content\s*=\s*''", tables.get(TABLE, "")) is not None
        self.documents_ready = DOC_TABLE in tables and STALE in tables and conn.exec_driver_sql(
            f"SELECT 1 FROM {STALE} AS s WHERE EXISTS "
            f"(SELECT 1 FROM paragraphs AS p WHERE p.document_id = s.document_id) LIMIT 1"
        ).first() is None

    def documents(self, plan: Plan, ranked: bool = True, open_only: bool = False) -> Subquery | None:
        """`document_id` and `score` (bm25 over the document's row; 0 unless `ranked`) of
        every document the plan selects, AND/OR/NOT evaluated by FTS5, with `open_only`
        only those whose records are `open_to_readers` (the rows below `CLOSED`); None
        while the per-document table cannot answer (see `prepare`)."""
        if not self.documents_ready:
            return None
        weights = ", ".join(str(w) for w in WEIGHTS)
        score = literal_column(f"-bm25({DOC_TABLE}, {weights})" if ranked else "0.0", Float)
        rowid = f"{DOC_TABLE}.rowid"
        stmt = (
            select(literal_column(rowid if open_only else f"({rowid} % {CLOSED})", Integer).label("document_id"),
                   score.label("score"))
            .select_from(text(DOC_TABLE))
            .where(literal_column(DOC_TABLE).op("MATCH")(bindparam("fts_query", match_expression(plan), unique=True)))
        )
        if open_only:  # FTS5 takes the rowid bound itself and never visits a closed row
            stmt = stmt.where(literal_column(rowid, Integer) < CLOSED)
        return (stmt.limit(-1) if ranked else stmt).subquery()  # LIMIT -1: see `candidates`

    def candidates(self, plan: Plan, within: Select | None = None) -> Subquery:
        weights = ", ".join(str(w) for w in WEIGHTS)
        score = literal_column(f"-bm25({TABLE}, {weights})", Float).label("score")
        if self.keyed_by_document:
            doc = literal_column(f"({TABLE}.rowid >> {SEQ_BITS})", Integer)
            seq = literal_column(f"({TABLE}.rowid & {(1 << SEQ_BITS) - 1})", Integer)
            source = text(TABLE)
        else:  # older layout: rowid is the paragraph id; look the document up
            doc, seq = literal_column("p.document_id", Integer), literal_column("p.seq", Integer)
            source = text(f"{TABLE} CROSS JOIN paragraphs AS p ON p.id = {TABLE}.rowid")
        stmt = (
            select(doc.label("document_id"), seq.label("seq"), score)
            .select_from(source)
            .where(literal_column(TABLE).op("MATCH")(bindparam("fts_query", match_expression(plan), unique=True)))
        )
        if within is not None:  # dropped before bm25() is computed for them
            stmt = stmt.where(doc.in_(within))
        # LIMIT -1 keeps SQLite from flattening this into a grouping query, where bm25()
        # would be called after the full-text cursor has moved on (an error)
        return stmt.limit(-1).subquery()

    def estimate(self, conn: Connection, plan: Plan, cap: int) -> int:
        """How many paragraphs the plan selects, counted up to `cap` (cheap: no ranking)."""
        return conn.execute(
            text(f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :q LIMIT :cap)"),
            {"q": match_expression(plan), "cap": cap},
        ).scalar_one()

    def integrity_check(self, conn: Connection) -> None:
        """Raise if the FTS index is damaged or its rows disagree with `paragraphs` (used
        by tests and doctor commands)."""
        conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('integrity-check')")
        tables = _tables(conn)
        if DOC_TABLE in tables:
            conn.exec_driver_sql(f"INSERT INTO {DOC_TABLE}({DOC_TABLE}) VALUES ('integrity-check')")
            # a row for every document with paragraphs that is not stale, and for no other,
            # at the rowid its record's access says
            indexed = f"SELECT id FROM {DOC_TABLE}_docsize"
            due = (f"SELECT {_key_sql('g.document_id')} FROM (SELECT DISTINCT document_id FROM paragraphs "
                   f"WHERE document_id NOT IN (SELECT document_id FROM {STALE})) AS g")
            self._correspond(conn, due, indexed, DOC_TABLE)
            stale_rows = conn.exec_driver_sql(
                f"SELECT count(*) FROM {STALE} WHERE document_id IN (SELECT id % {CLOSED} FROM {DOC_TABLE}_docsize)"
            ).scalar()
            if stale_rows:
                raise RuntimeError(f"{stale_rows} stale documents still have rows in {DOC_TABLE}")
        if not _contentless(conn):
            return  # an external-content table: the check above compared it with its rows
        key = _KEY % ("paragraphs", "paragraphs")
        self._correspond(conn, f"SELECT {key} FROM paragraphs", f"SELECT rowid FROM {TABLE}", TABLE)

    @staticmethod
    def _correspond(conn: Connection, a: str, b: str, table: str) -> None:
        for x, y in ((a, b), (b, a)):
            stray = conn.exec_driver_sql(f"SELECT count(*) FROM ({x} EXCEPT {y})").scalar()
            if stray:
                raise RuntimeError(f"{stray} rows of {table} and paragraphs do not correspond")
