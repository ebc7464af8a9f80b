"""A Russian original with its English translation beside it: one record, two aligned
texts, found in either language, shown side by side."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from opis.ingest.runner import ingest_paths
from opis.ingest.sources import iter_source_paths
from opis.search.engine import facets, search
from opis.store.schema import paragraphs
from opis.translate.layers import alignment, info, translation
from opis.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
PAIR = ROOT / "tests" / "gold" / "parallel" / "06_diary_1962"

PUBLISHED = """October 20, 1962
**Diary of Ambassador Moskovsky**

Citation:

"Diary of Ambassador Moskovsky", October 20, 1962, our own test record.

Original Language:

Russian

Contents:

Original Scan
Translation - English

Секретно

Утром посетил министра иностранных дел КНДР Пак Сон Чера и передал ему заявление ТАСС.

Вечером отправил в Москву телеграмму № 412.

Translation - English

Secret

In the morning I visited the DPRK Minister of Foreign Affairs Pak Song Chol and handed him the TASS statement.

In the evening I sent telegram No. 412 to Moscow.
"""


@pytest.fixture
def pair_dir(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix in (".txt", ".en.txt"):
        shutil.copy(PAIR.with_name(PAIR.name + suffix), folder / (PAIR.name + suffix))
    return folder


def test_the_translation_file_is_read_with_its_original(pair_dir):
    assert [p.name for p, _ in iter_source_paths([pair_dir])] == [PAIR.name + ".txt"]
    # named on its own, beside its original, it is still not a record of its own
    assert list(iter_source_paths([pair_dir / (PAIR.name + ".en.txt")])) == []


def test_one_record_with_two_aligned_texts_and_idempotent_reingest(pair_dir, store):
    summary = ingest_paths([pair_dir], store)
    assert (summary.count("added"), summary.count("failed")) == (1, 0)
    [rid] = store.record_ids()
    record = store.get_record(rid)
    assert len(record.documents) == 1
    doc = record.documents[0]
    layer = translation(doc, "en")
    assert layer is not None and layer.language == "en"
    assert info(layer)["method"] == "human" and info(layer)["source"] == PAIR.name + ".en.txt"
    assert layer.text == (pair_dir / (PAIR.name + ".en.txt")).read_text(encoding="utf-8")
    pairs = alignment(doc, layer)
    assert ((5,), (5, 6)) in pairs and len(pairs) == 9
    assert record.metadata["translations"][0]["language"] == "en"

    again = ingest_paths([pair_dir], store)
    assert again.count("unchanged") == 1
    # a corrected translation alone updates the record
    en = pair_dir / (PAIR.name + ".en.txt")
    en.write_text(en.read_text(encoding="utf-8").replace("attentively", "carefully"), encoding="utf-8")
    third = ingest_paths([pair_dir], store)
    assert third.count("updated") == 1
    assert "carefully" in translation(store.get_record(rid).documents[0], "en").text


def test_english_words_find_the_translation_with_english_stemming(pair_dir, store):
    ingest_paths([pair_dir], store)
    hits = search(store, "correspondents").hits  # the text says "correspondent"
    assert len(hits) == 1
    with store.engine.connect() as conn:
        layers = {r.layer for r in conn.execute(paragraphs.select())}
    assert layers == {"reading", "translation:en"}
    assert search(store, "корреспондент").total == 1
    langs = dict(facets(store, "correspondent")["language"])
    assert langs == {"ru": 1, "en": 1}
    assert search(store, None, filters={"language": "en"}).total == 1


def test_a_published_record_holding_its_translation(tmp_path, store):
    src = tmp_path / "published_with_translation.txt"
    src.write_text(PUBLISHED, encoding="utf-8")
    assert ingest_paths([src], store).count("added") == 1
    record = store.get_record(store.record_ids()[0])
    assert len(record.documents) == 1
    doc = record.documents[0]
    assert "Secret" not in doc.reading.text and "Translation" not in doc.reading.text
    layer = translation(doc, "en")
    assert layer.text.startswith("Secret") and layer.text.rstrip().endswith("to Moscow.")
    assert info(layer)["source"] == "record"
    # the translation's offsets lead back into the record's own text
    s, e = doc.to_source(layer.name, 0, 6)
    assert record.text[s:e] == "Secret"
    assert alignment(doc, layer) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_side_by_side_page(pair_dir, make_store, store_url):
    with make_store() as s:
        ingest_paths([pair_dir], s)
        rid = s.record_ids()[0]
    client = TestClient(create_app(store_url))
    page = client.get(f"/documents/{rid}?view=parallel")
    assert page.status_code == 200
    html = page.text
    assert 'class="parallel"' in html and 'href="/static/parallel.css"' in html
    row = html[html.index('id="pair-6"'):html.index('id="pair-7"')]
    assert "Затем он спросил" in row and "Then he asked" in row and "I answered that I had no such" in row
    assert 'lang="en"' in row and 'lang="ru"' in row
    assert 'data-view="parallel"' in client.get(f"/documents/{rid}").text
    data = client.get(f"/documents/{rid}.json?view=parallel").json()
    assert data["parallel"]["language"] == "en" and not data["parallel"]["machine"]
    assert data["parallel"]["rows"][5]["translation_paragraphs"] == [5, 6]
    assert data["translations"][0]["layer"] == "translation:en"

    found = client.get("/search.json", params={"q": "correspondent"}).json()["hits"][0]
    assert found["matched_language"] == "en"
    assert "view=parallel" in found["passage_url"] and "at=en:" in found["passage_url"]
    target = client.get(found["passage_url"].split("#")[0]).text
    assert 'id="found"' in target and "correspondent" in target[target.index('id="found"'):][:400]
    css = client.get("/static/parallel.css")
    assert css.status_code == 200 and ".pair:hover" in css.text and ".pair:focus-within" in css.text


def test_a_document_without_translation_has_no_parallel_view(tmp_path, make_store, store_url):
    src = tmp_path / "alone.txt"
    src.write_text("Секретно\n\nТоварищу Громыко А.А.\n\nТекст записки.\n", encoding="utf-8")
    with make_store() as s:
        ingest_paths([src], s)
        rid = s.record_ids()[0]
    client = TestClient(create_app(store_url))
    assert client.get(f"/documents/{rid}?view=parallel").status_code == 404
    assert 'data-view="parallel"' not in client.get(f"/documents/{rid}").text
    assert client.get(f"/documents/{rid}?at=en:0-3").status_code == 400
