"""Date forms, precision, and the choice of the document's own date."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opis.extract.dates import document_date, extract_date, find_dates, parse_date


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("3 ноября 1952 г.", "1952-11-03", "day"),
        ("3.XI. 19 52 г.", "1952-11-03", "day"),
        ('30 " октября 1952 года', "1952-10-30", "day"),
        ("23 сент 1956г.", "1956-09-23", "day"),
        ("23. IX. 56г.", "1956-09-23", "day"),
        ("4.XI.1952г.", "1952-11-04", "day"),
        ("23 February 1952", "1952-02-23", "day"),
        ("7 March 1960", "1960-03-07", "day"),
        ("March 7, 1960", "1960-03-07", "day"),
        ("March 1960", "1960-03", "month"),
        ("октябрь 1948 г.", "1948-10", "month"),
        ("1953 г.", "1953", "year"),
        ("14.III.46 г.", "1946-03-14", "day"),
        ("«2» апреля 1953 года", "1953-04-02", "day"),
        ("Будапешт, 1957 г. марта 12.", "1957-03-12", "day"),
        ("1961 года, октября 3", "1961-10-03", "day"),
        ("FRIDAY, MARCH 4, 1960", "1960-03-04", "day"),
        ("12 AUGUST 1961", "1961-08-12", "day"),
        ("7-XI-1957 г.", "1957-11-07", "day"),
        ("7/XI-57 г.", "1957-11-07", "day"),
        ("1957.11.07", "1957-11-07", "day"),
        ("«___» ноября 1957 г.", "1957-11", "month"),
        ("16. April 1974", "1974-04-16", "day"),
        ("the 5th of May, 1955", "1955-05-05", "day"),
    ],
)
def test_date_forms(text, iso, precision):
    d = parse_date(text)
    assert d is not None
    assert (d.iso, d.precision) == (iso, precision)
    assert text[d.start:d.end] == d.as_written


def test_impossible_dates_are_not_dates():
    assert parse_date("31 февраля 1952 г.") is None
    assert parse_date("35.XI.1952 г.") is None


def test_date_offsets_point_into_the_text():
    text = "Отправлено: 23 сент 1956г. в 23.40"
    d = parse_date(text)
    assert text[d.start:d.end] == "23 сент 1956г."


def test_signature_date_wins_over_narrative_dates():
    text = (
        "Товарищу СТАЛИНУ И.В.\n\n"
        "24 октября 1952 года в речи на заседании Ачесон заявил, что переговоры были безрезультатными.\n\n"
        "Прошу рассмотреть.\n\nГ. Пушкин\n\n30 \" октября 1952 года\n№ 35/пк\n"
    )
    assert document_date(text).iso == "1952-10-30"


def test_narrative_dates_alone_give_no_document_date():
    text = "24 октября 1952 года в речи на заседании Генеральной Ассамблеи Ачесон заявил, что встречи ничего не дали."
    assert extract_date(text) == []


def test_conversation_is_dated_by_its_heading():
    text = ("Memorandum of Conversation\n7 June 1956\n\n"
            "Comrade Andropov visited Comrade Rakosi at the Party headquarters at his own request today.\n\n"
            "Recorded by: [illegible]\nBudapest, 8 June 1956\n")
    assert document_date(text).iso == "1956-06-08"
    assert document_date(text, header_first=True).iso == "1956-06-07"


def test_extract_date_value_shape():
    [v] = extract_date("ПУЗАНОВ\n\n23. IX. 57г.\n")
    assert v.field == "date"
    assert v.value == {"iso": "1957-09-23", "precision": "day"}
    assert v.as_written == "23. IX. 57г."
    assert 0 < v.confidence <= 1 and v.method.startswith("rule:date")


@settings(max_examples=300)
@given(st.text())
def test_date_parser_never_raises(text):
    for d in find_dates(text):
        assert 0 <= d.start < d.end <= len(text)
    extract_date(text)


@settings(max_examples=200)
@given(st.text(alphabet="0123456789 .IVX\"г года ноября сент March,", max_size=40))
def test_date_parser_never_raises_on_date_like_noise(text):
    for d in find_dates(text):
        assert d.precision in ("day", "month", "year")


def test_lower_case_may_is_not_a_month():
    assert parse_date("the delegation may 1962 be smaller") is None


def test_a_dateline_wins_over_the_newspaper_issue():
    text = ("«Известия», 15 марта 1958 г.\n\nВИЗИТ ДЕЛЕГАЦИИ\n\nМосква, 14 марта 1958 г. (ТАСС).\n\n"
            "Вчера в Москву прибыла делегация профсоюзов Финляндии во главе с председателем союза.\n")
    d = document_date(text)
    assert d.iso == "1958-03-14"


def test_minutes_are_dated_by_the_meeting_not_by_the_typing():
    text = ("SECRET\n\nMarch 9, 1956\n\nMINUTES OF THE MEETING OF THE OPERATIONS COORDINATING BOARD,\n"
            "WEDNESDAY, MARCH 7, 1956\n\nThe Board reviewed the progress reports on the exchange programme "
            "and agreed on the next steps.\n")
    assert document_date(text, header_first=True).iso == "1956-03-07"
    assert document_date(text).iso == "1956-03-09"


def test_a_date_closing_a_long_meeting_heading_dates_the_minutes():
    text = ("Minutes of the Meeting of the Political Committee of the Central Committee, 12 July 1956\n\n"
            "Present: the members of the Committee and the heads of the departments concerned.\n\n"
            "Comrade Kádár reported on the preparations for the plenum of the Central Committee.\n")
    assert document_date(text, header_first=True).iso == "1956-07-12"


def test_a_protocol_extract_in_translation_is_dated_by_its_session():
    text = ("TOP SECRET\n\nExtract from Protocol No. 12 of the Session of the CC CPSU Presidium, 3 May 1956\n\n"
            "Approve the draft reply to the government of Finland with the amendments made at the session.\n")
    assert document_date(text).iso == "1956-05-03"
