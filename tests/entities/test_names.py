"""Names as written -> canonical nominative; address lines -> one name per person."""

import pytest

from opis.entities.names import initials_of, nominative, split_addressees


@pytest.mark.parametrize("written,expected", [
    ("Маленкову", "Маленков"),
    ("Ким Ир Сена", "Ким Ир Сен"),
    ("Т. Ким Ир Сена", "Ким Ир Сен"),
    ("Мухитдинов", "Мухитдинов"),
    ("Берия", "Берия"),
    ("СТАЛИНУ И.В.", "Сталин"),
    ("Товарищу СТАЛИНУ И.В.", "Сталин"),
    ("тов. Кагановичу", "Каганович"),
    ("Хрущеву", "Хрущев"),
    ("Г. Пушкин /Г.Пушкин/", "Пушкин"),
    ("Дина Ачесона", "Ачесон"),
    ("Мао Цзэдуну", "Мао Цзэдун"),
    ("Нам Ира", "Нам Ир"),
    ("Cde. Filippov", "Filippov"),
    ("Mr. Acheson", "Acheson"),
    ("господину Иванову", "Иванов"),   # not in the authority: pymorphy3 alone
    ("Фурцевой", "Фурцева"),
    ("Т.т. Маленкову", "Маленков"),
    ("ТОВАРИЩУ МОЛОТОВУ В.М.", "Молотов"),
    ("тов.Хрущеву", "Хрущев"),
    ("Comrade Kim Il Sung", "Kim Il Sung"),
    ("Надем", "Надь"),
    ("Сидоренко Петром Ивановичем", "Сидоренко"),
])
def test_nominative(written, expected):
    assert nominative(written) == expected


def test_nominative_of_nothing():
    assert nominative("Тов.") == ""
    assert nominative("Т. т.") == ""


def test_initials():
    assert initials_of("А. Мимозн") == "А."
    assert initials_of("СТАЛИНУ И.В.") == "И. В."
    assert initials_of("Пак Ир У") == ""


def test_split_address_line_with_offsets():
    line = "Т. т. Маленкову, Малику, Пальгунову"
    parts = split_addressees(line)
    assert parts == ["Маленкову", "Малику", "Пальгунову"]
    for p in parts:
        assert line[p.start:p.end] == p


def test_split_distribution_lines():
    text = "товарищам Маленкову /2экз/\nБерия\nКагановичу\nв дело /4экз/"
    parts = split_addressees(text)
    assert parts[:3] == ["Маленкову", "Берия", "Кагановичу"]
    assert all(text[p.start:p.end] == p for p in parts)


def test_split_keeps_initials_in_span():
    parts = split_addressees("Товарищу СТАЛИНУ И.В.")
    assert parts == ["СТАЛИНУ И.В."]
    assert nominative(parts[0]) == "Сталин"


def test_addressees_survive_pickling_between_processes():
    import pickle

    from opis.entities.names import split_addressees

    people = split_addressees("Т. т. Маленкову, Малику, Пальгунову")
    back = pickle.loads(pickle.dumps(people))
    assert back == people and [(a.start, a.end) for a in back] == [(a.start, a.end) for a in people]
