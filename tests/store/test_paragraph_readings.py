"""Search paragraphs read accepted OCR readings in place of the words written (real
pymorphy3): one stored form per word of the text, whatever the reading's length."""

from __future__ import annotations

from opis.model import Record, Span
from opis.read.document import document_from_text
from opis.search import lemmas as lx
from opis.store.repository import _rows_following_readings, paragraph_rows

TEXT = "Беседу вел тов. Мнкоян в присутствии посла.\n\nПленум принял подокладу тов. Ким Ир Сена резолюцию."


def _at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def _record(text: str = TEXT) -> Record:
    return Record("t.txt", text.encode(), "utf-8", "transcription", text, documents=[document_from_text(text)])


def _accept(record: Record, word: str, reading: str) -> None:
    doc = record.documents[0]
    start, end = _at(doc.reading.text, word)
    doc.reading.spans.append(Span(start, end, "ocr_suspect", {"suggestions": [reading], "decision": "accept",
                                                             "reading": reading, "by": "vera"}))


def test_without_readings_the_columns_are_the_words_of_the_text():
    text = "Беседу вел тов. Мнкоян в присутствии посла."
    ws = lx.words(text)
    cols = lx.index_columns(text)
    assert cols.forms.split() == [w.surface for w in ws]
    assert cols.lemmas.split() == [lemma for w in ws for lemma in w.lemmas]
    assert lx.index_columns(text, [(0, 0, "x"), (*_at(text, "Мнкоян"), "—")]) == cols  # over no word, no word said


def test_a_one_word_reading_takes_the_place_of_its_word():
    text = "Беседу вел тов. Мнкоян в присутствии посла."
    cols = lx.index_columns(text, [(*_at(text, "Мнкоян"), "Микоян")])
    assert cols.forms.split() == ["беседу", "вел", "тов", "микоян", "в", "присутствии", "посла"]
    assert "микоян" in cols.lemmas.split() and "мнкоян" not in cols.lemmas.split()
    assert "mikoyan" in cols.translit.split() and "mnkoyan" not in cols.translit.split()


def test_a_longer_reading_keeps_one_form_per_word_and_indexes_every_word_of_it():
    text = "Пленум принял подокладу тов. Ким Ир Сена резолюцию."
    cols = lx.index_columns(text, [(*_at(text, "подокладу"), "по докладу")])
    forms = cols.forms.split()
    assert len(forms) == len(lx.words(text)) and forms[2] == "докладу"
    assert {"по", "доклад"} <= set(cols.lemmas.split())


def test_a_shorter_reading_fills_every_word_it_covers():
    text = "Беседу вел тов. Ми коян в присутствии."
    start, end = _at(text, "Ми коян")
    cols = lx.index_columns(text, [(start, end, "Микоян")])
    assert cols.forms.split() == ["беседу", "вел", "тов", "микоян", "микоян", "в", "присутствии"]


def test_the_rows_of_a_record_follow_its_accepted_readings_paragraph_by_paragraph():
    record = _record()
    plain = paragraph_rows(record)
    _accept(record, "Мнкоян", "Микоян")
    read = paragraph_rows(record)
    assert read[0][0]["forms"].split()[3] == "микоян" and read[0][1] == plain[0][1]
    assert read[0][0]["text"] == plain[0][0]["text"] and read[0][0]["start"] == plain[0][0]["start"]
    # rows made before the decision (an ingest worker's) are brought up to it: only the
    # paragraph the reading is in is analysed again, the other row is passed on as it was
    caught_up = _rows_following_readings(record, plain, [{}])
    assert caught_up == read and caught_up[0][1] is plain[0][1]
    # and back, when the decision is withdrawn
    record.documents[0].reading.spans.pop()
    assert _rows_following_readings(record, read, [{_at(record.documents[0].reading.text, "Мнкоян"): "Микоян"}]) == plain
