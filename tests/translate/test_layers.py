"""The editor's API: a translation entered by hand, its alignment corrected."""

from __future__ import annotations

import pytest

from opis.model import Record
from opis.read.document import document_from_text
from opis.translate.layers import (
    add_translation,
    alignment,
    alignment_origin,
    correct_alignment,
    info,
    translation,
)
from opis.translate.view import translation_citation

RU = "Секретно\n\nТоварищу Громыко А.А.\n\nПосол Болен посетил меня 5 марта 1953 года.\n\nА. Вышинский\n"
EN = "Secret\n\nTo Comrade A.A. Gromyko\n\nAmbassador Bohlen visited me on 5 March 1953.\n\nA. Vyshinsky\n"


def _record() -> Record:
    doc = document_from_text(RU, language="ru")
    return Record("vyshinsky.txt", RU.encode(), "utf-8", "transcription", RU, documents=[doc])


def test_an_editor_adds_a_translation_and_corrects_its_alignment(store):
    record = _record()
    doc = record.documents[0]
    layer = add_translation(doc, EN, "en", translator="J. Smith")
    assert info(layer) == {"language": "en", "method": "human", "translator": "J. Smith", "source": "editor"}
    assert alignment(doc, layer) == [((i,), (i,)) for i in range(4)]
    assert alignment_origin(layer) == "machine"

    correct_alignment(doc, "en", [((0, 1), (0, 1)), ((2,), (2,)), ((3,), (3,))])
    assert alignment_origin(layer) == "human"
    store.save_record(record)
    back = store.get_record(record.id).documents[0]
    again = translation(back, "en")
    assert alignment(back, again) == [((0, 1), (0, 1)), ((2,), (2,)), ((3,), (3,))]
    assert alignment_origin(again) == "human" and info(again)["translator"] == "J. Smith"

    # a second translation into the same language replaces the first
    add_translation(doc, EN.replace("visited", "called on"), "en")
    assert len(doc.extra_layers) == 1 and "called on" in translation(doc, "en").text


def test_an_alignment_naming_a_missing_paragraph_is_refused():
    record = _record()
    doc = record.documents[0]
    add_translation(doc, EN, "en")
    with pytest.raises(ValueError, match="does not exist"):
        correct_alignment(doc, "en", [((0,), (7,))])
    with pytest.raises(KeyError):
        correct_alignment(doc, "de", [((0,), (0,))])


def test_a_translation_with_no_original_paragraph_keeps_its_place():
    record = _record()
    doc = record.documents[0]
    add_translation(doc, EN.replace("A. Vyshinsky", "[Translator's note: signed in ink.]\n\nA. Vyshinsky"), "en")
    assert alignment(doc, translation(doc, "en"))[3] == ((), (3,))


def test_a_pair_around_a_note_is_stored_and_read_back_whole(store):
    record = _record()
    doc = record.documents[0]
    text = EN.replace("To Comrade A.A. Gromyko\n\n", "To Comrade\n\n[Translator's note: initials added.]\n\nA.A. Gromyko\n\n")
    layer = add_translation(doc, text, "en", aligned=[((0,), (0,)), ((1,), (1, 3)), ((), (2,)), ((2,), (4,)),
                                                      ((3,), (5,))])
    assert len([s for s in layer.spans if s.kind == "align"]) == 6
    store.save_record(record)
    back = store.get_record(record.id).documents[0]
    assert alignment(back, translation(back, "en")) == [((0,), (0,)), ((1,), (1, 3)), ((), (2,)), ((2,), (4,)),
                                                       ((3,), (5,))]


def test_the_citation_of_a_translation_says_which_and_by_whom():
    record = _record()
    layer = add_translation(record.documents[0], EN, "en", translator="J. Smith")
    assert translation_citation("“Note”, 5 March 1953, Archive.", layer) == (
        "“Note”, 5 March 1953, Archive. English translation, translated by J. Smith.")
