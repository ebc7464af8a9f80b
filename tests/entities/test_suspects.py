"""OCR suspects with suggestions stored beside the text."""

import pytest

from opis.entities.suspects import dictionary_suggestions, find_suspects, find_suspects_in_text, roman_reading


def first(text):
    found = find_suspects_in_text(text)
    assert found, text
    return found[0]


@pytest.mark.parametrize("text,word,suggestion", [
    ("удобрения необходимы им для подема сельскохозяйственного производства", "подема", "подъема"),
    ("путем отсекаания все новых кадров", "отсекаания", "отсекания"),
    ("УШ съезд компартии Китая", "УШ", "VIII"),
    ("усилия предпринимались также помимо Паньшынчжоня.", "Паньшынчжоня", "Паньмыньчжон"),
    ("Всекие слухи лишены основания", "Всекие", "Всякие"),
    ("Пленум принял подокладу резолюцию", "подокладу", "по докладу"),
])
def test_suspect_and_first_suggestion(text, word, suggestion):
    s = first(text)
    assert s.as_written == word and text[s.start:s.end] == word
    assert s.suggestions[0] == suggestion
    assert 0 < s.confidence <= 1


def test_known_words_names_and_abbreviations_are_not_suspects():
    text = ("Товарищ Ким Ир Сен заявил Пальгунову и Ачесону, что ТПК и КПК согласны; "
            "американско-советские встречи 23 сент 1956г.; агентство Дейли Геральд")
    assert find_suspects_in_text(text) == []


def test_roman_numerals_only_with_cyrillic_letters():
    assert roman_reading("УШ") == "VIII"
    assert roman_reading("ХХ") == "XX"
    assert roman_reading("XX") is None  # already Latin
    assert roman_reading("ШУ") is None  # IIIV is no numeral
    assert find_suspects_in_text("XX съезд КПСС") == []


def test_suggestions_never_change_the_text(seed_docs):
    (doc,) = seed_docs["001"]
    before = doc.reading.text
    found = find_suspects(doc)
    assert doc.reading.text == before
    words = {s.as_written: s for s in found}
    assert words["подема"].suggestions[0] == "подъема"
    assert words["УШ"].suggestions == ["VIII"]
    span = words["подема"].as_span()
    assert span.kind == "ocr_suspect" and span.attrs["suggestions"][0] == "подъема"
    assert doc.reading.text[span.start:span.end] == "подема"


def test_cheap_edits_rank_first():
    # a lost hard sign is likelier than a misread letter
    assert dictionary_suggestions("подем")[0][0] == "подъем"
