"""Place, language and titles; and that no step breaks on any input."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opis.extract.language import extract_language
from opis.extract.pipeline import extract_file, extract_metadata, summarise
from opis.extract.place import extract_place
from opis.extract.titles import titles
from opis.read.document import document_from_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "place"), [
    ("Товарищу СТАЛИНУ И.В.\n\nТекст письма о поставках зерна и угля в будущем году, согласованный с ЦК.\n\nКИМ ИР СЕН\n\nПхеньян, 23 сентября 1956 г.\n", "Пхеньян"),
    ("ТЕЛЕГРАММА\n\nСекретно\n\nИз Пекина\n\nЦК КПСС\n\nСегодня меня пригласил Лю Шаоци и сообщил о решениях Политбюро ЦК КПК.\n", "Пекин"),
    ("ШИФРТЕЛЕГРАММА из Пекина\n\nЦК КПСС\n\nСегодня меня пригласил Лю Шаоци и сообщил о решениях Политбюро ЦК КПК.\n", "Пекин"),
    ("SECRET\n\nFrom: Moscow\nTo: Secretary of State\n\nKhrushchev told me at the reception last night that he favoured an exchange.\n", "Москва"),
    ("SECRET\n\nMoscow, 14 November 1945\n\nThis afternoon I called on Vyshinski at his request and we discussed the elections.\n", "Москва"),
])
def test_place_of_writing(text, place):
    [v] = extract_place(text)
    assert v.value["name"] == place
    assert text[v.start:v.end] in (v.as_written,)


def test_language_by_script():
    assert extract_language("Товарищу СТАЛИНУ")[0].value == "ru"
    assert extract_language("To Comrade Filippov")[0].value == "en"
    assert extract_language("12 345") == []


def test_titles_from_facts():
    mikoyan = {"name": "Микоян", "name_en": "Anastas Mikoyan", "kind": "person"}
    cc = {"name": "ЦК КПСС", "name_en": "CPSU Central Committee", "kind": "body"}
    assert titles("telegram", [(mikoyan, "А. И.")], [(cc, None)]) == (
        "Telegram from A. I. Mikoyan to the CPSU Central Committee",
        "Телеграмма А. И. Микояна в ЦК КПСС")
    bureau = {"name": "Бюро Президиума ЦК КПСС", "name_en": "Bureau of the CC CPSU Presidium", "kind": "body"}
    en, ru = titles("decision", [(bureau, None)], [], {"number": "2"})
    assert en == "Extract from Protocol No. 2 of the Meeting of the Bureau of the CC CPSU Presidium"
    assert ru == "Выписка из протокола № 2 заседания Бюро Президиума ЦК КПСС"
    president = {"name": "Президент США", "name_en": "President of the United States", "kind": "body"}
    acheson = {"name": "Ачесон", "name_en": "Dean Acheson", "kind": "person"}
    assert titles("memorandum", [(acheson, "Д.")], [(president, None)]) == (
        "Memorandum from Dean Acheson to the President of the United States",
        "Записка Д. Ачесона Президенту США")
    assert titles(None, [], []) is None


@pytest.mark.parametrize("name", ["190_hostile_html.txt", "191_unbalanced_markup.txt"])
def test_awkward_files_still_extract(name):
    path = ROOT / "examples" / name
    if not path.exists():
        pytest.skip("fixture not in this checkout")
    docs = extract_file(path)
    assert docs and all(d["language"] == "ru" for d in docs)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=600))
def test_no_step_raises_on_any_text(text):
    doc = document_from_text(text)
    values = extract_metadata(doc)
    summary = summarise(values)
    for v in values:
        if v.start is not None and v.layer == "reading":
            assert 0 <= v.start <= v.end <= len(doc.reading.text)
    assert summary["date"] is None or summary["date"]["precision"] in ("day", "month", "year")


def test_english_stamps_are_not_places_and_place_fields_are():
    text = "SECRET\n\nMEMORANDUM OF CONVERSATION\n\nDate: 26 September 1959\nPlace: Camp David, Maryland\n\nThe Chairman said that he did not want his visit to end without an understanding.\n\nRUSK\n"
    [v] = extract_place(text)
    assert v.as_written == "Camp David" and v.value["name_en"] == "Camp David"
    assert extract_place("SECRET\n\nDRAFT\n\nThe Chairman said that he did not want his visit to end without an understanding.\n") == []


@pytest.mark.parametrize(("name", "gent", "datv"), [
    ("Пушкин", "Пушкина", "Пушкину"), ("Хрущев", "Хрущева", "Хрущеву"),
    ("Новотный", "Новотного", "Новотному"), ("Вышинский", "Вышинского", "Вышинскому"),
    ("Гомулка", "Гомулки", "Гомулке"), ("Громыко", "Громыко", "Громыко"),
    ("Ракоши", "Ракоши", "Ракоши"), ("Пузанов", "Пузанова", "Пузанову"),
])
def test_surnames_decline_in_russian_titles(name, gent, datv):
    from opis.extract.titles import _inflect

    assert (_inflect(name, "gent"), _inflect(name, "datv")) == (gent, datv)


def test_an_addressed_note_is_a_diplomatic_note():
    mid = {"name": "МИД СССР", "name_en": "Soviet Foreign Ministry", "kind": "body"}
    emb = {"name": "Посольство США в СССР", "name_en": "US Embassy in Moscow", "kind": "body"}
    assert titles("note", [(mid, None)], [(emb, None)])[1] == "Нота МИД СССР Посольству США в СССР"
    assert titles("note", [(mid, None)], [])[1] == "Справка МИД СССР"
