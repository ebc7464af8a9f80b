import re

from hypothesis import given, settings
from hypothesis import strategies as st

from opis.read.document import document_from_text
from opis.read.markup import parse_markup


def test_seed001_reading_and_diplomatic_layers(seed001):
    text = seed001.read_text(encoding="utf-8")
    doc = document_from_text(text)
    assert "указаниями о необходимости" in doc.reading.text
    assert "~~" not in doc.reading.text and "<sup>" not in doc.reading.text
    deletions = [doc.diplomatic.slice(s) for s in doc.diplomatic.spans_of("del")]
    assert "организационных и административных мер" in deletions
    assert "организационных и административных мер" not in doc.reading.text
    # the deleted words stay in the diplomatic text, the insertion is merged into reading
    assert "организационных и административных мер" in doc.diplomatic.text
    assert "неправильности применения руководящих кадров и мер" in doc.reading.text


def test_every_span_maps_back_to_its_source_characters(seed001):
    text = seed001.read_text(encoding="utf-8")
    doc = document_from_text(text)
    for span in doc.diplomatic.spans:
        if span.end == span.start:
            continue
        s, e = doc.to_source("diplomatic", span.start, span.end)
        assert text[s:e] == doc.diplomatic.slice(span)
    for m in re.finditer(r"Ким Ир Сен\w*", doc.reading.text):
        s, e = doc.to_source("reading", m.start(), m.end())
        assert text[s:e] == m.group()


def test_marks_of_every_kind():
    text = ("Текст **важно** и <sup>вставка</sup> и ~~зачёркнуто~~ слово [handwritten: Согласен] "
            "и [illegible] и [печать: Секретариат]\n\n№ 71, I\n\n87\n\nконец <u>подчёркнуто</u>")
    parsed = parse_markup(text)
    dip = parsed.diplomatic
    kinds = {(s.kind, dip.slice(s)) for s in dip.spans}
    assert ("hi", "важно") in kinds
    assert ("add", "вставка") in kinds
    assert ("del", "зачёркнуто") in kinds
    assert ("hand", "Согласен") in kinds
    assert ("gap", "") in kinds
    assert ("folio", "№ 71, I") in kinds and ("folio", "87") in kinds
    notes = [s for s in dip.spans if s.kind == "note"]
    assert notes[0].attrs["text"] == "печать: Секретариат"
    assert "[" not in dip.text
    reading = parsed.reading.text
    assert "зачёркнуто" not in reading and "№ 71" not in reading and "\n87\n" not in reading
    assert "важно и вставка и слово Согласен" in reading
    assert parsed.warnings == []


def test_unknown_tags_are_kept_as_text():
    text = "До <script>alert(1)</script> и <foo>бар</foo> после"
    parsed = parse_markup(text)
    assert parsed.diplomatic.text == text
    assert "<script>alert(1)</script>" in parsed.reading.text


def test_unbalanced_markup_is_a_warning_and_stays_literal():
    text = "Первая ~~строка без конца\n\nвторая <sup>вставка без конца и </sub> конец"
    parsed = parse_markup(text, first_line=10)
    assert parsed.diplomatic.text == text
    assert len(parsed.warnings) == 3
    assert any(w.startswith("line 10:") and "~~" in w for w in parsed.warnings)
    assert any(w.startswith("line 12:") and "<sup>" in w for w in parsed.warnings)


def test_folio_lines_are_not_confused_with_numbered_text():
    parsed = parse_markup("19.- Об опровержении сообщений.\n\n3.XI. 19 52 г.\n\n92\n\n№ 3742\n\nN 72, I\n")
    folios = [parsed.diplomatic.slice(s) for s in parsed.diplomatic.spans_of("folio")]
    assert folios == ["92", "N 72, I"]
    assert "№ 3742" in parsed.reading.text


markup_text = st.lists(
    st.sampled_from(["слово ", "~~", "**", "<sup>", "</sup>", "[illegible]", "[заметка]",
                     "\n", "\n\n", "87\n", "<b>", "</b>", "[handwritten: да]", "ё", "<x>"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(markup_text)
def test_parsing_never_fails_and_maps_stay_in_bounds(text):
    parsed = parse_markup(text, base=5)
    dip, rd = parsed.diplomatic, parsed.reading
    for layer in (dip, rd):
        for span in layer.spans:
            assert 0 <= span.start <= span.end <= len(layer.text)
    for i in range(len(rd.text) + 1):
        assert 0 <= rd.to_parent.to_parent(i) <= len(dip.text)
    for i in range(len(dip.text) + 1):
        assert 5 <= dip.to_parent.to_parent(i) <= 5 + len(text)
    # every character of the diplomatic text comes from the same character of the source
    for run in dip.to_parent.runs:
        assert dip.text[run.child:run.child + run.length] == text[run.parent - 5:run.parent - 5 + run.length]
