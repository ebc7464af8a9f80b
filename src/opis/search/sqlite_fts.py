"""SQLite FTS5 backend: an external-content FTS5 table over `paragraphs`, kept in step by
triggers, ranked with bm25.

Index terms are already normalised (letters, digits, inner hyphens), so the tokenizer
only has to keep them whole: unicode61 without diacritic removal (й, ё stay intact) and
with '-' as a token character.

Candidates come with their document id. The lookup rowid -> document_id goes through a
small covering index on `paragraphs(id, document_id)` (the planner picks it by itself;
without it the query still works, reading the table) rather than the table, whose rows
carry the text and three term lists: at a million paragraphs that is the difference
between reading a few megabytes and reading most of the file.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from opis.search.query import Plan, PlanOr, PlanTerm

TABLE = "paragraph_fts"
# bm25 weights per column: a lemma hit counts most, a surface prefix or transliteration less
WEIGHTS = (1.0, 0.5, 0.3)

_DDL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        lemmas, forms, translit,
        content='paragraphs', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '-'")""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_fts_insert AFTER INSERT ON paragraphs BEGIN
        INSERT INTO {TABLE}(rowid, lemmas, forms, translit)
        VALUES (new.id, new.lemmas, new.forms, new.translit);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_fts_delete AFTER DELETE ON paragraphs BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, lemmas, forms, translit)
        VALUES ('delete', old.id, old.lemmas, old.forms, old.translit);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS paragraphs_fts_update AFTER UPDATE ON paragraphs BEGIN
        INSERT INTO {TABLE}({TABLE}, rowid, lemmas, forms, translit)
        VALUES ('delete', old.id, old.lemmas, old.forms, old.translit);
        INSERT INTO {TABLE}(rowid, lemmas, forms, translit)
        VALUES (new.id, new.lemmas, new.forms, new.translit);
    END""",
    "CREATE INDEX IF NOT EXISTS ix_paragraphs_id_document ON paragraphs(id, document_id)",
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


class SqliteFts:
    name = "sqlite-fts5"

    def install(self, conn: Connection) -> None:
        for ddl in _DDL:
            conn.exec_driver_sql(ddl)

    def candidates(self, plan: Plan) -> Subquery:
        weights = ", ".join(str(w) for w in WEIGHTS)
        # scan the match, look each paragraph's document up; LIMIT -1 keeps SQLite from
        # flattening this into a grouping query, where bm25() would be called after the
        # full-text cursor has moved on (an error)
        sql = (
            f"SELECT p.id AS paragraph_id, p.document_id AS document_id, "
            f"-bm25({TABLE}, {weights}) AS score "
            f"FROM {TABLE} CROSS JOIN paragraphs AS p ON p.id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH :fts_query LIMIT -1"
        )
        stmt = text(sql).bindparams(bindparam("fts_query", match_expression(plan), unique=True))
        return stmt.columns(paragraph_id=Integer, document_id=Integer, score=Float).subquery()

    def integrity_check(self, conn: Connection) -> None:
        """Raise if the FTS index disagrees with `paragraphs` (used by tests and doctor
        commands)."""
        conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('integrity-check')")
