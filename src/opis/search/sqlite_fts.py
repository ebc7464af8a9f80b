"""SQLite FTS5 backend: an external-content FTS5 table over `paragraphs`, kept in step by
triggers, ranked with bm25.

Index terms are already normalised (letters, digits, inner hyphens), so the tokenizer
only has to keep them whole: unicode61 without diacritic removal (й, ё stay intact) and
with '-' as a token character.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from opis.search.query import Plan, PlanAnd, PlanOr, PlanTerm

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
]


def match_expression(plan: Plan) -> str:
    """The FTS5 MATCH string for a plan. Terms hold only letters, digits and hyphens, so
    double-quoting them is safe and keeps FTS5 operators out of user text."""
    if isinstance(plan, PlanTerm):
        parts = [f'{m.column} : "{m.text}"' + ("*" if m.prefix else "") for m in plan.matches]
        return "(" + " OR ".join(parts) + ")"
    if isinstance(plan, PlanOr):
        return "(" + " OR ".join(match_expression(c) for c in plan.children) + ")"
    expr = "(" + " AND ".join(match_expression(c) for c in plan.include) + ")"
    for ex in plan.exclude:
        expr = f"({expr} NOT {match_expression(ex)})"
    return expr


class SqliteFts:
    name = "sqlite-fts5"

    def install(self, conn: Connection) -> None:
        for ddl in _DDL:
            conn.exec_driver_sql(ddl)

    def candidates(self, plan: Plan) -> Subquery:
        weights = ", ".join(str(w) for w in WEIGHTS)
        stmt = text(
            f"SELECT rowid AS paragraph_id, -bm25({TABLE}, {weights}) AS score "
            f"FROM {TABLE} WHERE {TABLE} MATCH :fts_query"
        ).bindparams(fts_query=match_expression(plan))
        return stmt.columns(paragraph_id=Integer, score=Float).subquery("fts")

    def integrity_check(self, conn: Connection) -> None:
        """Raise if the FTS index disagrees with `paragraphs` (used by tests and doctor
        commands)."""
        conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('integrity-check')")
