"""Latin names in queries -> Cyrillic forms."""

import pytest

from opis.entities.search_expand import expand_latin


@pytest.mark.parametrize("query,first", [
    ("mikoyan", "Микоян"),
    ("Kim Il Sung", "Ким Ир Сен"),
    ("malenkov", "Маленков"),
    ("filippov", "Филиппов"),
    ("zhou enlai", "Чжоу Эньлай"),
    ("chou en-lai", "Чжоу Эньлай"),
    ("moscow", "Москва"),
    ("panmunjom", "Паньмыньчжон"),
])
def test_expands_to_canonical_first(query, first):
    forms = expand_latin(query)
    assert forms and forms[0] == first
    assert all(not any("a" <= c.lower() <= "z" for c in f) for f in forms)


def test_pseudonym_brings_the_person():
    forms = expand_latin("filippov")
    assert "Сталин" in forms and "Фын Си" in forms


def test_variants_come_along():
    assert "Хрущёв" in expand_latin("khrushchev")
    assert "Чжоу Энь-лай" in expand_latin("zhou enlai")


def test_misspelling_one_edit_away():
    assert expand_latin("kruschev")[:1] == ["Хрущев"]


@pytest.mark.parametrize("query", ["the", "talks", "kim", "secret", "", "Москва"])
def test_unknown_or_common_words_expand_to_nothing(query):
    assert expand_latin(query) == []
