"""The store keeps records byte for byte, versions originals and hides restricted ones."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from opis.model import RESTRICTED, Document, Layer, Mention, OffsetMap, Record, Run, Span, Value
from opis.store.repository import Store, database_url
from opis.store.schema import documents, originals, paragraphs, records

CP1251_TEXT = "Товарищу Сталину И.В.\n\nО <script>alert(1)</script> ответе ТАСС.\n"


def make_record(text: str = CP1251_TEXT, name: str = "a.txt", **kw) -> Record:
    """A record whose reading layer drops the first word, so offset maps are not trivial."""
    diplomatic = Layer(
        "diplomatic",
        text,
        spans=[Span(0, 8, "hi", {"rend": "bold"})],
        to_parent=OffsetMap.identity(len(text)),
        language="ru",
    )
    cut = text.index(" ") + 1
    reading = Layer(
        "reading",
        text[cut:],
        spans=[Span(0, 7, "add", {"hand": "ink"})],
        parent="diplomatic",
        to_parent=OffsetMap([Run(0, cut, len(text) - cut)]),
        language="ru",
    )
    translation = Layer("translation_en", "To Comrade Stalin", parent="reading", language="en")
    doc = Document(
        seq=0,
        source_start=0,
        source_end=len(text),
        diplomatic=diplomatic,
        reading=reading,
        language="ru",
        values=[
            Value("date", {"iso": "1952-11-03", "precision": "day"}, "3.XI.1952", 0, 5, method="rule:date"),
            Value("doc_type", "letter", method="rule:type", confidence=0.8),
            Value("doc_type", "memorandum", origin="human"),
            Value("author", {"name": "Вышинский", "name_en": None, "authority_id": None, "kind": "person"}),
        ],
        mentions=[Mention(0, 7, "PER", "Сталину", "Сталин", "Joseph Stalin", "q1", method="natasha.ner", confidence=0.9)],
        extra_layers=[translation],
    )
    second = Document(1, len(text), len(text), Layer("diplomatic", ""), Layer("reading", "", parent="diplomatic"))
    return Record(
        source_name=name,
        original=text.encode("cp1251"),
        encoding="cp1251",
        format="plain",
        text=text,
        metadata={"title": "Письмо", "nested": {"k": [1, 2]}},
        documents=[doc, second],
        warnings=["line 3: unknown tag <script>"],
        **kw,
    )


def test_round_trip_keeps_everything_including_non_utf8_bytes(store):
    rec = make_record()
    assert store.save_record(rec) == "added"
    back = store.get_record(rec.id)
    assert back.original == CP1251_TEXT.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        back.original.decode("utf-8")
    assert back == rec
    assert back.documents[0].first("doc_type").value == "memorandum"  # human wins
    assert "<script>alert(1)</script>" in back.documents[0].reading.text


def test_facet_columns_are_filled_from_values(store):
    rec = make_record()
    store.save_record(rec)
    with store.engine.connect() as conn:
        row = conn.execute(select(documents).where(documents.c.seq == 0)).mappings().one()
    assert (row["date"], row["date_precision"], row["doc_type"], row["language"]) == (
        "1952-11-03",
        "day",
        "memorandum",
        "ru",
    )


def test_saving_same_bytes_twice_is_unchanged_and_writes_nothing(store):
    rec = make_record()
    store.save_record(rec)
    with store.engine.connect() as conn:
        before = conn.execute(select(records.c.updated_at)).scalar_one()
    rec.metadata["title"] = "changed but same bytes"
    assert store.save_record(rec) == "unchanged"
    with store.engine.connect() as conn:
        assert conn.execute(select(records.c.updated_at)).scalar_one() == before
    assert store.get_record(rec.id).metadata["title"] == "Письмо"


def test_changed_bytes_update_documents_and_keep_old_original(store):
    old = make_record()
    store.save_record(old)
    new_text = "Товарищу Молотову.\n\nНовый текст письма.\n"
    new = make_record(new_text)
    assert new.id == old.id
    assert store.save_record(new) == "updated"
    assert store.count_records() == 1
    assert store.count_documents() == 2
    back = store.get_record(new.id)
    assert back.original == new_text.encode("cp1251")
    assert back.documents[0].reading.text.startswith("Молотову")
    assert store.get_original(old.sha256) == old.original
    assert [sha for sha, _ in store.versions(new.id)] == [old.sha256, new.sha256]
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(originals)).scalar_one() == 2
        texts = conn.execute(select(paragraphs.c.text)).scalars().all()
        store.backend.integrity_check(conn)
    assert not any("ТАСС" in t for t in texts)


def test_going_back_to_an_old_version_is_an_update(store):
    first, second = make_record(), make_record("Второй вариант.\n")
    assert [store.save_record(r) for r in (first, second, first)] == ["added", "updated", "updated"]
    assert [sha for sha, _ in store.versions(first.id)] == [first.sha256, second.sha256]
    assert store.get_record(first.id) == first


def test_a_failing_save_leaves_no_half_record(store):
    good = make_record()
    store.save_record(good)
    bad = make_record("Другой текст.\n")
    bad.documents[0].values.append(Value("broken", object()))  # not JSON: insert fails
    with pytest.raises(Exception):
        store.save_record(bad)
    assert store.get_record(good.id) == good
    with pytest.raises(KeyError):
        store.get_original(bad.sha256)
    other = make_record("Третий текст.\n", name="b.txt")
    other.documents[1].values.append(Value("broken", object()))
    with pytest.raises(Exception):
        store.save_record(other)
    assert store.record_ids() == [good.id]
    assert store.count_documents() == 2


def test_restricted_records_are_hidden_unless_asked(store):
    pub = make_record(name="public.txt")
    sec = make_record("Совершенно секретно.\n\nТекст.\n", name="secret.txt", visibility=RESTRICTED)
    store.save_record(pub)
    store.save_record(sec)
    assert store.record_ids() == [pub.id]
    assert store.count_records() == 1
    assert store.count_documents() == 2
    assert [r.id for r in store.iter_records()] == [pub.id]
    with pytest.raises(KeyError):
        store.get_record(sec.id)
    assert store.versions(sec.id) == []
    with pytest.raises(KeyError):
        store.get_original(sec.sha256)
    assert store.get_original(sec.sha256, include_restricted=True) == sec.original
    assert sorted(store.record_ids(include_restricted=True)) == sorted([pub.id, sec.id])
    assert store.count_records(include_restricted=True) == 2
    assert store.count_documents(include_restricted=True) == 4
    assert store.get_record(sec.id, include_restricted=True) == sec


def test_invalid_visibility_is_refused(store):
    with pytest.raises(ValueError, match="visibility"):
        store.save_record(make_record(visibility="secret"))
    assert store.count_records(include_restricted=True) == 0


def test_reopening_keeps_the_data(store_url):
    with Store.open(store_url) as s:
        s.save_record(make_record())
    with Store.open(store_url) as s:
        assert s.count_records() == 1
        assert s.get_record(make_record().id) == make_record()


@pytest.mark.sqlite_only("file paths and PRAGMAs exist only for SQLite")
def test_open_accepts_paths_and_urls_and_sets_pragmas(tmp_path):
    path = tmp_path / "x.db"
    assert database_url(path) == f"sqlite:///{path}"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    with Store.open(str(path)) as s:
        s.save_record(make_record())
    with Store.open(f"sqlite:///{path}") as s:  # reopening keeps data, creates nothing new
        assert s.count_records() == 1
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_paragraphs_follow_the_reading_layer(store):
    rec = make_record()
    store.save_record(rec)
    reading = rec.documents[0].reading.text
    with store.engine.connect() as conn:
        rows = conn.execute(select(paragraphs).order_by(paragraphs.c.seq)).mappings().all()
    assert [r["text"] for r in rows] == ["Сталину И.В.", "О <script>alert(1)</script> ответе ТАСС."]
    for r in rows:
        assert reading[r["start"] : r["end"]] == r["text"]
    assert "сталин" in rows[0]["lemmas"].split() and "сталину" in rows[0]["forms"].split()
