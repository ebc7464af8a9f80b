"""PostgreSQL backend: tsvector columns generated from the term lists, GIN indexes, ts_rank;
and a table with one row per DOCUMENT for queries of words.

The tsvectors are built with `array_to_tsvector(string_to_array(col, ' '))` rather than
`to_tsvector('simple', col)`: our terms are already normalised, and the text-search
parser would split hyphenated terms into extra lexemes that SQLite FTS5 does not have.
Queries are typed tsquery literals, which the parser does not touch either, so both
backends index and look up exactly the same terms.

Per document (`DOC_TABLE`, migration 0009), as SQLite has (see `opis.search.sqlite_fts`),
so that a query of words without phrases is one GIN lookup and the engine's per-document
path (exact totals, a bounded sort for the page) is used:

* `terms`: every term of every paragraph of the document, each prefixed by a letter for
  its column (`l` lemmas, `f` forms, `t` transliterations: `lобмен`, `fобмена`), with no
  positions, GIN-indexed. The whole query tree (AND/OR/NOT) becomes one tsquery over it
  (`lобмен & lнаправить`, `('lмаленков' | 'fмаленков':*) & !'lпротокол'`); with no
  weights or phrases in the tsquery, GIN's answer is exact and the vector itself is never
  read. It is kept out of the row, uncompressed: only the index needs it. Its statistics
  target is 0, so the planner never prefers a sequential scan, which would have to read
  every document's vector (~7 kB) to test `@@` (0.4 s for "дать" at a million paragraphs).
* `rank` and `lemma_count`: the document's lemmas, a lemma seen more than once with its
  number of occurrences (capped at `TF_CAP`) as positions, and the sum of those capped
  counts. `rank` stays inside the row uncompressed (`toast_tuple_target`; ~2 kB), since
  decompressing it per match cost more than ranking. The score of a document is
  `ts_rank(rank, the query's lemmas ORed) / ln(lemma_count + 2)`: each lemma of the query
  that the document holds counts with a weight rising with its frequency and saturating
  (1, 1.25, 1.36, 1.42 for 1-4 occurrences), the sum divided by the log of the
  document's length, so short documents about the words rank first. Surface-form and
  transliteration matches select a document but add nothing to its score; equal scores
  are ordered by date and id by the engine. Reading `terms` per match for a `ts_rank`
  over every column (the obvious design) cost 5.5 µs a document, 0.3 s for 52,000.
* `open`: whether the document's record is `open_to_readers` (the policy's rule
  compiled into the triggers' SQL), so a reader's query only tests a column of the row
  and the engine removes embargoed documents itself.

Kept in step like SQLite's table: statement triggers on `paragraphs` delete the rows of
the documents whose paragraphs change and put them in `STALE`; `sync` (the store calls it
at the end of every save) writes their rows again; `prepare` uses the table only when no
stale document has paragraphs, so a writer that skips `sync` makes searches slower, never
wrong. Triggers on `records` and `collections` recompute `open` for the documents whose
access changes, in the same statement. Both tables' names start with `paragraph_fts`,
which the schema comparison of migrations leaves to this module.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from sqlalchemy import ColumnElement, Float, Select, and_, cast, column, func, literal, literal_column, or_, select, table
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from opis.search.query import Match, Plan, PlanOr, PlanTerm

COLUMNS = ("lemmas", "forms", "translit")
WEIGHTS = {"lemmas": 1.0, "forms": 0.5, "translit": 0.3}
DOC_TABLE = "paragraph_fts_documents"  # one row per document (see above)
STALE = "paragraph_fts_stale"  # documents whose row is missing until `sync`
TAGS = {"lemmas": "l", "forms": "f", "translit": "t"}  # a term's column, as the first letter of its lexeme
TF_CAP = 4  # occurrences of a lemma counted in `rank`
TOAST_TARGET = 4096  # bytes of a row beyond which its values move out or are compressed

_paragraphs = table(
    "paragraphs",
    column("id"),
    column("document_id"),
    column("seq"),
    *(column(f"{c}_tsv", TSVECTOR) for c in COLUMNS),
)
_docs = table(DOC_TABLE, column("document_id"), column("open"), column("terms", TSVECTOR),
              column("rank", TSVECTOR), column("lemma_count"))


def _ddl() -> list[str]:
    out = []
    for c in COLUMNS:
        out.append(
            f"ALTER TABLE paragraphs ADD COLUMN IF NOT EXISTS {c}_tsv tsvector "
            f"GENERATED ALWAYS AS (array_to_tsvector(string_to_array({c}, ' '))) STORED"
        )
        out.append(f"CREATE INDEX IF NOT EXISTS ix_paragraphs_{c}_tsv ON paragraphs USING gin ({c}_tsv)")
    return out


@lru_cache(maxsize=None)
def _open_sql(document_id: str) -> str:
    """Whether a document's record is open to readers now (the policy's rule, compiled
    here to PostgreSQL text)."""
    from sqlalchemy import exists
    from sqlalchemy.dialects import postgresql

    from opis.access.policy import open_to_readers
    from opis.store.schema import documents, records

    rule = exists().where(documents.c.id == literal_column(document_id), records.c.id == documents.c.record_id,
                          open_to_readers())
    return str(rule.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def _rows_sql(of_documents: str) -> str:
    """SELECT the rows of `DOC_TABLE` (document_id, open, terms, rank) for the documents
    with paragraphs among `of_documents` (a SELECT of ids), from their paragraphs."""
    tagged = " UNION ALL ".join(
        f"SELECT '{TAGS[c]}' || u FROM unnest(string_to_array(p.{c}, ' ')) AS u WHERE u <> ''" for c in COLUMNS)
    positions = ",".join(str(i) for i in range(1, TF_CAP + 1))
    return f"""
        SELECT g.document_id, {_open_sql('g.document_id')} AS open,
               coalesce(g.terms, ''::tsvector) AS terms, coalesce(r.rank, ''::tsvector) AS rank,
               coalesce(r.lemma_count, 0) AS lemma_count
        FROM (SELECT p.document_id, array_to_tsvector(array_agg(x.t)) AS terms
              FROM paragraphs AS p CROSS JOIN LATERAL ({tagged}) AS x(t)
              WHERE p.document_id IN ({of_documents}) GROUP BY p.document_id) AS g
        LEFT JOIN (SELECT c.document_id,
                          string_agg('''' || c.u || '''' || CASE WHEN c.n > 1 THEN
                                         ':' || substr(text '{positions}', 1, 2 * least(c.n, {TF_CAP})::integer - 1)
                                         ELSE '' END, ' ')::tsvector AS rank,
                          sum(least(c.n, {TF_CAP}))::integer AS lemma_count
                   FROM (SELECT p.document_id, u, count(*) AS n
                         FROM paragraphs AS p CROSS JOIN LATERAL unnest(string_to_array(p.lemmas, ' ')) AS u
                         WHERE p.document_id IN ({of_documents}) AND u <> '' GROUP BY p.document_id, u) AS c
                   GROUP BY c.document_id) AS r ON r.document_id = g.document_id"""


def _touch_sql(rows: str) -> str:
    return (f"DELETE FROM {DOC_TABLE} WHERE document_id IN (SELECT document_id FROM {rows});\n"
            f"        INSERT INTO {STALE}(document_id) SELECT DISTINCT document_id FROM {rows} ON CONFLICT DO NOTHING;")


_CHANGED = ("(SELECT o.document_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE "
            "(o.document_id, o.lemmas, o.forms, o.translit) IS DISTINCT FROM (n.document_id, n.lemmas, n.forms, n.translit) "
            "UNION SELECT n.document_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE "
            "(o.document_id, o.lemmas, o.forms, o.translit) IS DISTINCT FROM (n.document_id, n.lemmas, n.forms, n.translit))"
            " AS changed")


def _reopen(of_documents: str) -> str:
    return (f"UPDATE {DOC_TABLE} AS d SET open = {_open_sql('d.document_id')} "
            f"WHERE d.document_id IN ({of_documents});")


_FUNCTIONS = ("paragraph_fts_touch_insert", "paragraph_fts_touch_delete", "paragraph_fts_touch_update",
              "paragraph_fts_access_record", "paragraph_fts_access_collection")
_TRIGGERS = {  # trigger -> table
    "paragraphs_docfts_insert": "paragraphs", "paragraphs_docfts_delete": "paragraphs",
    "paragraphs_docfts_update": "paragraphs", "records_docfts_access": "records",
    "collections_docfts_access": "collections",
}


def _doc_ddl() -> list[str]:
    of_collection = "SELECT d.id FROM documents AS d JOIN records AS r ON r.id = d.record_id WHERE r.collection = {}"

    def function(name: str, body: str) -> str:
        return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"    BEGIN\n        {body}\n        RETURN NULL;\n    END $$")

    return [
        f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} (document_id integer PRIMARY KEY, open boolean NOT NULL, "
        f"terms tsvector NOT NULL, rank tsvector NOT NULL, lemma_count integer NOT NULL)",
        # `terms` out of the row, uncompressed (only GIN reads it), `rank` in the row as
        # it is: rows over TOAST_TARGET move their largest value out first (`terms`),
        # and only a `rank` still over it is compressed (see above)
        f"ALTER TABLE {DOC_TABLE} SET (toast_tuple_target = {TOAST_TARGET})",
        f"ALTER TABLE {DOC_TABLE} ALTER COLUMN terms SET STORAGE EXTERNAL, ALTER COLUMN terms SET STATISTICS 0, "
        f"ALTER COLUMN rank SET STORAGE MAIN",
        f"CREATE INDEX IF NOT EXISTS ix_{DOC_TABLE}_terms ON {DOC_TABLE} USING gin (terms)",
        f"CREATE TABLE IF NOT EXISTS {STALE} (document_id integer PRIMARY KEY)",
        function("paragraph_fts_touch_insert", _touch_sql("new_rows")),
        function("paragraph_fts_touch_delete", _touch_sql("old_rows")),
        function("paragraph_fts_touch_update", _touch_sql(_CHANGED)),
        function("paragraph_fts_access_record", _reopen("SELECT id FROM documents WHERE record_id = NEW.id")),
        function("paragraph_fts_access_collection",
                 "IF TG_OP <> 'INSERT' THEN " + _reopen(of_collection.format("OLD.name")) + " END IF;\n"
                 "        IF TG_OP <> 'DELETE' THEN " + _reopen(of_collection.format("NEW.name")) + " END IF;"),
        "CREATE OR REPLACE TRIGGER paragraphs_docfts_insert AFTER INSERT ON paragraphs "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION paragraph_fts_touch_insert()",
        "CREATE OR REPLACE TRIGGER paragraphs_docfts_delete AFTER DELETE ON paragraphs "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION paragraph_fts_touch_delete()",
        # (a column list cannot go with transition tables: the function compares the rows)
        "CREATE OR REPLACE TRIGGER paragraphs_docfts_update AFTER UPDATE ON paragraphs "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION paragraph_fts_touch_update()",
        "CREATE OR REPLACE TRIGGER records_docfts_access AFTER UPDATE ON records FOR EACH ROW "
        "WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) "
        "OR OLD.collection IS DISTINCT FROM NEW.collection) EXECUTE FUNCTION paragraph_fts_access_record()",
        "CREATE OR REPLACE TRIGGER collections_docfts_access AFTER INSERT OR DELETE OR UPDATE ON collections "
        "FOR EACH ROW EXECUTE FUNCTION paragraph_fts_access_collection()",
    ]


def tsquery_text(matches: list[Match], tagged: bool = False) -> str:
    """An OR of lexemes in tsquery syntax; terms hold only letters, digits and hyphens,
    and are quoted so tsquery reads them as single lexemes. `tagged`: as in `terms` of
    the per-document table (the column's letter first)."""
    return " | ".join("'" + (TAGS[m.column] if tagged else "") + m.text.replace("'", "''") + "'"
                      + (":*" if m.prefix else "") for m in matches)


def document_query(plan: Plan) -> str:
    """The whole plan as one tsquery over the per-document `terms`."""
    if isinstance(plan, PlanTerm):
        return "(" + tsquery_text(list(plan.matches), tagged=True) + ")"
    if isinstance(plan, PlanOr):
        return "(" + " | ".join(document_query(c) for c in plan.children) + ")"
    parts = [document_query(c) for c in plan.include] + ["!" + document_query(c) for c in plan.exclude]
    return "(" + " & ".join(parts) + ")"


def _by_column(matches: tuple[Match, ...]) -> dict[str, list[Match]]:
    grouped: dict[str, list[Match]] = defaultdict(list)
    for m in matches:
        grouped[m.column].append(m)
    return grouped


def _condition(plan: Plan) -> ColumnElement[bool]:
    if isinstance(plan, PlanTerm):
        return or_(
            *(
                _paragraphs.c[f"{col}_tsv"].bool_op("@@")(cast(literal(tsquery_text(ms)), TSQUERY))
                for col, ms in _by_column(plan.matches).items()
            )
        )
    if isinstance(plan, PlanOr):
        return or_(*(_condition(c) for c in plan.children))
    return and_(*(_condition(c) for c in plan.include))


def _positive_matches(plan: Plan) -> list[Match]:
    if isinstance(plan, PlanTerm):
        return list(plan.matches)
    children = plan.children if isinstance(plan, PlanOr) else plan.include
    return [m for c in children for m in _positive_matches(c)]


class PostgresFts:
    name = "postgresql-tsvector"

    def __init__(self) -> None:
        self.documents_ready = True  # the per-document table is complete; see `prepare`

    def install(self, conn: Connection) -> None:
        """The per-paragraph columns and indexes; and the per-document table with its
        triggers once the access tables exist (revision 0006 made `collections`). A
        per-document table made here for a database that already has paragraphs starts
        with every document stale, and is filled by the next `sync`."""
        for ddl in _ddl():
            conn.exec_driver_sql(ddl)
        if conn.exec_driver_sql("SELECT to_regclass('collections')").scalar() is None:
            return
        new = conn.exec_driver_sql(f"SELECT to_regclass('{DOC_TABLE}')").scalar() is None
        for ddl in _doc_ddl():
            conn.exec_driver_sql(ddl)
        if new:
            conn.exec_driver_sql(f"INSERT INTO {STALE}(document_id) SELECT DISTINCT document_id FROM paragraphs "
                                 f"ON CONFLICT DO NOTHING")

    def drop_documents(self, conn: Connection) -> None:
        """Remove the per-document table, its triggers and functions (a downgrade)."""
        for trigger, on in _TRIGGERS.items():
            if conn.exec_driver_sql(f"SELECT to_regclass('{on}')").scalar() is not None:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {on}")
        for function in _FUNCTIONS:
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}()")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {DOC_TABLE}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STALE}")

    def sync(self, conn: Connection) -> None:
        """Write the rows of the stale documents from their paragraphs (in the caller's
        transaction; the store calls this at the end of every save)."""
        if conn.exec_driver_sql(f"SELECT to_regclass('{STALE}')").scalar() is None:
            return  # a database before revision 0009
        # exactly the stale documents this transaction sees, taken in one statement (a
        # writer without `sync` may commit more meanwhile: those stay stale)
        ids = list(conn.exec_driver_sql(f"DELETE FROM {STALE} RETURNING document_id").scalars())
        if not ids:
            return
        of = "SELECT unnest(CAST(%(ids)s AS integer[]))"
        conn.exec_driver_sql(f"DELETE FROM {DOC_TABLE} WHERE document_id IN ({of})", {"ids": ids})
        conn.exec_driver_sql(f"INSERT INTO {DOC_TABLE} (document_id, open, terms, rank, lemma_count) "
                             f"{_rows_sql(of)}", {"ids": ids})

    def prepare(self, conn: Connection) -> None:
        """Whether the per-document table can answer: it exists and no stale document
        has paragraphs."""
        self.documents_ready = conn.exec_driver_sql(f"SELECT to_regclass('{STALE}')").scalar() is not None and (
            conn.exec_driver_sql(
                f"SELECT 1 FROM {STALE} AS s WHERE EXISTS "
                f"(SELECT 1 FROM paragraphs AS p WHERE p.document_id = s.document_id) LIMIT 1"
            ).first() is None)

    def documents(self, plan: Plan, ranked: bool = True, open_only: bool = False) -> Subquery | None:
        """`document_id` and `score` (`ts_rank` of the document's lemmas, see above; 0
        unless `ranked`) of every document the plan selects, with `open_only` only those
        whose records are `open_to_readers`; None while the per-document table cannot
        answer (see `prepare`)."""
        if not self.documents_ready:
            return None
        lemmas = [m for m in _positive_matches(plan) if m.column == "lemmas"]
        if ranked and lemmas:
            rank = func.ts_rank(_docs.c.rank, cast(literal(tsquery_text(lemmas)), TSQUERY))
            score = cast(rank, Float) / literal_column(f"ln({DOC_TABLE}.lemma_count + 2.0::float8)", Float)
        else:
            score = literal(0.0)
        stmt = select(_docs.c.document_id, cast(score, Float).label("score")).where(
            _docs.c.terms.bool_op("@@")(cast(literal(document_query(plan)), TSQUERY)))
        if open_only:
            stmt = stmt.where(_docs.c.open)
        return stmt.subquery()

    def candidates(self, plan: Plan, within: Select | None = None) -> Subquery:
        grouped = _by_column(tuple(_positive_matches(plan)))
        score = sum(
            (
                WEIGHTS[col]
                * func.ts_rank(_paragraphs.c[f"{col}_tsv"], cast(literal(tsquery_text(ms)), TSQUERY))
                for col, ms in grouped.items()
            ),
            literal(0.0),
        )
        stmt = select(
            _paragraphs.c.document_id, _paragraphs.c.seq, score.label("score")
        ).where(_condition(plan))
        # `within` is not used: given it, the planner walked every paragraph of every
        # document of the other word (an index probe and a detoasted tsvector each);
        # without it, it intersects two GIN bitmap scans by hash, which is faster here
        return stmt.subquery()

    def estimate(self, conn: Connection, plan: Plan, cap: int) -> int:
        """No count: with `within` unused, which word comes first does not matter."""
        return 0

    def integrity_check(self, conn: Connection) -> None:
        """Raise if a generated tsvector disagrees with its term list (it never should),
        or the per-document rows with the paragraphs and access they were built from."""
        for c in COLUMNS:
            bad = conn.exec_driver_sql(
                f"SELECT count(*) FROM paragraphs "
                f"WHERE {c}_tsv IS DISTINCT FROM array_to_tsvector(string_to_array({c}, ' '))"
            ).scalar()
            if bad:
                raise RuntimeError(f"{bad} paragraphs have a stale {c}_tsv")
        if conn.exec_driver_sql(f"SELECT to_regclass('{DOC_TABLE}')").scalar() is None:
            return
        due = _rows_sql(f"SELECT document_id FROM paragraphs WHERE document_id NOT IN (SELECT document_id FROM {STALE})")
        have = f"SELECT document_id, open, terms, rank, lemma_count FROM {DOC_TABLE}"
        for x, y in ((due, have), (have, due)):
            stray = conn.exec_driver_sql(f"SELECT count(*) FROM ({x} EXCEPT {y}) AS e").scalar()
            if stray:
                raise RuntimeError(f"{stray} rows of {DOC_TABLE} and paragraphs do not correspond")
