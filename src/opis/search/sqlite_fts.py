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
"""

from __future__ import annotations

import re

from sqlalchemy import Float, Integer, Select, bindparam, literal_column, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from opis.search.query import Plan, PlanOr, PlanTerm

TABLE = "paragraph_fts"
SEQ_BITS = 20
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


def match_expression(plan: Plan) -> str:
    """The FTS5 MATCH string for a plan. Terms hold only letters, digits and hyphens, so
    double-quoting them is safe and keeps FTS5 operators out of user text."""
    if isinstance(plan, PlanTerm):
        parts = [f'{m.column} : "{m.text}"' + ("*" if m.prefix else "") for m in plan.matches]
        return "(" + " OR ".join(parts) + ")"
    if isinstance(plan, PlanOr):
        return "(" + " OR ".join(match_expression(c) for c in plan.children) + ")"
    return "(" + " AND ".join(match_expression(c) for c in plan.include) + ")"


def _contentless(conn: Connection) -> bool:
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).scalar()
    return bool(sql) and re.search(r"content\s*=\s*''", sql) is not None


class SqliteFts:
    name = "sqlite-fts5"

    def __init__(self) -> None:
        self.keyed_by_document = True  # the layout above; see `prepare`

    def install(self, conn: Connection) -> None:
        for ddl in _DDL:
            conn.exec_driver_sql(ddl)

    def rebuild(self, conn: Connection) -> None:
        """Replace the full-text table and triggers by the current layout and index every
        paragraph again (for a migration from an older layout)."""
        for trigger in _TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_paragraphs_id_document")  # an earlier aid
        self.install(conn)
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE}(rowid, lemmas, forms, translit) "
            f"SELECT {_KEY % ('paragraphs', 'paragraphs')}, lemmas, forms, translit FROM paragraphs"
        )
        self.keyed_by_document = True

    def prepare(self, conn: Connection) -> None:
        """Notice a database whose full-text table predates the document-keyed layout."""
        self.keyed_by_document = _contentless(conn)

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
        if not _contentless(conn):
            return  # an external-content table: the check above compared it with its rows
        key = _KEY % ("paragraphs", "paragraphs")
        for a, b in ((f"SELECT {key} FROM paragraphs", f"SELECT rowid FROM {TABLE}"),
                     (f"SELECT rowid FROM {TABLE}", f"SELECT {key} FROM paragraphs")):
            stray = conn.exec_driver_sql(f"SELECT count(*) FROM ({a} EXCEPT {b})").scalar()
            if stray:
                raise RuntimeError(f"{stray} rows of {TABLE} and paragraphs do not correspond")
