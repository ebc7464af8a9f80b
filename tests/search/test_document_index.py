"""Queries of words are answered per document (SQLite: one FTS5 row per document); the
answers must be those of the per-paragraph path, the index must follow every write, and
the relevance order must not depend on which path or page size was used."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from opis.search import engine
from opis.search.engine import facets, search
from opis.search.query import parse, tree_plan

PARAS = [
    "Товарищ Ким Ир Сен встретился с Микояном в Пхеньяне.",
    "Микоян передал письмо ЦК КПСС.",
    "Опровержение ТАСС о переговорах по корейскому вопросу.",
    "Маленкову направлена выписка из протокола.",
    "Переговоры в Москве продолжались три дня.",
    "Mikoyan met the ministers in Moscow.",
]
DOCS = [[p] for p in PARAS] + [[PARAS[0], PARAS[1]], [PARAS[3], PARAS[2]], [PARAS[4], PARAS[0], PARAS[5]],
                               [PARAS[0]], [PARAS[3], PARAS[1]]]

QUERIES = [
    "Микоян", "Ким Микоян", "Ким -Микоян", "Микоян -Ким", "ТАСС OR Маленков", "(ТАСС OR Маленков) -протокол",
    "корей* переговоры", "Mikoyan", "переговоры OR (Ким -письмо)", "товарищ Пхеньян -(ТАСС OR три)",
    '"Ким Ир Сен" Микоян', '"корейскому вопросу" OR Маленков',
]


@pytest.fixture
def docs(store, plain_record):
    for i, paras in enumerate(DOCS):
        store.save_record(plain_record(f"d{i}.txt", "\n\n".join(paras),
                                       facts=[{"date": f"195{i % 4}-01-0{1 + i % 3}"}]))
    return store


def results(store, q, **kw):
    res = search(store, q, limit=100, **kw)
    return res.total, [(h.source_name, h.seq, round(h.score, 9)) for h in res.hits]


def test_tree_plan_only_for_words():
    assert tree_plan(parse("Ким -Микоян OR ТАСС")) is not None
    assert tree_plan(parse('"Ким Ир" Микоян')) is None


def test_per_document_and_per_paragraph_find_the_same(docs, monkeypatch):
    def found(q):
        r = search(docs, q, limit=100)
        return r.total, {h.source_name for h in r.hits}, facets(docs, q)

    by_doc = {q: found(q) for q in QUERIES}
    assert by_doc["Микоян -Ким"][0] > 0 and by_doc["(ТАСС OR Маленков) -протокол"][0] > 0
    monkeypatch.setattr(type(docs.backend), "documents", lambda self, plan, ranked=True: None)
    for q in QUERIES:
        assert found(q) == by_doc[q], q


@pytest.mark.parametrize("margin", [engine.TIE_MARGIN, 1])  # 1: equal scores past the margin, a full sort
def test_pages_follow_one_order(docs, margin, monkeypatch):
    """The page is cut from the best scores alone; ties across the cut are ordered by
    date and id as a full sort would."""
    monkeypatch.setattr(engine, "TIE_MARGIN", margin)
    for q in QUERIES + ["Ким OR Микоян OR ТАСС OR Маленков OR переговоры OR товарищ"]:
        total, full = results(docs, q)
        for size in (1, 2, 3):
            got = []
            for start in range(0, total, size):
                res = search(docs, q, limit=size, offset=start)
                assert res.total == total
                got += [(h.source_name, h.seq, round(h.score, 9)) for h in res.hits]
            assert got == full, (q, size)
        assert search(docs, q, limit=5, offset=total + 3).hits == []
        assert search(docs, q, limit=5, offset=total + 3).total == total


def test_equal_scores_are_ordered_by_date_then_id(store, plain_record, monkeypatch):
    for i, date in enumerate(["1953-01-01", "1951-01-01", "1952-01-01", "1951-01-01"]):
        store.save_record(plain_record(f"same{i}.txt", "Микоян приехал в Пхеньян.", facts=[{"date": date}]))
    store.save_record(plain_record("other.txt", "Микоян, Микоян и Микоян.", facts=[{"date": "1960-01-01"}]))
    order = [h.source_name for h in search(store, "Микоян").hits]
    # (where "other.txt" ranks depends on the backend's scoring: bm25 or ts_rank)
    assert [n for n in order if n.startswith("same")] == ["same1.txt", "same3.txt", "same2.txt", "same0.txt"]
    for margin in (engine.TIE_MARGIN, 1):
        monkeypatch.setattr(engine, "TIE_MARGIN", margin)
        for size in (1, 2, 3, 4):
            pages = [h.source_name for start in range(0, 5, size)
                     for h in search(store, "Микоян", limit=size, offset=start).hits]
            assert pages == order


@pytest.mark.sqlite_only("SQLite's per-document FTS5 table and its triggers")
def test_sqlite_document_rows_follow_every_write(store, plain_record):
    fts = store.backend
    store.save_record(plain_record("a.txt", "Маленков и Микоян.\n\nПисьмо ТАСС."))
    store.save_record(plain_record("b.txt", "Ким Ир Сен.", "Маленков."))

    def ready():
        with store.engine.connect() as conn:
            fts.prepare(conn)
            fts.integrity_check(conn)
        return fts.documents_ready

    assert ready() and search(store, "Маленков ТАСС").total == 1
    # a save replaces the documents: the rows follow
    store.save_record(plain_record("a.txt", "Только Микоян."))
    assert ready() and search(store, "Маленков").total == 1 and search(store, "Микоян ТАСС").total == 0
    with store.engine.begin() as conn:  # writers that do not call sync: slower, never wrong
        conn.execute(text("UPDATE paragraphs SET lemmas = 'пхеньян', forms = 'пхеньян', translit = '' "
                          "WHERE seq = 0 AND document_id = (SELECT min(document_id) FROM paragraphs)"))
    assert not ready()
    assert search(store, "Пхеньян").total == 1 and search(store, "Ким").total == 0
    with store.engine.begin() as conn:
        fts.sync(conn)
    assert ready() and search(store, "Пхеньян").total == 1 and search(store, "Ким").total == 0
    with store.engine.begin() as conn:  # a paragraph added to an indexed document
        conn.execute(text("INSERT INTO paragraphs (document_id, seq, start, \"end\", text, lemmas, forms, translit) "
                          "SELECT document_id, 5, 0, 3, 'ТАСС', 'тасс', 'тасс', 'tass' FROM paragraphs "
                          "WHERE lemmas LIKE '%маленков%'"))
    assert not ready() and search(store, "Маленков ТАСС").total == 1
    with store.engine.begin() as conn:
        fts.sync(conn)
    assert ready() and search(store, "Маленков ТАСС").total == 1 and search(store, "Маленков -ТАСС").total == 0
    with store.engine.begin() as conn:  # every paragraph of a document gone: no row, no stale doubt
        conn.execute(text("DELETE FROM paragraphs WHERE document_id = (SELECT max(document_id) FROM paragraphs)"))
    assert ready() and search(store, "Микоян").total == 0 and search(store, "Маленков").total == 1


@pytest.mark.sqlite_only("migration 0007 builds SQLite's per-document FTS5 table")
def test_sqlite_migration_builds_the_document_rows(tmp_path, plain_record):
    from opis.store.repository import Store
    from opis.search.sqlite_fts import DOC_TABLE

    path = tmp_path / "old.db"
    with Store.open(path) as store:
        store.save_record(plain_record("a.txt", "Маленков и Микоян.\n\nПисьмо ТАСС."))
        store.save_record(plain_record("b.txt", "Ким Ир Сен.", "Маленков -- ТАСС."))
        with store.engine.begin() as conn:  # as a database at revision 0006 was
            store.backend.drop_documents(conn)
            conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
        before = [results(store, q) for q in QUERIES]
    with Store.open(path) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {DOC_TABLE}_docsize")).scalar() == 3
            store.backend.prepare(conn)
            store.backend.integrity_check(conn)
        assert store.backend.documents_ready
        after = [results(store, q) for q in QUERIES]
        assert [(t, {h[0] for h in hits}) for t, hits in after] == [(t, {h[0] for h in hits}) for t, hits in before]


@pytest.mark.parametrize("margins", [(engine.TIE_MARGIN, engine.HIDDEN_MARGIN), (1, 0)])
def test_hidden_documents_among_the_best_never_show(store, plain_record, monkeypatch, margins):
    """The best scores are first taken with hidden documents in and these are dropped
    after; when too many of the best were hidden, the search tries again without them."""
    from opis.model import RESTRICTED

    monkeypatch.setattr(engine, "TIE_MARGIN", margins[0])
    monkeypatch.setattr(engine, "HIDDEN_MARGIN", margins[1])
    for i in range(5):
        store.save_record(plain_record(f"secret{i}.txt", "Микоян, Микоян и Микоян " + "ещё " * i,
                                       visibility=RESTRICTED))
    for i in range(3):
        store.save_record(plain_record(f"open{i}.txt", "Микоян приехал. " + "Другие слова. " * (i + 1)))
    for size in (1, 2, 3, 10):
        res = search(store, "Микоян", limit=size)
        assert res.total == 3
        assert [h.source_name for h in res.hits] == ["open0.txt", "open1.txt", "open2.txt"][:size]
    res = search(store, "Микоян", limit=10, include_restricted=True)
    assert res.total == 8 and all(h.source_name.startswith("secret") for h in res.hits[:5])
