"""Layouts of authors and recipients first met in blind set B, each on a short text of our own."""

from opis.extract.lines import layout
from opis.extract.parties import authors, recipients
from opis.extract.people import organisation, resolve

BODY = "Сообщаю, что вопрос о поставках оборудования был рассмотрен и решение будет принято в ближайшие дни."
EN_BODY = "The talks on the trade agreement were resumed this morning and both sides agreed to meet again next week."


def names(values, field=None):
    return [v.value["name"] for v in values if field is None or v.field == field]


def test_rank_before_a_signature_is_not_the_name():
    text = f"ТЕЛЕГРАММА\n\n{BODY}\n\nКОМАНДУЮЩИЙ 1 АРМИЕЙ\nГЕНЕРАЛ-ПОЛКОВНИК ЧИСТЯКОВ\n"
    found = authors(layout(text))
    assert names(found, "author") == ["Чистяков"]
    v = found[0]
    assert text[v.start:v.end] == "ЧИСТЯКОВ"
    text = f"Товарищу Малиновскому\n\n{BODY}\n\nМинистр обороны КНР\nМаршал Пэн Дэхуай\n"
    assert names(authors(layout(text)), "author") == ["Пэн Дэхуай"]


def test_diary_heading_with_a_long_office_names_the_diarist():
    text = ("СЕКРЕТНО\n\nИЗ ДНЕВНИКА\nПОСЛА СССР В ВЕНГЕРСКОЙ НАРОДНОЙ РЕСПУБЛИКЕ\nЮ.В. АНДРОПОВА\n\n"
            "2 марта 1955 года\n\n" + BODY + "\n")
    assert names(authors(layout(text)), "author") == ["Андропов"]


def test_agency_speaking_in_its_own_name():
    text = ("KCNA STATEMENT\n\nPyongyang, March 3, 1970 (KCNA) -- The Korean Central News Agency is authorized "
            "to state as follows:\n\n" + EN_BODY + "\n")
    assert names(authors(layout(text))) == ["ЦТАК"]


def test_agency_dateline_of_a_news_item():
    text = "Pyongyang, March 3 (KCNA) -- " + EN_BODY + "\n\n" + EN_BODY + "\n"
    assert names(authors(layout(text))) == ["ЦТАК"]


def test_statement_of_an_office_is_by_the_holder_the_text_names():
    text = ("ЗАЯВЛЕНИЕ ПРЕСС-СЕКРЕТАРЯ ПРАВИТЕЛЬСТВА ПНР\n\nВаршава, 4 мая 1983 года.\n\n"
            "Пресс-секретарь правительства ПНР Ежи Урбан заявил сегодня журналистам, что правительство "
            "не намерено менять своих решений о ценах на продовольствие.\n")
    assert names(authors(layout(text))) == ["Урбан"]


def test_us_cable_to_secstate():
    text = "CONFIDENTIAL\n\nFROM:    AMEMBASSY WARSAW\nTO:      SECSTATE WASHDC\n\n" + EN_BODY + "\n\nGRONOUSKI\n"
    assert names(recipients(layout(text))) == ["Государственный секретарь США"]


def test_body_addressed_with_attention_line_for_a_person():
    text = ("TO THE PRESIDENCY OF THE SFRY\nAttention: Dr. Borisav Jovic, President of the Presidency\n\n"
            + EN_BODY + "\n\nBudimir Loncar\n")
    lay = layout(text)
    assert names(recipients(lay)) == ["Президиум СФРЮ", "Йович"]
    assert names(authors(lay), "author") == ["Лончар"]


def test_his_excellency_and_the_name_under_it():
    text = "His Excellency\nMr. Ioan Totu\nMinister of Foreign Affairs\nBucharest\n\nDear Comrade Minister,\n\n" + EN_BODY + "\n"
    assert names(recipients(layout(text))) == ["Тоту"]


def test_a_title_before_the_named_person_adds_nothing():
    text = "To:      The Minister of Foreign Affairs, Lee Tong-won\nFrom:    Ambassador Kim Hyun-chul\n\n" + EN_BODY + "\n"
    lay = layout(text)
    assert names(recipients(lay)) == ["Ли Тон Вон"]
    assert names(authors(lay)) == ["Ким Хён Чхоль"]


def test_rank_and_surname_in_the_dative_on_address_lines():
    text = ("ТЕЛЕГРАММА\n\nМАРШАЛУ СОВЕТСКОГО СОЮЗА МЕРЕЦКОВУ\n"
            "ЧЛЕНУ ВОЕННОГО СОВЕТА ГЕНЕРАЛ-ПОЛКОВНИКУ ШТЫКОВУ\n\n" + BODY + "\n")
    assert names(recipients(layout(text))) == ["Мерецков", "Штыков"]


def test_mongolian_addressees_in_the_dative():
    text = "Тт. Моломжамцу, Дугэрсурэну\n\nВыписка из протокола № 3 заседания Политбюро ЦК МНРП от 1 мая 1966 г.\n"
    assert names(recipients(layout(text))) == ["Моломжамц", "Дугэрсурэн"]


def test_letter_spaced_destination_with_a_dash():
    text = "ШИФРТЕЛЕГРАММА\n\nИз ПХЕНЬЯНА\n\nМ О С К В А  —  МИД СССР\n\n" + BODY + "\n\nСУЗДАЛЕВ\n"
    assert names(recipients(layout(text))) == ["МИД СССР"]


def test_the_registry_number_closes_the_letterhead():
    text = ("Пролетарии всех стран, соединяйтесь!\n\nКоммунистическая партия Советского Союза\nЦЕНТРАЛЬНЫЙ КОМИТЕТ\n\n"
            "№ П12/4\n\nМИД СССР\n\nВыписка из протокола № 12 заседания Президиума ЦК КПСС от 2 июня 1955 г.\n")
    assert names(recipients(layout(text))) == ["МИД СССР"]


def test_two_nominative_lines_are_a_letterhead_not_an_address():
    text = ("ВЕНГЕРСКАЯ СОЦИАЛИСТИЧЕСКАЯ РАБОЧАЯ ПАРТИЯ\nЦЕНТРАЛЬНЫЙ КОМИТЕТ\n\n"
            "Тов. Ацелу\n\nВыписка из протокола № 5 заседания Политбюро ЦК ВСРП от 3 мая 1975 г.\n")
    assert names(recipients(layout(text))) == ["Ацел"]


def test_long_form_of_a_body_takes_the_authority_name():
    assert organisation("Посольство Демократической Республики Вьетнам в СССР").name == "Посольство ДРВ в СССР"
    assert organisation("НКИД СССР").name == "НКИД СССР"  # a short form stays as written


def test_a_body_that_signs():
    text = f"Центральному Комитету КПСС\n\n{BODY}\n\n          Президиум ЦК КПЧ\n"
    assert names(authors(layout(text))) == ["Президиум ЦК КПЧ"]
    text = f"{BODY}\n\nМИНИСТЕРСТВУ ИНОСТРАННЫХ ДЕЛ СССР\n"
    assert authors(layout(text)) == []  # an address at the foot does not sign


def test_british_telegram_is_by_the_ambassador_its_heading_names():
    text = ("CONFIDENTIAL\n\nFROM MOSCOW TO FOREIGN OFFICE\n\nCypher/OTP                    Sir F. Roberts\n"
            "                              No. 905\n\n" + EN_BODY + "\n")
    assert names(authors(layout(text))) == ["Робертс"]


def test_bare_ministry_letterhead_of_a_translation():
    text = ("Translated from the French\n\nMINISTRY OF FOREIGN AFFAIRS\n\n"
            "RECORD OF THE CONVERSATION BETWEEN THE MINISTER AND THE AMBASSADOR OF THE U.S.S.R.\n\n" + EN_BODY + "\n")
    assert names(authors(layout(text))) == ["МИД Франции"]
    text = text.replace("French", "Spanish")
    assert authors(layout(text)) == []  # Spanish names no one state: no guess


def test_sovposol_under_a_city_is_the_ambassador_there():
    text = "Совершенно секретно\n\nШИФРОВКА\n\nБЕЛГРАД\n\nСОВПОСОЛУ\n\n" + BODY + "\n\nЦК КПСС\n"
    assert names(recipients(layout(text))) == ["Посол СССР в Югославии"]


def test_latin_names_of_new_authority_people():
    assert resolve("Budimir Loncar").name == "Лончар"
    assert resolve("Osvaldo Dorticos Torrado").name == "Дортикос"
    assert resolve("Kim Hyun-chul").name == "Ким Хён Чхоль"


def test_unknown_south_slavic_signature_gets_its_russian_surname():
    text = "TO THE PRESIDENCY OF THE SFRY\n\n" + EN_BODY + "\n\nPetar Hrvatović\n"
    [a] = [v for v in authors(layout(text)) if v.field == "author"]
    assert a.value["name"] == "Хрватович"
    assert a.value["name_en"] == "Petar Hrvatović"
    text = "TO THE PRESIDENCY OF THE SFRY\n\n" + EN_BODY + "\n\nPetar Hrvatovic\n"
    assert names(authors(layout(text)), "author") == ["Petar Hrvatovic"]  # no diacritics: as written
