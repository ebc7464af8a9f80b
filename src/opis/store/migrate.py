"""Schema migrations (Alembic), configured from the package so they work when installed.

`Store.open` brings every database it opens to the newest revision, and `upgrade(url)` does
the same for `opis db upgrade`. An upgrade is one transaction that holds the database's
write lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock), so two processes opening
a new archive at once cannot both create it: the second waits, then finds it current.

A database made before migrations existed (tables from `create_all`, no `alembic_version`)
is stamped with the first revision, whose tables it already has, and upgraded from there.

To change the schema: edit `schema.py`, bring a scratch database to head (`upgrade(path)`),
and let Alembic write the revision from the difference, then read it over:

    alembic -c cfg.ini revision --autogenerate --rev-id 0003 -m "what changed"

with `cfg.ini` holding `[alembic]`, `script_location = opis.store:migrations`,
`path_separator = os` and `sqlalchemy.url` of that database. `tests/store/test_migrations.py`
fails until the revisions and `schema.py` agree. The search backends' full-text structures
come from their `install`; when a backend changes what it installs, add a revision that
runs it again (as 0002 does), or rebuilds the structures if their shape changed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST = "0001"
# the tables of revision 0001, all present in a database made by the old `create_all`
FIRST_TABLES = frozenset({"originals", "records", "record_versions", "documents", "layers",
                          "values", "mentions", "paragraphs"})
# any constant will do; it only has to be the same in every opis process
_PG_LOCK_KEY = 0x6F706973  # "opis"


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())  # they do not change while a process runs


def head() -> str:
    """The newest revision."""
    rev = _scripts().get_current_head()
    assert rev is not None
    return rev


def _known(revision: str | None) -> bool:
    return revision is None or revision in {s.revision for s in _scripts().walk_revisions()}


def current(conn: Connection) -> str | None:
    """The revision the database is at; None for a new or pre-migration database."""
    return MigrationContext.configure(conn).get_current_revision()


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Leave the search backend's own structures out of autogenerate comparisons: they are
    made by `SearchBackend.install`, not described in `schema.metadata`. The backend owns
    its full-text table (SQLite), the generated columns it adds to `paragraphs`
    (PostgreSQL) and any index on `paragraphs` that the schema does not declare."""
    from opis.search import postgres_fts, sqlite_fts
    from opis.store.schema import paragraphs

    if name is None:
        return True
    on_paragraphs = parent_names.get("table_name") == "paragraphs"
    if type_ == "table":
        return not name.startswith(sqlite_fts.TABLE)  # the FTS5 table and its shadow tables
    if type_ == "column" and on_paragraphs:
        return name not in {f"{c}_tsv" for c in postgres_fts.COLUMNS}
    if type_ == "index" and on_paragraphs:
        return name in {ix.name for ix in paragraphs.indexes}
    return True


def drop_full_text(conn: Connection) -> None:
    """Undo `SearchBackend.install` where dropping `paragraphs` does not already (SQLite's
    FTS5 table stands apart; PostgreSQL's columns and indexes go with the table)."""
    if conn.dialect.name == "sqlite":
        from opis.search.sqlite_fts import TABLE

        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")


def _lock(conn: Connection) -> None:
    """Start the migration transaction holding the database's write lock."""
    if conn.dialect.name == "sqlite":
        # pysqlite would not open a transaction before DDL; this one covers the whole
        # upgrade, and IMMEDIATE takes the write lock now rather than at the first write
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def _stamp_if_made_by_create_all(conn: Connection, cfg: Config) -> None:
    if current(conn) is not None:
        return
    tables = set(inspect(conn).get_table_names())
    if "records" not in tables:
        return  # a new database: the first revision creates everything
    missing = FIRST_TABLES - tables
    if missing:
        raise RuntimeError(f"database has some opis tables but not {sorted(missing)}; "
                           "it predates migrations and cannot be upgraded automatically")
    command.stamp(cfg, FIRST)


def upgrade_engine(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade the database of `engine`; returns its revision before and after."""
    with engine.connect() as conn:
        before = current(conn)
        if revision == "head" and before == head():
            return before, before  # the usual case: nothing to lock
        if not _known(before):
            raise RuntimeError(f"the database is at schema revision {before}, which this opis "
                               f"does not know (its newest is {head()}): use a newer opis")
        conn.rollback()
        _lock(conn)
        cfg = config()
        cfg.attributes["connection"] = conn
        before = current(conn)  # again, under the lock: another process may have done it
        _stamp_if_made_by_create_all(conn, cfg)
        command.upgrade(cfg, revision)
        after = current(conn)
        conn.commit()
    return before, after


def downgrade_engine(engine: Engine, revision: str) -> None:
    """Step the database back to `revision` ("base" removes every table)."""
    with engine.connect() as conn:
        _lock(conn)
        cfg = config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def upgrade(url: str | Path, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database at `url` (an SQLite path or an SQLAlchemy URL) to `revision`,
    the newest by default; returns the revisions before and after, for `opis db upgrade`."""
    from opis.store.repository import make_engine

    engine = make_engine(url)
    try:
        return upgrade_engine(engine, revision)
    finally:
        engine.dispose()
