"""Alembic migrations make exactly the schema of `schema.py`, on every backend."""

from __future__ import annotations

from tests.support.oldschema import save_as_before_0004

import subprocess
import sys
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from opis.search.backend import backend_for
from opis.store import migrate
from opis.store.repository import Store, make_engine
from opis.store.schema import metadata, paragraphs, records
from tests.store.test_repository import make_record


def _diffs(engine, only_schema: bool = True) -> list:
    with engine.connect() as conn:
        opts = {"compare_type": True}
        if only_schema:
            opts["include_name"] = migrate.include_name
        return compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)


def _backend_owned(diff: tuple) -> bool:
    """A difference that concerns only the search backend's structures: its own table, or
    a column or index on `paragraphs`, which is the backend's to index."""
    kind = diff[0]
    if kind == "remove_table":
        return diff[1].name.startswith("paragraph_fts")
    if kind == "remove_index":  # on `paragraphs`, or on the backend's own table (PostgreSQL's GIN)
        return diff[1].table.name == "paragraphs" or diff[1].table.name.startswith("paragraph_fts")
    if kind == "remove_column":
        return diff[2] == "paragraphs"
    return False


def _state(url: str) -> tuple[str | None, set[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return migrate.current(conn), set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_a_blank_database_upgrades_to_exactly_the_schema(blank_database_url):
    assert migrate.upgrade(blank_database_url) == (None, migrate.head())
    engine = make_engine(blank_database_url)
    try:
        assert _diffs(engine) == []
        # what the comparison left out is the search backend's, and it is there
        hidden = _diffs(engine, only_schema=False)
        assert hidden, "the full-text structures are missing"
        assert all(_backend_owned(d) for d in hidden), hidden
        with engine.connect() as conn:
            backend_for(engine.dialect.name).integrity_check(conn)
    finally:
        engine.dispose()
    assert migrate.upgrade(blank_database_url) == (migrate.head(), migrate.head())


def test_store_open_migrates_and_the_full_text_index_follows_writes(blank_database_url):
    with Store.open(blank_database_url) as store:
        store.save_record(make_record())
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            store.backend.integrity_check(conn)
        assert _diffs(store.engine) == []


def _structure(url: str) -> dict[str, tuple[set[str], set[str]]]:
    """Every table with the names of its columns and indexes, the backend's included."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            return {t: ({c["name"] for c in insp.get_columns(t)},
                        {i["name"] for i in insp.get_indexes(t)}) for t in insp.get_table_names()}
    finally:
        engine.dispose()


def test_a_database_made_by_create_all_is_stamped_keeps_its_records_and_catches_up(
        blank_database_url, store_url):
    engine = make_engine(blank_database_url)
    try:
        with engine.begin() as conn:  # what Store.open did before there were migrations
            metadata.create_all(conn)
            backend_for(engine.dialect.name).install(conn)
            # and as it was before the backend indexed `paragraphs` beyond the schema
            declared = {ix.name for ix in paragraphs.indexes}
            for ix in inspect(conn).get_indexes("paragraphs"):
                if ix["name"] not in declared:
                    conn.exec_driver_sql(f"DROP INDEX {ix['name']}")
        Store(engine).save_record(make_record())
    finally:
        engine.dispose()
    assert _state(blank_database_url)[0] is None
    with Store.open(blank_database_url) as store:
        assert store.get_record(make_record().id) == make_record()
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            store.backend.integrity_check(conn)
        assert _diffs(store.engine) == []
    Store.open(store_url).close()  # a new archive, for comparison
    assert _structure(blank_database_url) == _structure(store_url)


def test_a_database_with_the_tables_of_before_migrations_catches_up(blank_database_url):
    """The schema when migrations began was that of 0001; such a database had no
    `alembic_version` and is stamped, then taken through every later revision."""
    migrate.upgrade(blank_database_url, migrate.FIRST)
    engine = make_engine(blank_database_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE alembic_version")
    finally:
        engine.dispose()
    assert _state(blank_database_url)[0] is None
    with Store.open(blank_database_url) as store:
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
        assert _diffs(store.engine) == []
        store.save_record(make_record())
        assert store.get_record(make_record().id) == make_record()


def test_downgrade_to_base_removes_everything_and_upgrade_brings_it_back(blank_database_url):
    migrate.upgrade(blank_database_url)
    engine = make_engine(blank_database_url)
    try:
        migrate.downgrade_engine(engine, "base")
    finally:
        engine.dispose()
    assert _state(blank_database_url) == (None, {"alembic_version"})
    assert migrate.upgrade(blank_database_url) == (None, migrate.head())
    with Store.open(blank_database_url) as store:
        assert _diffs(store.engine) == []


OPEN_AT = """
import sys, time
from opis.store.repository import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
Store.open(sys.argv[1]).close()
"""


def test_processes_opening_a_new_database_at_once_all_succeed(blank_database_url):
    start = time.time() + 3  # all of them past their imports, then racing
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT, blank_database_url, str(start)],
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, "\n".join(errors)
    with Store.open(blank_database_url) as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
            assert conn.execute(select(func.count()).select_from(records)).scalar() == 0
        assert _diffs(store.engine) == []


def test_a_database_from_a_newer_opis_is_refused_and_left_alone(store_url):
    with Store.open(store_url) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(RuntimeError, match="9999.*newer opis"):
        Store.open(store_url)
    assert _state(store_url)[0] == "9999"


# The full-text layout of SQLite databases made before revision 0003, as it was then.
OLD_FTS5_LAYOUT = [
    """CREATE VIRTUAL TABLE paragraph_fts USING fts5(lemmas, forms, translit,
        content='paragraphs', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '-'")""",
    """CREATE TRIGGER paragraphs_fts_insert AFTER INSERT ON paragraphs BEGIN
        INSERT INTO paragraph_fts(rowid, lemmas, forms, translit)
        VALUES (new.id, new.lemmas, new.forms, new.translit);
    END""",
    """CREATE TRIGGER paragraphs_fts_delete AFTER DELETE ON paragraphs BEGIN
        INSERT INTO paragraph_fts(paragraph_fts, rowid, lemmas, forms, translit)
        VALUES ('delete', old.id, old.lemmas, old.forms, old.translit);
    END""",
    "CREATE INDEX ix_paragraphs_id_document ON paragraphs(id, document_id)",
]


@pytest.mark.sqlite_only("the older full-text layout it upgrades from was FTS5's")
def test_an_older_sqlite_full_text_layout_is_rebuilt_and_finds_the_old_records(
        blank_database_url, store_url):
    from opis.search.engine import search

    migrate.upgrade(blank_database_url, "0002")
    engine = make_engine(blank_database_url)
    try:
        with engine.begin() as conn:
            for name in ("paragraphs_fts_insert", "paragraphs_fts_delete", "paragraphs_fts_update"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            conn.exec_driver_sql("DROP TABLE paragraph_fts")
            for ddl in OLD_FTS5_LAYOUT:
                conn.exec_driver_sql(ddl)
            save_as_before_0004(conn, make_record())
    finally:
        engine.dispose()
    with Store.open(blank_database_url) as store:
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            store.backend.integrity_check(conn)
        assert [h.record_id for h in search(store, "ТАСС").hits] == [make_record().id]
    Store.open(store_url).close()
    assert _structure(blank_database_url) == _structure(store_url)
