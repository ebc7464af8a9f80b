import pytest

from opis.extract.classification import classification_line, extract_classification


@pytest.mark.parametrize(
    ("line", "value", "words"),
    [
        ("Сов. секретно", "top_secret", "Сов. секретно"),
        ("Сов. секретно 3", "top_secret", "Сов. секретно"),
        ("Совершенно секретно", "top_secret", "Совершенно секретно"),
        ("НЕ СЕКРЕТНО", "unclassified", "НЕ СЕКРЕТНО"),
        ("Секретно", "secret", "Секретно"),
        ("СЕКРЕТНО Экз. № 2", "secret", "СЕКРЕТНО"),
        ("Для служебного пользования", "official_use", "Для служебного пользования"),
        ("Особая папка", "special_file", "Особая папка"),
        ("Конфиденциально", "confidential", "Конфиденциально"),
        ("Top Secret", "top_secret", "Top Secret"),
        ("SECRET", "secret", "SECRET"),
        ("CONFIDENTIAL", "confidential", "CONFIDENTIAL"),
        ("Unclassified", "unclassified", "Unclassified"),
        ("LIMITED OFFICIAL USE", "official_use", "LIMITED OFFICIAL USE"),
        ("Строго секретно", "top_secret", "Строго секретно"),
        ("Сов. секретно. Особая папка", "special_file", "Особая папка"),
        ("Особая папка, совершенно секретно", "special_file", "Особая папка"),
        ("SECRET/SENSITIVE", "secret", "SECRET"),
        ("TOP SECRET/NOFORN", "top_secret", "TOP SECRET"),
        ("Classification: Confidential", "confidential", "Confidential"),
        ("Гриф: секретно", "secret", "секретно"),
        ("Confidential Classified Matter", "confidential", "Confidential"),
        ("Доверительно", "confidential", "Доверительно"),
        ("Strictly Secret", "top_secret", "Strictly Secret"),
        ("PERSONAL AND CONFIDENTIAL", "confidential", "PERSONAL AND CONFIDENTIAL"),
        ("SECRET                       March 3, 1962", "secret", "SECRET"),
    ],
)
def test_stamps(line, value, words):
    hit = classification_line(line)
    assert hit is not None
    assert hit[0] == value
    assert line[hit[1]:hit[2]] == words


@pytest.mark.parametrize("line", [
    "the secret talks were held in New York last spring",
    "Совершенно секретные переговоры велись весной",
    "Секретарь ЦК",
])
def test_words_in_a_sentence_are_not_a_stamp(line):
    assert classification_line(line) is None


def test_special_file_outranks_top_secret_and_keeps_its_words():
    text = "СТРОГО СЕКРЕТНО\nОСОБАЯ ПАПКА\n\nТекст."
    [v] = extract_classification(text)
    assert v.value == "special_file"
    assert v.as_written == "ОСОБАЯ ПАПКА"
    assert text[v.start:v.end] == "ОСОБАЯ ПАПКА"


def test_no_stamp_no_value():
    assert extract_classification("Товарищу СТАЛИНУ И.В.\n\nПрошу рассмотреть.") == []


def test_a_stamp_at_the_foot_of_the_page_counts():
    text = ("Товарищу ЗОРИНУ В.А.\n\nСообщаю, что делегация выезжает завтра утренним поездом через Брест.\n\n"
            "И. Ильичев\n\n                                  Секретно\n")
    [v] = extract_classification(text)
    assert v.value == "secret" and text[v.start:v.end] == "Секретно"


def test_classification_field_label_is_not_a_sentence():
    assert classification_line("The classification of these papers is confidential") is None
