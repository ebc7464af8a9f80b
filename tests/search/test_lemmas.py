from opis.search import lemmas as lx


def test_normalize_folds_case_yo_marks_and_punctuation():
    assert lx.normalize("Ёлка") == "елка"
    assert lx.normalize("что\u0301") == "что"  # stress mark
    assert lx.normalize("«ТАСС»,") == "тасс"
    assert lx.normalize("7-дневный") == "7-дневный"
    assert lx.normalize("--") == ""


def test_words_keep_offsets_and_all_normal_forms():
    text = "Ким Ир Сена, сено и <script>"
    ws = lx.words(text)
    assert [text[w.start : w.end] for w in ws] == ["Ким", "Ир", "Сена", "сено", "и", "script"]
    sena = ws[2]
    assert {"сено", "сена"} <= set(sena.lemmas)
    assert {"ир", "ира"} <= set(ws[1].lemmas)
    assert sena.surface == "сена"
    assert "sena" in sena.translit and "seno" in sena.translit


def test_latin_words_are_stemmed_not_lemmatised():
    ws = lx.words("The ministers signed agreements")
    assert [w.lemmas[0] for w in ws] == ["the", "minister", "sign", "agreement"]
    assert lx.stem_en("stopped") == "stop"
    assert lx.stem_en("policies") == "policy"
    assert lx.stem_en("class") == "class"


def test_index_columns_hold_lemmas_forms_and_translit():
    cols = lx.index_columns("Товарищу Маленкову")
    assert cols.lemmas.split() == ["товарищ", "маленков"]
    assert cols.forms.split() == ["товарищу", "маленкову"]
    assert "malenkov" in cols.translit.split() and "malenkovu" in cols.translit.split()


def test_paragraphs_split_on_blank_lines_and_trim():
    text = "  Первый абзац\nвторая строка\n\n \n\tВторой.  \n\n\n"
    spans = lx.paragraphs(text)
    assert [text[s:e] for s, e in spans] == ["Первый абзац\nвторая строка", "Второй."]
    assert lx.paragraphs(" \n\n ") == []
