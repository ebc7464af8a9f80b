"""Document types from headings and, without one, from the shape of the text."""

import pytest

from opis.extract.doctype import extract_doctype


@pytest.mark.parametrize(("text", "kind"), [
    # a letter-spaced heading
    ("Секретно\n\nП Р О Т О К О Л  № 7\nзаседания Коллегии Министерства внешней торговли СССР\n\n"
     "Слушали сообщение о ходе переговоров с финской торговой делегацией о поставках бумаги.\n", "minutes"),
    # a record of a body's meeting, American style
    ("TOP SECRET\n\nMEMORANDUM OF DISCUSSION AT THE 301ST MEETING OF THE NATIONAL SECURITY COUNCIL\n\n"
     "The Director of Central Intelligence briefed the Council on the situation in the Middle East.\n", "minutes"),
    # a news agency's dateline makes a printed item a press statement
    ("«Известия», 12 мая 1957 г.\n\nОТЪЕЗД ДЕЛЕГАЦИИ\n\nМосква, 11 мая 1957 г. (ТАСС).\n\n"
     "Вчера из Москвы отбыла на родину правительственная делегация, находившаяся в Советском Союзе.\n",
     "press_statement"),
    ("ОТЪЕЗД ДЕЛЕГАЦИИ\n\nМосква, 11 мая 1957 г. (ТАСС).\n\n"
     "Вчера из Москвы отбыла на родину правительственная делегация, находившаяся в Советском Союзе.\n",
     "press_statement"),
    # a draft speech: its heading, or its opening address to the chair
    ("Draft Remarks for the Secretary at the Luncheon of the Press Club\n\n"
     "It is a pleasure to be with you today and to speak about our relations with Europe.\n", "speech"),
    ("Not for issue\n\nStatement for the Minister\nat the Opening Session\n\nMr. Chairman,\n\n"
     "My Government has instructed me to put before this conference a proposal on the Danube.\n", "speech"),
    ("ПРОЕКТ ВЫСТУПЛЕНИЯ\nна собрании актива\n\nТоварищи!\n\n"
     "Прошедший год был для нашего завода годом серьезных испытаний и больших успехов.\n", "speech"),
    # an information memorandum is a memorandum, even with To:/From: fields
    ("SECRET\n\nINFORMATION MEMORANDUM\n\nTO: The Secretary\nFROM: INR - Roger Hilsman\n\n"
     "The Soviet leadership appears to regard the treaty as a success and presents it so at home.\n", "memorandum"),
    # a stenogram of a meeting is minutes; of a speech, a speech
    ("Сов. секретно\n\nСТЕНОГРАММА\nзаседания Президиума ЦК КПСС\n\n"
     "Председательствует товарищ Хрущев. На заседании обсуждается вопрос о поездке в Югославию.\n", "minutes"),
    ("СТЕНОГРАММА\nвыступления товарища Суслова\n\n"
     "Товарищи, прошедший год был для партии годом больших испытаний и больших побед во всех делах.\n", "speech"),
    ("СТЕНОГРАММА\nбеседы товарища Хрущева с премьер-министром Индии\n\n"
     "Хрущев приветствует гостя и говорит, что рад возможности обменяться мнениями о делах в Азии.\n",
     "conversation"),
    # a British telegram is headed by its route
    ("FROM WARSAW TO FOREIGN OFFICE\n\nCONFIDENTIAL\n\n"
     "The Polish press has today published the full text of the speech with only minor cuts in it.\n", "telegram"),
    # other headings of the same kinds
    ("ВЕРБАЛЬНАЯ НОТА\n\nМинистерство иностранных дел СССР сообщает Посольству о порядке выдачи виз журналистам.\n",
     "note"),
    ("ПОСЛАНИЕ\nПредседателя Совета Министров СССР\n\nУважаемый господин Президент! Я получил Ваше письмо и отвечаю на него.\n",
     "letter"),
    ("SECRET\n\nINTELLIGENCE REPORT\n\nThe Soviet leadership has decided to reduce the armed forces by a third in two years.\n",
     "report"),
    ("ИНФОРМАЦИОННОЕ СООБЩЕНИЕ\nо Пленуме ЦК КПСС\n\nНа днях состоялся очередной Пленум Центрального Комитета партии.\n",
     "press_statement"),
    ("Conversation between Comrade Mao Zedong and Ambassador Yudin\n\n"
     "Yudin conveyed the proposals of the Soviet leadership on the naval station and asked for an answer.\n",
     "conversation"),
    # an embassy despatch is a report, even with From:/To: fields like a cable
    ("CONFIDENTIAL\n\nFROM:  Amembassy WARSAW          DESP. NO. 312\nTO:    THE DEPARTMENT OF STATE\n\n"
     "The harvest in the western provinces has been better than the regime expected in the spring.\n",
     "report"),
])
def test_type_from_heading_or_shape(text, kind):
    [v] = extract_doctype(text)
    assert v.value == kind
    assert text[v.start:v.end] == v.as_written


def test_a_record_of_meeting_with_a_person_is_not_minutes():
    text = ("SECRET\n\nRECORD OF MEETING WITH AMBASSADOR MENSHIKOV\n\n"
            "The Ambassador called at his own request and raised the question of visas for journalists.\n")
    assert [v.value for v in extract_doctype(text)] != ["minutes"]
