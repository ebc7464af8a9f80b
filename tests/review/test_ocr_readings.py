"""An OCR reading an editor accepted is what search finds; the text stays as written.

Real store (both backends), real pymorphy3: a short telegram of our own whose signature
line names "Мнкоян" (OCR read и as н), beside the seed 001 that names Микоян correctly.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from opis.access.policy import Viewer
from opis.ingest.runner import ingest_paths
from opis.review import service
from opis.review.corrections import CorrectionError
from opis.search import lemmas as lx
from opis.search.engine import render_snippet, search
from opis.store.schema import corrections, documents, paragraphs
from tests.review.folder import beside_seed

EDITOR = Viewer("vera", "editor")

TELEGRAM = """ШИФРОТЕЛЕГРАММА

Москва, ЦК КПСС.

Сов. секретно

Сегодня состоялась беседа с руководством ТПК о подготовке пленума. Беседу вел тов. Мнкоян в присутствии посла. Корейские товарищи согласились учесть наши замечания к проекту резолюции и обещали сообщить ответ завтра.

24 сентября 1956 г.
"""


@pytest.fixture
def archive(tmp_path, seed001, store):
    """The garbled telegram and the seed 001, ingested from a folder (so files can change)."""
    rid, seed, path, folder = beside_seed(tmp_path, seed001, store, "telegram_1956.txt", TELEGRAM)
    return store, rid, seed, folder, path


def _suspect(store, rid, word="Мнкоян"):
    doc = store.get_record(rid).documents[0]
    return next(s for s in doc.reading.spans if s.kind == "ocr_suspect" and doc.reading.text[s.start:s.end] == word)


def _key(span) -> str:
    return f"{span.start}-{span.end}"


def _found(store, query) -> list[str]:
    return sorted(h.record_id for h in search(store, query, limit=50).hits)


def _forms(store, rid) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return [(r.text, r.forms) for r in conn.execute(
            select(paragraphs.c.text, paragraphs.c.forms).join(documents, documents.c.id == paragraphs.c.document_id)
            .where(documents.c.record_id == rid).order_by(paragraphs.c.seq))]


def test_an_accepted_reading_is_found_by_search_and_the_text_stays_as_written(archive):
    store, rid, seed, _, _ = archive
    span = _suspect(store, rid)
    assert span.attrs["suggestions"] == ["Микоян"]
    before = store.get_record(rid).documents[0]
    assert _found(store, "Микоян") == [seed] and _found(store, "Mikoyan") == [seed]
    assert _found(store, '"тов Микоян"') == [] and _found(store, "Мнкоян") == [rid]

    service.decide_suspect(store, EDITOR, rid, 1, _key(span), "accept")  # the first suggestion

    # exactly one more document: the telegram, through its corrected word
    assert search(store, "Микоян").total == 2 and _found(store, "Микоян") == sorted([rid, seed])
    assert _found(store, "Mikoyan") == sorted([rid, seed])
    assert _found(store, '"тов Микоян"') == [rid] and _found(store, '"Микоян в присутствии посла"') == [rid]
    assert _found(store, "Микояна") == sorted([rid, seed])  # any case form, as for a word written so
    assert _found(store, "Мнкоян") == []  # the index reads the word as the editor does
    hit = next(h for h in search(store, '"тов Микоян"').hits)
    # the snippet shows the word as written, marked as the match it now is
    assert "вел «тов». «Мнкоян» в присутствии посла" in render_snippet(hit.snippet)
    # another correction saves the record again: the reading stays in the index
    service.correct_field(store, EDITOR, rid, 1, "doc_type", "ciphered_telegram")
    assert _found(store, '"тов Микоян"') == [rid]
    # what the page says is untouched: texts, offsets, the suspect mark (with the decision)
    after = store.get_record(rid).documents[0]
    assert (after.reading.text, after.diplomatic.text) == (before.reading.text, before.diplomatic.text)
    assert after.reading.to_parent == before.reading.to_parent
    s = _suspect(store, rid)
    assert (s.start, s.end) == (span.start, span.end) and after.reading.text[s.start:s.end] == "Мнкоян"
    assert s.attrs["decision"] == "accept" and s.attrs["reading"] == "Микоян"
    # position i of the stored forms is still word i of the paragraph's text
    for text, forms in _forms(store, rid):
        surfaces = [w.surface for w in lx.words(text)]
        assert len(forms.split()) == len(surfaces)
        if "мнкоян" in surfaces:
            i = surfaces.index("мнкоян")
            assert forms.split()[i] == "микоян" and forms.split()[:i] == surfaces[:i]


def test_the_reading_holds_through_reingest_new_versions_reextraction_and_parallel_ingest(archive):
    store, rid, seed, folder, path = archive
    service.decide_suspect(store, EDITOR, rid, 1, _key(_suspect(store, rid)), "accept", "Микоян")
    both = sorted([rid, seed])
    assert ingest_paths([folder], store).count("unchanged") == 2
    assert _found(store, "Микоян") == both
    # a new version with a line BEFORE the word: the decision follows the word
    path.write_text("Вх. № 1451\n\n" + TELEGRAM, encoding="utf-8")
    assert ingest_paths([folder], store).count("updated") == 1
    moved = _suspect(store, rid)
    assert moved.attrs["decision"] == "accept" and moved.attrs["reading"] == "Микоян"
    with store.engine.connect() as conn:
        assert conn.execute(select(corrections.c.key).where(corrections.c.record_id == rid)).scalars().all() == [
            _key(moved)]
    assert _found(store, "Микоян") == both and _found(store, '"тов Микоян"') == [rid]
    service.rerun_extraction(store, EDITOR, rid)
    assert _found(store, "Микоян") == both and _found(store, "Mikoyan") == both
    # workers analyse the paragraphs knowing nothing of the decision; the save catches up
    path.write_text(path.read_text(encoding="utf-8") + "\nПометка архива: сверено.\n", encoding="utf-8")
    assert ingest_paths([folder], store, workers=2).count("updated") == 1
    assert _found(store, "Микоян") == both and _found(store, '"Микоян в присутствии"') == [rid]
    assert any("тов микоян в" in forms for _, forms in _forms(store, rid))
    assert not any("мнкоян" in forms for _, forms in _forms(store, rid))
    assert [e["action"] for e in service.history(store, rid)] == ["ingest", "suspect.accept", "update", "extract",
                                                                   "update"]


def test_rejecting_or_withdrawing_leaves_only_the_word_as_written(archive):
    store, rid, seed, folder, path = archive
    key = _key(_suspect(store, rid))
    service.decide_suspect(store, EDITOR, rid, 1, key, "accept")
    service.decide_suspect(store, EDITOR, rid, 1, key, "reject")
    assert _found(store, "Микоян") == [seed] and _found(store, '"тов Микоян"') == []
    assert _found(store, "Мнкоян") == [rid]
    assert _suspect(store, rid).attrs["decision"] == "reject" and "reading" not in _suspect(store, rid).attrs

    service.decide_suspect(store, EDITOR, rid, 1, key, "accept", "Микоян")
    assert _found(store, "Микоян") == sorted([rid, seed])
    service.withdraw_suspect(store, EDITOR, rid, 1, key)
    assert _found(store, "Микоян") == [seed] and _found(store, "Mikoyan") == [seed]
    assert _found(store, '"тов Мнкоян"') == [rid]
    assert not {"decision", "reading", "by"} & set(_suspect(store, rid).attrs)
    # nothing brings it back: a new version of the file, a second withdrawal refused
    path.write_text(TELEGRAM + "\nПометка архива: сверено.\n", encoding="utf-8")
    assert ingest_paths([folder], store).count("updated") == 1
    assert _found(store, "Микоян") == [seed]
    with pytest.raises(CorrectionError, match="no decision"):
        service.withdraw_suspect(store, EDITOR, rid, 1, key)
    assert [e["action"] for e in service.history(store, rid)][1:] == [
        "suspect.accept", "suspect.reject", "suspect.accept", "suspect.withdraw", "update"]


def test_readings_of_another_number_of_words_in_the_seed(archive):
    """"УШ съезд" read as "VIII", and "подокладу" (two words run together) as "по докладу"."""
    store, _, seed, _, _ = archive
    ush = min((s for s in store.get_record(seed).documents[0].reading.spans
               if s.kind == "ocr_suspect" and s.attrs["suggestions"] == ["VIII"]), key=lambda s: s.start)
    assert _found(store, '"VIII съезд"') == []
    service.decide_suspect(store, EDITOR, seed, 1, _key(ush), "accept")
    assert _found(store, '"VIII съезд"') == [seed]
    assert _found(store, '"докладу тов Ким"') == []
    service.decide_suspect(store, EDITOR, seed, 1, _key(_suspect(store, seed, "подокладу")), "accept", "по докладу")
    assert _found(store, '"докладу тов Ким"') == [seed] and _found(store, "подокладу") == []
    assert _found(store, '"VIII съезд"') == [seed]  # the record saved again keeps the first one
    for text, forms in _forms(store, seed):  # still one stored form per word of the text
        assert len(forms.split()) == len(lx.words(text))


def test_decisions_follow_their_words_in_order_when_text_comes_before_them():
    from opis.model import Record, Span
    from opis.read.document import document_from_text
    from opis.review.corrections import SUSPECT, Decision, moved_decisions

    def record(text: str) -> Record:
        doc = document_from_text(text)
        for word in ("Мнкоян", "Мнкоян", "подема"):
            at = doc.reading.text.find(word, max([s.end for s in doc.reading.spans if s.kind == "ocr_suspect"] or [0]))
            if at >= 0:
                doc.reading.spans.append(Span(at, at + len(word), "ocr_suspect", {"suggestions": []}))
        return Record("t.txt", text.encode(), "utf-8", "transcription", text, documents=[doc])

    body = "Тов. Мнкоян сообщил, что тов. Мнкоян и для подема согласны."
    old, new = record(body), record("Вх. № 1451. " + body)
    keys = [f"{s.start}-{s.end}" for s in old.documents[0].reading.spans if s.kind == "ocr_suspect"]
    now = [f"{s.start}-{s.end}" for s in new.documents[0].reading.spans if s.kind == "ocr_suspect"]
    decided = [Decision(0, "suspect", keys[1], {"action": "accept", "reading": "Микоян", "as_written": "Мнкоян"}, "vera"),
               Decision(0, "suspect", keys[0], {"action": "reject", "reading": None, "as_written": "Мнкоян"}, "vera"),
               Decision(0, "suspect", keys[2], {"action": "accept", "reading": "подъема"}, "vera")]  # an older one
    assert moved_decisions(old, decided, SUSPECT) == []
    assert [(d.value["action"], k) for d, k in moved_decisions(new, decided, SUSPECT)] == [("reject", now[0]),
                                                                                 ("accept", now[1])]
    # a word no longer in the text: its decision stays where it was, unapplied
    assert moved_decisions(record(body.replace("Мнкоян", "Микоян")), decided[:1], SUSPECT) == []
