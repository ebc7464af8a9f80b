"""Authors and recipients in layouts beyond the development set: signatures beside dates
or each other, bodies in capitals or letter-spaced headings, offices and their holders,
agency datelines, letterheads, American drafting lines and British offices."""

import pytest

from opis.extract.lines import layout
from opis.extract.parties import _drafter, authors, recipients
from opis.extract.people import resolve

PROSE = "Переговоры о поставках оборудования продолжались весь день и закончились подписанием протокола.\n"
PROSE_EN = "The talks on the exchange of exhibitions went on all day and ended with an agreed text.\n"


def names(values, field="author"):
    return sorted(v.value["name"] for v in values if v.field == field)


@pytest.mark.parametrize(("text", "expected"), [
    # a signature typed on the date line
    ("ШИФРТЕЛЕГРАММА\n\nЦК КПСС\n\n" + PROSE + "\n5.III.58                          ПОНОМАРЕНКО\n",
     ["Пономаренко"]),
    # co-signatories side by side
    ("ЦК КПСС\n\n" + PROSE + "\nМ. Суслов                   Б. Пономарев\n\n12 мая 1962 г.\n",
     ["Пономарев", "Суслов"]),
    # the deciding body in capitals under the heading word
    ("Строго секретно\n\nПОСТАНОВЛЕНИЕ\nСЕКРЕТАРИАТА ЦК КПСС\n\nот 4 мая 1959 года\n\n" + PROSE,
     ["Секретариат ЦК КПСС"]),
    # a letter-spaced protocol of a collegium; its secretary is a clerk, not an author
    ("Секретно\n\nП Р О Т О К О Л  № 3\nзаседания Коллегии Министерства иностранных дел СССР\n\n"
     + PROSE + "\nСекретарь Коллегии\n", ["Коллегия МИД СССР"]),
    # a position without a name signs nothing
    ("Товарищу МИКОЯНУ А.И.\n\n" + PROSE + "\nСекретарь парткома\n", []),
    # a diary's keeper is named in the genitive
    ("Из дневника В. С. Семенова\n\n3 марта 1955 г.\n\n" + PROSE, ["Семенов"]),
    # a speech prepared for an office holder named in brackets
    ("Draft Speech for the Foreign Secretary\n(Mr. Eden)\nat the Dinner of the Pilgrims Society\n\n" + PROSE_EN,
     ["Иден"]),
    # a statement headed by an office without a name
    ("DRAFT\n\nSTATEMENT BY THE PRESIDENT\n\n" + PROSE_EN, ["Президент США"]),
    # a news item datelined by TASS, without the word in a heading or signature
    ("ПРИЕМ В КРЕМЛЕ\n\nМосква, 3 мая 1957 г. (ТАСС).\n\n" + PROSE, ["ТАСС"]),
    # an unsigned справка is by the body whose name stands above it
    ("Для служебного пользования\n\nДальневосточный отдел МИД СССР\n\nСПРАВКА\nо торговле с КНР\n\n" + PROSE,
     ["Дальневосточный отдел МИД СССР"]),
    # minutes of a body's meeting, American style
    ("TOP SECRET\n\nMEMORANDUM OF DISCUSSION AT THE 250TH MEETING OF THE NATIONAL SECURITY COUNCIL\n\n"
     + PROSE_EN, ["Совет национальной безопасности США"]),
    # a despatch's FROM: is the post; the ambassador signs it
    ("CONFIDENTIAL\n\nFROM:  Amembassy MOSCOW          DESP. NO. 77\nTO:    THE DEPARTMENT OF STATE, WASHINGTON.\n\n"
     + PROSE_EN + "\nLlewellyn E. Thompson\n", ["Томпсон"]),
    # a full English name of three words, with the office on the line below
    ("TOP SECRET\n\nMEMORANDUM FOR THE PRESIDENT\n\n" + PROSE_EN + "\nJohn Foster Dulles\nSecretary of State\n",
     ["Даллес"]),
    # a signature in slashes on its own line, under the position
    ("Секретно\n\nЗаместителю министра товарищу ЗОРИНУ В.А.\n\n" + PROSE + "\nПосол СССР в ПНР\n/П. Пономаренко/\n",
     ["Пономаренко"]),
    # a FROM: field with the office before the person
    ("SECRET\n\nINFORMATION MEMORANDUM\n\nTO: The Secretary\nFROM: INR - Llewellyn E. Thompson\n\n" + PROSE_EN,
     ["Томпсон"]),
    # a protocol extract in English translation is the deciding body's
    ("TOP SECRET\n\nExtract from Protocol No. 12 of the Session of the CC CPSU Presidium, 3 May 1956\n\n"
     + PROSE_EN, ["Президиум ЦК КПСС"]),
    # a translated telegram signed with a known surname alone; cities are no one
    ("TELEGRAM\n\nFrom Moscow to Beijing\n\nTo Comrade Zhou Enlai\n\n" + PROSE_EN + "\nFilippov\n\n2 June 1950\n",
     ["Сталин"]),
    # a surname alone that no one knows is not taken for a signature
    ("TELEGRAM\n\n" + PROSE_EN + "\nHelsinki\n", []),
    # a record of a body's meeting, the body on the next line with the date
    ("Сов. секретно\n\nЗАПИСЬ ЗАСЕДАНИЯ\nПрезидиума ЦК КПСС 6 ноября 1956 г.\n\n" + PROSE, ["Президиум ЦК КПСС"]),
    # a diary heading with its date
    ("Diary of Anatoly Chernyaev, 5 June 1986\n\n" + PROSE_EN, ["Черняев"]),
    # an unsigned record of a talk held by a named Soviet diplomat
    ("Секретно\n\nЗАПИСЬ БЕСЕДЫ\nпосла СССР в КНДР А.М. Пузанова\nс Ким Ир Сеном\n\n3 мая 1958 г.\n\n" + PROSE,
     ["Пузанов"]),
    ("Секретно\n\nЗАПИСЬ БЕСЕДЫ\nс послом Польши\n\n3 мая 1958 г.\n\n" + PROSE, []),
    # a telegram of one short sentence: the heading word is not its signature
    ("ШИФРТЕЛЕГРАММА\n\nПхеньян, Советскому послу\n\nПередайте Ким Ир Сену: согласны.\n\nФИЛИППОВ\n", ["Сталин"]),
    # an American drafting line in office-symbol form
    ("SECRET\n\nMEMORANDUM OF CONVERSATION\n\n" + PROSE_EN + "\nDrafted: EUR/SOV:LEThompson\nCleared: EUR:JSmith\n",
     ["Томпсон"]),
])
def test_authors(text, expected):
    found = authors(layout(text))
    assert names(found) == expected
    for v in found:
        assert text[v.start:v.end] == v.as_written or v.as_written in text


def test_a_secretary_is_never_an_author():
    text = "Товарищу МИКОЯНУ А.И.\n\n" + PROSE + "\nСекретарь ЦК КПСС                (подпись)\n"
    assert "Секретарь" not in names(authors(layout(text)))


def test_drafting_line_names():
    assert _drafter("EUR/EE:RHDavies, Jr.") == "R. H. Davies"
    assert _drafter("А. Громыко") == "А. Громыко"


@pytest.mark.parametrize(("text", "expected"), [
    # destination city with a full stop, address word in lower case
    ("ТЕЛЕГРАММА\n\nиз Лондона\n\nМОСКВА. НКИД СССР\nтоварищу ВЫШИНСКОМУ А.Я.\n\n" + PROSE,
     ["Вышинский", "НКИД СССР"]),
    # an office with its holder named below it: the holder
    ("To the Chairman of the Council of Ministers\nof the Union of Soviet Socialist Republics\n"
     "Comrade N. S. Khrushchev\nMoscow\n\nDear Comrade Chairman,\n\n" + PROSE_EN, ["Хрущев"]),
    # the city after the addressee is where it went, not who
    ("UNCLASSIFIED\n\nFROM:  Amembassy MOSCOW          DESP. NO. 77\nTO:    THE DEPARTMENT OF STATE, WASHINGTON.\n\n"
     + PROSE_EN, ["Государственный департамент США"]),
    # with a To: field, a body alone on a heading line is the letterhead
    ("INCOMING TELEGRAM\nDepartment of State\n\nSECRET\n\nFROM: Moscow\nTO: Secretary of State\n\n" + PROSE_EN,
     ["Государственный секретарь США"]),
    # a British minute to the Secretary of State goes to the Foreign Secretary
    ("CONFIDENTIAL\n\nForeign Office Minute\n\nSecretary of State\n\n" + PROSE_EN,
     ["Министр иностранных дел Великобритании"]),
    ("TELEGRAM\n\nFrom Moscow to Beijing\n\nTo Comrade Zhou Enlai\n\n" + PROSE_EN, ["Чжоу Эньлай"]),
    # "The Secretary" of a State Department paper; "господину" in a translated letter
    ("SECRET\n\nINFORMATION MEMORANDUM\n\nTO: The Secretary\nFROM: INR - Llewellyn E. Thompson\n\n" + PROSE_EN,
     ["Государственный секретарь США"]),
    ("Перевод с английского\n\nЕго Превосходительству\nгосподину А.А. Громыко\n\nУважаемый господин Министр!\n\n" + PROSE,
     ["Громыко"]),
    # a long address line closed by a colon, with a title before the name
    ("Cable\n\nTo the Delegation in Geneva, for Vice Premier Chen Yi:\n\n" + PROSE_EN, ["Чэнь И"]),
])
def test_recipients(text, expected):
    assert names(recipients(layout(text)), "recipient") == sorted(expected)


def test_an_english_phrase_is_not_a_person():
    assert resolve("the Embassy in Poland", context={"signature": True}) is None


def test_an_oblique_surname_is_not_read_as_another_nominative():
    assert resolve("В. С. Семенова", type="PER", context={"signature": True}, case="gent").name == "Семенов"


@pytest.mark.parametrize("mark", ["/signed/", "sgd.", "Signed:", "(подп.)", "/подпись/", "[signed]"])
def test_marks_of_a_signature_in_a_copy(mark):
    text = "Товарищу ХРУЩЕВУ Н.С.\n\n" + PROSE + "\n" + mark + " А. Громыко\n"
    assert names(authors(layout(text))) == ["Громыко"]


@pytest.mark.parametrize(("signature", "name"), [
    ("Дж. Кеннеди", "Кеннеди"),   # an initial of two letters
    ("(Н. Хрущев)", "Хрущев"),    # a signature in brackets
    ("Ким Ир Сен", "Ким Ир Сен"),  # an East Asian name of three words in ordinary case
    ("Посол СССР в ГДР Первухин М.Г.", "Первухин"),  # position, surname and initials on one line
])
def test_signature_forms(signature, name):
    text = "Товарищу МИКОЯНУ А.И.\n\n" + PROSE + "\n" + signature + "\n"
    assert names(authors(layout(text))) == [name]


@pytest.mark.parametrize(("greeting", "expected"), [
    ("Dear Comrade Khrushchev,", ["Хрущев"]),
    ("Дорогой товарищ Гомулка!", ["Гомулка"]),
    ("Dear Mr. President:", ["Президент США"]),
    ("Dear Comrades,", []),
    ("Dear Mr. Chairman,", []),
])
def test_a_letter_without_an_address_block_goes_to_whom_it_greets(greeting, expected):
    from opis.extract.parties import salutation_recipient

    text = "Translated from Polish\n\n" + greeting + "\n\n" + PROSE_EN + "\nWith comradely greetings\n"
    assert names(salutation_recipient(layout(text)), "recipient") == expected


def test_an_embassy_addressed_by_its_own_ministry():
    from opis.extract.lines import value

    sender = value("author", {"name": "МИД КНР", "name_en": None, "authority_id": None, "kind": "body"},
                   None, None, None, "test", 1.0)
    text = "Cable\n\nTo the Embassy in Poland, for Ambassador Wang Bingnan:\n\n" + PROSE_EN
    assert "Посольство КНР в Польше" in names(recipients(layout(text), [sender]), "recipient")
    # without a known sender the embassy is no one's
    assert not any(n.startswith("Посольство") for n in names(recipients(layout(text)), "recipient"))


def test_a_british_statement_by_the_secretary_of_state_is_the_foreign_secretarys():
    from opis.extract.pipeline import document_summary
    from opis.read.document import document_from_text

    text = ("CONFIDENTIAL\n\nForeign Office\n\nStatement by the Secretary of State\n\n"
            "His Majesty's Government have studied the Soviet proposals and cannot accept them as they stand.\n")
    summary = document_summary(document_from_text(text))
    assert [a["name"] for a in summary["authors"]] == ["Министр иностранных дел Великобритании"]
