"""PostgreSQL's per-document table (`opis.search.postgres_fts`): its rows follow every write
and every change of access, a writer that skips `sync` makes searches slower but never
wrong, migration 0009 builds and removes it, and its ranking is the documented one. Run
with OPIS_TEST_BACKEND=postgresql; on SQLite they skip (SQLite's table has its own tests
in test_document_index.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from opis.search.engine import facets, search


@pytest.fixture
def pg(store):
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's per-document table")
    return store


def ready(store) -> bool:
    """Whether searches use the per-document table, after checking it row by row."""
    with store.engine.connect() as conn:
        store.backend.prepare(conn)
        store.backend.integrity_check(conn)
    return store.backend.documents_ready


def rows(store) -> dict[int, tuple[bool, int]]:
    with store.engine.connect() as conn:
        return {d: (o, n) for d, o, n in conn.execute(text(
            "SELECT document_id, open, lemma_count FROM paragraph_fts_documents"))}


def test_document_rows_follow_every_write(pg, plain_record):
    pg.save_record(plain_record("a.txt", "Маленков и Микоян.\n\nПисьмо ТАСС."))
    pg.save_record(plain_record("b.txt", "Ким Ир Сен.", "Маленков."))
    assert ready(pg) and len(rows(pg)) == 3
    assert search(pg, "Маленков ТАСС").total == 1 and search(pg, "Маленков").total == 2
    pg.save_record(plain_record("a.txt", "Только Микоян."))  # a save replaces the documents
    assert ready(pg) and len(rows(pg)) == 3
    assert search(pg, "Маленков").total == 1 and search(pg, "Микоян ТАСС").total == 0
    with pg.engine.begin() as conn:  # a writer that does not call sync: slower, never wrong
        conn.execute(text("UPDATE paragraphs SET lemmas = 'пхеньян', forms = 'пхеньян', translit = '' "
                          "WHERE seq = 0 AND document_id = (SELECT min(document_id) FROM paragraphs)"))
    assert not ready(pg)
    assert search(pg, "Пхеньян").total == 1 and search(pg, "Ким").total == 0
    with pg.engine.begin() as conn:
        pg.backend.sync(conn)
    assert ready(pg) and search(pg, "Пхеньян").total == 1 and search(pg, "Ким").total == 0
    with pg.engine.begin() as conn:  # a paragraph added to an indexed document
        conn.execute(text("INSERT INTO paragraphs (document_id, seq, start, \"end\", text, lemmas, forms, translit) "
                          "SELECT document_id, 5, 0, 3, 'ТАСС', 'тасс', 'тасс', 'tass' FROM paragraphs "
                          "WHERE lemmas LIKE '%маленков%'"))
    assert not ready(pg) and search(pg, "Маленков ТАСС").total == 1
    with pg.engine.begin() as conn:
        pg.backend.sync(conn)
    assert ready(pg) and search(pg, "Маленков ТАСС").total == 1 and search(pg, "Маленков -ТАСС").total == 0
    with pg.engine.begin() as conn:  # every paragraph of a document gone: no row, no stale doubt
        conn.execute(text("DELETE FROM paragraphs WHERE document_id = (SELECT max(document_id) FROM paragraphs)"))
    assert ready(pg) and len(rows(pg)) == 2
    assert search(pg, "Микоян").total == 0 and search(pg, "Маленков").total == 1


def test_open_follows_record_and_collection_access(pg, plain_record):
    from opis.access.policy import ADMIN, Viewer
    from opis.model import PUBLIC, RESTRICTED
    from opis.review import service

    admin = Viewer("admin", ADMIN)
    pg.save_record(plain_record("a.txt", "Микоян в Пхеньяне.", collection="fond-1"))
    pg.save_record(plain_record("b.txt", "Микоян в Москве.", collection="fond-2"))
    with pg.engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT source_name, id FROM records")).all())

    def shown():
        assert ready(pg)  # `open` is compared with the policy's rule for every row
        return sorted(h.source_name for h in search(pg, "Микоян").hits)

    assert shown() == ["a.txt", "b.txt"] and all(o for o, _ in rows(pg).values())
    service.set_access(pg, admin, ids["a.txt"], RESTRICTED, None)
    assert shown() == ["b.txt"] and sorted(o for o, _ in rows(pg).values()) == [False, True]
    service.set_collection_access(pg, admin, "fond-2", RESTRICTED, None)
    assert shown() == [] and search(pg, "Микоян", include_restricted=True).total == 2
    service.set_access(pg, admin, ids["a.txt"], PUBLIC, None)
    assert shown() == ["a.txt"]
    service.delete_record(pg, admin, ids["a.txt"])
    assert shown() == [] and search(pg, "Микоян", include_restricted=True).total == 1
    service.set_collection_access(pg, admin, "fond-2", PUBLIC, "2999-01-01")  # open, but under embargo
    assert all(o for d, (o, _) in rows(pg).items() if d != min(rows(pg))) and shown() == []
    service.set_collection_access(pg, admin, "fond-2", PUBLIC, None)
    assert shown() == ["b.txt"]


def test_a_wrong_open_flag_is_caught_and_still_shows_nothing(pg, plain_record):
    """Triggers keep `open` true to the policy; should it ever be wrong (a hand-made
    database, a bug), `integrity_check` says so and the hits and facets still apply the
    whole reader rule."""
    from opis.model import RESTRICTED

    pg.save_record(plain_record("open.txt", "Микоян приехал в Пхеньян.", facts=[{"persons": ["Микоян"]}]))
    pg.save_record(plain_record("shut.txt", "Микоян и Микоян встретили Кима.", visibility=RESTRICTED,
                                facts=[{"persons": ["Микоян", "Секретов"]}]))
    assert ready(pg)
    with pg.engine.begin() as conn:
        conn.execute(text("UPDATE paragraph_fts_documents SET open = true"))
    with pg.engine.connect() as conn, pytest.raises(RuntimeError, match="do not correspond"):
        pg.backend.integrity_check(conn)
    assert [h.source_name for h in search(pg, "Микоян").hits] == ["open.txt"]
    assert dict(facets(pg, "Микоян")["person"]) == {"Микоян": 1}


def test_ranking_counts_repeated_lemmas_and_divides_by_length(pg, plain_record):
    """The documented score: a lemma of the query counts more the more often the
    document holds it (saturating), divided by the log of the document's lemma count;
    documents matched only through forms or transliterations score 0."""
    pg.save_record(plain_record("once.txt", "Микоян приехал в Пхеньян вчера."))
    pg.save_record(plain_record("thrice.txt", "Микоян, Микоян и Микоян приехали вчера."))
    pg.save_record(plain_record("short.txt", "Микоян приехал."))
    by_name = {h.source_name: h.score for h in search(pg, "Микоян").hits}
    assert by_name["thrice.txt"] > by_name["once.txt"] and by_name["short.txt"] > by_name["once.txt"]
    assert [h.source_name for h in search(pg, "Микоян").hits][-1] == "once.txt"
    with pg.engine.connect() as conn:
        counts = dict(conn.execute(text(
            "SELECT r.source_name, d.lemma_count FROM paragraph_fts_documents AS d "
            "JOIN documents AS x ON x.id = d.document_id JOIN records AS r ON r.id = x.record_id")).all())
    assert counts["short.txt"] == 2 and counts["thrice.txt"] == 6  # микоян x3, и, приехать, вчера
    assert {h.score for h in search(pg, "Mikoyan").hits} == {0.0}


def test_migration_0009_builds_and_removes_the_table(pg, plain_record):
    from opis.store import migrate
    from opis.store.repository import Store

    pg.save_record(plain_record("a.txt", "Маленков и Микоян.\n\nПисьмо ТАСС."))
    pg.save_record(plain_record("b.txt", "Ким Ир Сен.", "Маленков -- ТАСС."))
    queries = ["Маленков", "Маленков ТАСС", "Микоян OR Ким", "ТАСС -Микоян"]
    before = [(r.total, [h.source_name for h in r.hits]) for r in (search(pg, q) for q in queries)]
    migrate.downgrade_engine(pg.engine, "0008")
    with pg.engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('paragraph_fts_documents')")).scalar() is None
        assert not conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%docfts%'")).all()
    url = pg.engine.url.render_as_string(hide_password=False)
    with Store.open(url) as again:  # back to head: built from the paragraphs
        assert len(rows(again)) == 3 and ready(again)
        assert [(r.total, [h.source_name for h in r.hits]) for r in (search(again, q) for q in queries)] == before
