"""PostgreSQL backend: tsvector columns generated from the term lists, GIN indexes, ts_rank.

The tsvectors are built with `array_to_tsvector(string_to_array(col, ' '))` rather than
`to_tsvector('simple', col)`: our terms are already normalised, and the text-search
parser would split hyphenated terms into extra lexemes that SQLite FTS5 does not have.
Queries are typed tsquery literals, which the parser does not touch either, so both
backends index and look up exactly the same terms.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, Select, and_, cast, column, func, literal, or_, select, table
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from opis.search.query import Match, Plan, PlanOr, PlanTerm

COLUMNS = ("lemmas", "forms", "translit")
WEIGHTS = {"lemmas": 1.0, "forms": 0.5, "translit": 0.3}

_paragraphs = table(
    "paragraphs",
    column("id"),
    column("document_id"),
    column("seq"),
    *(column(f"{c}_tsv", TSVECTOR) for c in COLUMNS),
)


def _ddl() -> list[str]:
    out = []
    for c in COLUMNS:
        out.append(
            f"ALTER TABLE paragraphs ADD COLUMN IF NOT EXISTS {c}_tsv tsvector "
            f"GENERATED ALWAYS AS (array_to_tsvector(string_to_array({c}, ' '))) STORED"
        )
        out.append(f"CREATE INDEX IF NOT EXISTS ix_paragraphs_{c}_tsv ON paragraphs USING gin ({c}_tsv)")
    return out


def tsquery_text(matches: list[Match]) -> str:
    """An OR of lexemes in tsquery syntax; terms hold only letters, digits and hyphens,
    and are quoted so tsquery reads them as single lexemes."""
    return " | ".join("'" + m.text.replace("'", "''") + "'" + (":*" if m.prefix else "") for m in matches)


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

    def install(self, conn: Connection) -> None:
        for ddl in _ddl():
            conn.exec_driver_sql(ddl)

    def prepare(self, conn: Connection) -> None:
        """Nothing to look at: the generated columns have one layout."""

    def sync(self, conn: Connection) -> None:
        """Nothing left for after a write: the generated columns are always current."""

    def documents(self, plan: Plan, ranked: bool = True, open_only: bool = False) -> Subquery | None:
        """No per-document structure: the engine combines `candidates`."""
        return None

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
        """Raise if a generated tsvector disagrees with its term list (it never should)."""
        for c in COLUMNS:
            bad = conn.exec_driver_sql(
                f"SELECT count(*) FROM paragraphs "
                f"WHERE {c}_tsv IS DISTINCT FROM array_to_tsvector(string_to_array({c}, ' '))"
            ).scalar()
            if bad:
                raise RuntimeError(f"{bad} paragraphs have a stale {c}_tsv")
