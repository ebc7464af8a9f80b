from opis.extract.lines import layout
from opis.extract.parties import authors, recipients
from opis.extract.people import _fallback_nominative, body, normalize_body, resolve


def names(values, field=None):
    return [v.value["name"] for v in values if field is None or v.field == field]


def test_three_addressees_in_one_line():
    text = "№ ВП2/19\n\nТ. т. Маленкову, Малику, Пальгунову\n\nВыписка из протокола № 2 заседания Бюро Президиума ЦК от 3 ноября 1952 г."
    rec = recipients(layout(text))
    assert names(rec) == ["Маленков", "Малик", "Пальгунов"]
    assert [text[v.start:v.end] for v in rec] == ["Маленкову", "Малику", "Пальгунову"]


def test_addressee_in_capitals_with_initials():
    [v] = recipients(layout("НЕ СЕКРЕТНО\n\nТоварищу СТАЛИНУ И.В.\n\nВ связи с поручением МИД СССР докладывает следующее."))
    assert v.value["name"] == "Сталин"
    assert v.value["kind"] == "person"


def test_destination_line_gives_the_body_not_the_place_of_writing():
    from opis.extract.place import extract_place

    text = "\n\nМосква, ЦК КПСС.\n\nСов. секретно 3\n\nВечером 22 сентября состоялась новая беседа с корейскими товарищами.\n\nА. Мимозн\n\n23 сент 1956г.\n"
    assert names(recipients(layout(text))) == ["ЦК КПСС"]
    assert extract_place(text) == []  # Москва is where it went, not where it was written


def test_destination_with_body_and_person():
    text = "ТЕЛЕГРАММА\n\nСекретно\n\nИз Пхеньяна\n\nМосква, МИД СССР, тов. ГРОМЫКО А.А.\n\n№ 613\n\nТекст телеграммы о составе нового кабинета министров КНДР и о беседе."
    assert names(recipients(layout(text))) == ["МИД СССР", "Громыко"]


def test_pseudonym_addressee_is_stalin():
    [v] = recipients(layout("TOP SECRET\n\nTo Comrade Filippov\n\nWe have received your telegram and agree with its proposals entirely."))
    assert v.value["name"] == "Сталин"
    [v] = recipients(layout("ТЕЛЕГРАММА\n\nТоварищу ФЫН СИ\n\nТоварищ Фын Си! Сегодня мы получили текст резолюции."))
    assert v.value["name"] == "Сталин"


def test_garbled_signature_links_to_mikoyan():
    text = ("Москва, ЦК КПСС.\n\nВечером 22 сентября состоялась новая беседа с корейскими товарищами, присутствовали Микоян и Пономарев.\n\n"
            "А. Мимозн\n\n23 сент 1956г.\n\nОг Верно: Мимозн.\n")
    got = authors(layout(text))
    assert names(got, "author") == ["Микоян"]
    assert names(got, "signatory") == ["Микоян"]
    assert got[0].as_written == "А. Мимозн"


def test_signature_with_typed_repeat_and_signed_form():
    text = "Товарищу СТАЛИНУ И.В.\n\nМИД СССР считает целесообразным опубликовать опровержение ТАСС, проект которого прилагается.\n\nПрошу рассмотреть.\n\nГ. Пушкин /Г.Пушкин/\n\n30 \" октября 1952 года\n"
    assert names(authors(layout(text)), "author") == ["Пушкин"]
    text = "SECRET\n\nThe negotiations remain deadlocked on the question of the repatriation of prisoners of war.\n\n(signed) J. F. Dulles\n"
    assert names(authors(layout(text)), "author") == ["Даллес"]


def test_tass_statement_is_tass_and_protocol_extract_is_the_body():
    text = "92\n\n\"Известия\" № 262 от 4.XI.1952г.\n\nОпровержение ТАСС\n\nЗа последние дни некоторые агентства распространяют сообщения о переговорах.\n"
    assert names(authors(layout(text))) == ["ТАСС"]
    text = ("Т. т. Маленкову, Малику, Пальгунову\n\nВыписка из протокола № 2 заседания Бюро Президиума ЦК от 3 ноября 1952 г.\n\n"
            "19.- Об опровержении сообщений о переговорах между СССР и США по корейскому вопросу.\n\nБЮРО ПРЕЗИДИУМА ЦК КПСС\n")
    assert names(authors(layout(text))) == ["Бюро Президиума ЦК КПСС"]


def test_a_memo_that_mentions_tass_is_not_by_tass():
    text = ("Товарищу СТАЛИНУ И.В.\n\nМИД СССР считает целесообразным опубликовать опровержение ТАСС, проект которого прилагается.\n\n"
            "Г. Пушкин\n\n30 октября 1952 года\n")
    assert names(authors(layout(text)), "author") == ["Пушкин"]


def test_unknown_recorder_means_no_author():
    text = ("ЗАПИСЬ БЕСЕДЫ\n\n17 мая 1958 г.\n\nБеседа состоялась в здании ЦК по просьбе посла и продолжалась около часа.\n\n"
            "Запись составил \n\nБухарест\n")
    assert authors(layout(text)) == []


def test_body_names_are_normalised():
    assert normalize_body("Президиума ЦК") == "Президиум ЦК КПСС"
    assert normalize_body("Политического бюро ЦК Коммунистической партии Чехословакии") == "Политбюро ЦК КПЧ"
    assert normalize_body("Дальневосточным отделом МИД СССР") == "Дальневосточный отдел МИД СССР"
    assert body("ЦЕНТРАЛЬНЫЙ КОМИТЕТ КОММУНИСТИЧЕСКОЙ ПАРТИИ СОВЕТСКОГО СОЮЗА").name == "ЦК КПСС"
    assert body("Москва") is None


def test_fallback_nominative_uses_the_case_of_the_position():
    assert _fallback_nominative("Кагановичу", "datv") == "Каганович"
    assert _fallback_nominative("П. Абрасимов", "nomn") == "Абрасимов"  # not "Абрасим"
    assert _fallback_nominative("ПАНЮШКИНА А.С.", "gent") == "Панюшкин"
    assert _fallback_nominative("Мао Цзэдуну", "datv") == "Мао Цзэдун"
    assert _fallback_nominative("НАМ ИРА", "gent") == "Нам Ир"
    assert _fallback_nominative("Мао Цзэдун", "nomn") == "Мао Цзэдун"


def test_resolve_gives_english_names_from_the_authority():
    p = resolve("Маленкову", case="datv")
    assert (p.name, p.name_en, p.kind) == ("Маленков", "Georgy Malenkov", "person")
    assert p.authority_id


def test_destination_city_is_recorded_apart_from_the_place_of_writing():
    from opis.extract.parties import destination

    text = "\n\nМосква, ЦК КПСС.\n\nСов. секретно 3\n\nВечером 22 сентября состоялась новая беседа с корейскими товарищами.\n"
    [v] = destination(layout(text))
    assert v.field == "destination" and v.value["name"] == "Москва"
    assert text[v.start:v.end] == "Москва"
