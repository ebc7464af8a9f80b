from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opis.extract.split import split_documents
from opis.ingest.published import parse_published

ROOT = Path(__file__).resolve().parents[2]


def _body(name: str) -> str:
    return parse_published((ROOT / "examples" / name).read_text(encoding="utf-8")).body


def _covers(text: str, spans: list[tuple[int, int]]) -> bool:
    return (spans[0][0] == 0 and spans[-1][1] == len(text)
            and all(a[1] == b[0] for a, b in zip(spans, spans[1:])))


def test_seed_000_holds_three_documents():
    body = _body("000_e7381ea8498c35b3.txt")
    spans = split_documents(body)
    assert len(spans) == 3
    assert _covers(body, spans)
    extract, tass, memo = (body[s:e] for s, e in spans)
    assert "Выписка из протокола № 2" in extract and "Опровержение ТАСС" not in extract
    assert tass.lstrip().startswith("92")  # the folio above the publication line goes with it
    assert '"Известия" № 262' in tass and "ТАСС уполномочен" in tass
    assert memo.startswith("N 72, I") and "Г. Пушкин" in memo and "Отп. 29 экз." in memo
    assert "3-кс" in extract  # the copy mark after the signature stays with its document


def test_seed_001_is_one_document():
    text = (ROOT / "examples" / "001_a31a19e8a354493c.txt").read_text(encoding="utf-8")
    assert split_documents(text) == [(0, len(text))]


@pytest.mark.parametrize(("name", "count", "second_starts"), [
    ("108_record_molotov_korea_1953.txt", 2, "№ 32, I"),
    ("114_gromyko_memo_draft_note_1959.txt", 2, "Проект"),
    ("132_record_rusk_kennedy_1962.txt", 2, "[Page 2]"),
])
def test_gold_files_with_several_documents(name, count, second_starts):
    text = (ROOT / "examples" / name).read_text(encoding="utf-8")
    body = parse_published(text).body if "Contents:" in text else text
    spans = split_documents(body)
    assert len(spans) == count
    assert _covers(body, spans)
    assert body[spans[1][0]:spans[1][1]].strip().startswith(second_starts)
    # what follows a signature (registry number, distribution) stays with the first
    assert "Прошу рассмотреть" not in body[spans[1][0]:] or count == 1


def test_distribution_after_signature_is_not_a_new_document():
    text = ("Товарищу МОЛОТОВУ В.М.\n\nНаправляю вам проект постановления по вопросу о поставках зерна.\n\n"
            "А. Громыко\n\n26 февраля 1959 г.\n\nРазослано:\nт. Хрущеву\nв дело\n")
    assert len(split_documents(text)) == 1


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_spans_always_cover_the_text(text):
    spans = split_documents(text)
    assert spans
    if text:
        assert _covers(text, spans)


@pytest.mark.parametrize(("text", "second_starts"), [
    # a letter after a signed and dated letter
    ("Секретно\n\nТоварищу ХРУЩЕВУ Н.С.\n\nПосылаю Вам проект ответа на письмо руководства партии о поставках зерна.\n\n"
     "А. Микоян\n\n3 ноября 1959 г.\n\nСекретно\n\nТоварищу ГОМУЛКЕ В.\n\n"
     "ЦК КПСС рассмотрел Ваше письмо и готов обсудить вопрос о поставках зерна.\n\nН. Хрущев\n",
     "Секретно\n\nТоварищу ГОМУЛКЕ"),
    # a draft statement attached to a memorandum at a tab
    ("MEMORANDUM FOR THE SECRETARY\n\nThe text of the statement you asked for is attached at Tab B "
     "and has been cleared by the legal adviser.\n\nTab B\n\nDRAFT\n\nSTATEMENT BY THE SECRETARY\n\n"
     "The United States welcomes the agreement reached today on the exchange of students.\n", "Tab B"),
])
def test_a_second_document_starts_at_its_heading_block(text, second_starts):
    spans = split_documents(text)
    assert len(spans) == 2
    assert text[spans[1][0]:].startswith(second_starts)


def test_a_distribution_list_closes_a_document():
    text = ("Товарищу МОЛОТОВУ В.М.\n\nНаправляю вам проект постановления по вопросу о поставках зерна в ГДР.\n\n"
            "Разослано:\nт. Хрущеву\nв дело\n\nСекретно\n\nТоварищу МАЛЕНКОВУ Г.М.\n\n"
            "Направляю вам справку о поставках угля в Польшу в первом квартале.\n")
    assert len(split_documents(text)) == 2


def test_stars_at_the_end_do_not_make_an_empty_document():
    text = "STATEMENT BY THE DEPARTMENT OF STATE\n\nThe United States delegation has been instructed to present new proposals.\n\n*   *   *\n"
    assert split_documents(text) == [(0, len(text))]
    two = text + "\nThe Government of the United States hopes that the Soviet Union will examine them.\n"
    assert len(split_documents(two)) == 2


@pytest.mark.parametrize("text", [
    # a stamp at the foot of the last page stays with the document
    ("ТЕЛЕГРАММА\n\nТоварищу БУЛГАНИНУ Н.А.\n\nПереговоры о поставках леса закончились сегодня, "
     "протокол будет подписан в понедельник утром.\n\nЗОРИН\n\n3 мая 1956 г.\n\n"
     "                                   Секретно\n"),
    # a sentence opening with "Тов." is running text, not an addressee block
    ("ЗАПИСЬ БЕСЕДЫ\nс послом Польши\n\n12 марта 1957 г.\n\n"
     "Посол сообщил, что делегация прибудет в Москву в конце месяца и пробудет неделю.\n\n"
     "Тов. Гомулка просил передать, что вопрос о ценах на уголь он считает решенным окончательно.\n\n"
     "П. Пономаренко\n"),
])
def test_weak_cues_that_do_not_start_a_document(text):
    assert split_documents(text) == [(0, len(text))]
