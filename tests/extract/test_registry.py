import pytest

from opis.extract.distribution import extract_distribution
from opis.extract.lines import layout
from opis.extract.registry import copies_made, extract_registry, handling, protocol, registry_numbers

EXTRACT = (
    "№ ВП2/19\n\nТ. т. Маленкову, Малику, Пальгунову\n\n3.XI. 19 52 г.\n\n"
    "Выписка из протокола № 2 заседания Бюро Президиума ЦК от 3 ноября 1952 г.\n\n"
    "Подлежит возврату не позже, чем в 7-дневный срок во 2-ю часть\n"
    "Общого Сектора ЦК (инст. ЦК от 5.V.57 г., пр. № 100, п. 5)\n\n"
    "19.- Об опровержении сообщений о переговорах между СССР и США по корейскому вопросу.\n\n"
    "Утвердить проект опровержения ТАСС по поводу сообщений о переговорах (прилагается).\n\nБЮРО ПРЕЗИДИУМА ЦК КПСС\n"
)
MEMO_TAIL = (
    "N 72, I\n\nНЕ СЕКРЕТНО\n\nОкз. № 7\n\nТоварищу СТАЛИНУ И.В.\n\n"
    "МИД СССР считает целесообразным опубликовать опровержение ТАСС, проект которого прилагается.\n\n"
    "Г. Пушкин /Г.Пушкин/\n\n30 \" октября 1952 года\n№ 35/пк\n\nРазослано:\n"
    "товарищу Сталину /2экз/\nтоварищам Маленкову /2экз/\nБерия\nКагановичу\nв дело /4экз/\n\n"
    "Отп. 29 экз. пр.\n№ 56"
)


def test_registry_numbers_and_what_is_not_one():
    assert [v.value for v in registry_numbers(layout(EXTRACT))] == ["ВП2/19"]
    # not the copy number "Окз. № 7", not the folio "N 72, I", not the typist's "пр. № 56"
    assert [v.value for v in registry_numbers(layout(MEMO_TAIL))] == ["35/пк"]


def test_number_on_a_transmission_line_and_english_cable_numbers():
    text = "Текст телеграммы о пленуме, который прошел успешно и принял резолюцию.\n\nА. Мимозн\n\n23 сент 1956г.\n\nМир 23-х сент N 1451-1456."
    assert [v.value for v in registry_numbers(layout(text))] == ["1451-1456"]
    text = "CONFIDENTIAL\n\nFROM: Geneva\nTO: Department of State\nNO: SECTO 41, 1 May 1954, 9 p.m.\n\nAt today's session the delegates repeated their proposals for elections."
    assert [v.value for v in registry_numbers(layout(text))] == ["SECTO 41"]


def test_protocol_reference():
    [v] = protocol(layout(EXTRACT))
    assert v.value == {"number": "2", "body": "Бюро Президиума ЦК", "date": "1952-11-03", "item": "19"}


def test_copies_and_handling():
    [c] = copies_made(MEMO_TAIL)
    assert c.value == 29 and c.as_written == "Отп. 29 экз"
    assert copies_made("Сов. секретно\nЕдинственный экземпляр\n")[0].value == 1
    [h] = handling(EXTRACT)
    assert h.value == "return within 7 days"
    assert EXTRACT[h.start:h.end].startswith("Подлежит возврату")
    assert copies_made("Текст без пометок.") == []


def test_distribution_list_with_copies():
    got = [(v.value["name"], v.value["copies"]) for v in extract_distribution(MEMO_TAIL)]
    assert got == [("Сталин", 2), ("Маленков", 2), ("Берия", None), ("Каганович", None), ("дело", 4)]
    first = extract_distribution(MEMO_TAIL)[0]
    assert MEMO_TAIL[first.start:first.end] == "товарищу Сталину /2экз/"


def test_distribution_stops_at_the_copy_note():
    text = "Разослано:\nт. Хрущеву /2 экз/\nт. Микояну\nв дело /2 экз/\nОтп. 6 экз.\n"
    assert [(v.value["name"], v.value["copies"]) for v in extract_distribution(text)] == [
        ("Хрущев", 2), ("Микоян", None), ("дело", 2)]


def test_registry_step_returns_values_with_provenance():
    for v in extract_registry(EXTRACT):
        assert v.method.startswith("rule:registry") and 0 < v.confidence <= 1


@pytest.mark.parametrize(("text", "numbers"), [
    # a registry number standing alone without a sign
    ("Сов. секретно\n\nТоварищам Первухину, Сабурову\n\nП47/12\n\nПОСТАНОВЛЕНИЕ\n\n"
     "Принять предложение Госплана СССР о поставках оборудования для сахарных заводов.\n", ["П47/12"]),
    # a British file reference in brackets closing the heading line
    ("SECRET\n\nForeign Office Minute                (NS 1021/7)\n\n"
     "The Soviet Ambassador called this afternoon to ask about the arrangements for the visit.\n",
     ["NS 1021/7"]),
    # a kind of number joined to its sign, with spaces inside the number; a copy number is none
    ("Translated from German\n\nVVS-Nr. A 4/2-17/63\nExemplar No. 3\n\n"
     "The Political Bureau has considered your proposals on the supply of rolled steel this year.\n",
     ["A 4/2-17/63"]),
    # a letter-spaced protocol number is not a registry number
    ("Секретно\n\nП Р О Т О К О Л  № 4\nзаседания Коллегии\n\n"
     "Слушали сообщение о ходе переговоров с финской торговой делегацией о поставках бумаги.\n", []),
])
def test_registry_numbers_in_other_layouts(text, numbers):
    found = registry_numbers(layout(text))
    assert [v.value for v in found] == numbers
    assert all(text[v.start:v.end] == v.as_written and "(" not in v.as_written for v in found)


@pytest.mark.parametrize(("text", "n"), [
    ("Отпечатано 5 экз.", 5), ("Отп. в 3 экз.", 3), ("Напечатано в 2 экземплярах", 2),
    ("Печ. 4 экз.", 4), ("Экз. единственный", 1), ("Экз. № 2", None),
])
def test_copy_notes_in_other_words(text, n):
    assert [v.value for v in copies_made(text)] == ([n] if n else [])


def test_a_numbered_distribution_list():
    text = "Разослано:\n1 - т. Косыгину\n2 - т. Суслову\n3 - в дело\n"
    assert [v.value["name"] for v in extract_distribution(text)] == ["Косыгин", "Суслов", "дело"]
