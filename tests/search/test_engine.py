"""Search over a real SQLite file with real pymorphy3: what a reader of the archive gets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opis.model import RESTRICTED
from opis.search.engine import facets, make_snippet, render_snippet, search
from opis.search.query import QueryError, parse

TASS = (
    "Утвердить проект опровержения ТАСС по поводу сообщений о переговорах между СССР и США "
    "по корейскому вопросу."
)
KIM = (
    "На беседе присутствовали Микоян, Мухитдинов и товарищи Ким Ир Сен и Нам Ир.\n\n"
    "Мы подчеркнули, что ЦК КПСС имеет в виду поддержать тов. Ким Ир Сена."
)
MALENKOV = "Т. т. Маленкову, Малику, Пальгунову\n\nВыписка из протокола № 2 заседания Бюро."
SCRIPT = "Опровержение <script>alert('x')</script> & <b>ТАСС</b> напечатано в газете."


@pytest.fixture
def archive(store, plain_record):
    store.save_record(plain_record("tass.txt", TASS, title="Опровержение ТАСС",
                                   facts=[{"date": "1952-11-03", "doc_type": "press_statement",
                                           "orgs": ["ТАСС"], "places": ["США"]}]))
    store.save_record(plain_record("kim.txt", KIM,
                                   facts=[{"date": "1956-09-23", "doc_type": "telegram",
                                           "classification": "top_secret",
                                           "persons": ["Микоян", "Ким Ир Сен"]}]))
    store.save_record(plain_record("malenkov.txt", MALENKOV, "Товарищу Сталину. Об опровержении.",
                                   collection="cwihp",
                                   facts=[{"date": "1952-11-03", "doc_type": "decision",
                                           "persons": ["Маленков"], "title_en": "Extract"},
                                          {"doc_type": "letter", "persons": ["Сталин"]}]))
    store.save_record(plain_record("secret.txt",
                                   "Опровержение ТАСС. Маленкову лично. Ким Ир Сену.",
                                   visibility=RESTRICTED,
                                   facts=[{"date": "1953-01-01", "doc_type": "secret_type",
                                           "persons": ["Тайный"]}]))
    return store


def names(results):
    return sorted((h.source_name, h.seq) for h in results.hits)


def test_case_forms_find_each_other(archive):
    assert names(search(archive, "опровержения")) == [("malenkov.txt", 1), ("tass.txt", 0)]
    assert names(search(archive, "опровержение")) == names(search(archive, "опровержении"))
    assert names(search(archive, "Маленков")) == [("malenkov.txt", 0)]
    assert names(search(archive, "маленкову")) == [("malenkov.txt", 0)]


def test_korean_names_in_any_case(archive):
    for q in ("Ким Ир Сен", "Ким Ир Сена", "Ким Ир Сеном"):
        assert names(search(archive, q)) == [("kim.txt", 0)], q


def test_name_in_oblique_case_finds_the_unknown_nominative(store, plain_record):
    store.save_record(plain_record("nom.txt", "Присутствовали товарищи Ким Ир Сен и Нам Ир."))
    for q in ("Ким Ир Сена", "Ким Ир Сену", '"Ким Ир Сена"', "Ким Ир Сен"):
        assert names(search(store, q)) == [("nom.txt", 0)], q
    assert search(store, "Сенат").total == 0


def test_phrase_needs_adjacent_words(archive):
    assert names(search(archive, '"корейскому вопросу"')) == [("tass.txt", 0)]
    assert names(search(archive, '"корейский вопрос"')) == [("tass.txt", 0)]  # forms of a phrase
    assert search(archive, '"вопросу корейскому"').total == 0
    assert search(archive, '"ТАСС США"').total == 0  # both words there, not adjacent
    assert names(search(archive, 'ТАСС -"корейскому вопросу"')) == []
    assert names(search(archive, 'ТАСС -"вопросу корейскому"')) == [("tass.txt", 0)]


def test_prefix_or_not(archive):
    assert names(search(archive, "корей*")) == [("tass.txt", 0)]
    assert names(search(archive, "Пальгун*")) == [("malenkov.txt", 0)]
    assert search(archive, "корейс* -корейскому").total == 0
    assert names(search(archive, "Маленков OR Микоян")) == [("kim.txt", 0), ("malenkov.txt", 0)]
    assert names(search(archive, "Микоян -Ким")) == []
    assert names(search(archive, "(ТАСС OR Сталину) NOT корейскому")) == [("malenkov.txt", 1)]


def test_hits_are_per_document(archive):
    res = search(archive, "Ким")
    assert res.total == 1 and len(res.hits) == 1
    assert res.hits[0].paragraph in (0, 1)


def test_words_in_different_paragraphs_are_anded_per_document(archive):
    # "Маленкову" is in the first paragraph, "протокола" in the second
    res = search(archive, "Маленкову протокола")
    assert names(res) == [("malenkov.txt", 0)] and res.total == 1
    assert names(search(archive, "Маленкову AND протокола")) == [("malenkov.txt", 0)]
    assert search(archive, "Маленкову Мухитдинов").total == 0  # two different documents


def test_not_excludes_a_word_anywhere_in_the_document(archive):
    # Ким alone in the second paragraph, Микоян only in the first
    assert names(search(archive, "Ким -Микоян")) == []
    assert names(search(archive, "подчеркнули -Микоян")) == []
    assert names(search(archive, "подчеркнули -Маленков")) == [("kim.txt", 0)]
    assert names(search(archive, 'Ким -"поддержать тов"')) == []  # a phrase in the other paragraph


def test_phrase_is_not_matched_across_a_paragraph_break(archive):
    # "... Пальгунову" ends the first paragraph, "Выписка ..." opens the second
    assert search(archive, '"Пальгунову выписка"').total == 0
    assert names(search(archive, "Пальгунову выписка")) == [("malenkov.txt", 0)]
    assert names(search(archive, '"Пальгунову выписка" OR протокола')) == [("malenkov.txt", 0)]
    assert names(search(archive, 'протокола -"Пальгунову выписка"')) == [("malenkov.txt", 0)]


def test_or_takes_documents_with_either(archive):
    assert names(search(archive, "Мухитдинов OR Пальгунову")) == [("kim.txt", 0), ("malenkov.txt", 0)]
    assert names(search(archive, "(Мухитдинов OR Пальгунову) протокола")) == [("malenkov.txt", 0)]
    assert names(search(archive, "(Мухитдинов OR Пальгунову) -протокола")) == [("kim.txt", 0)]


def test_snippet_comes_from_the_paragraph_with_most_query_words(store, plain_record):
    text = ("Микоян, Микояну и Микояном, Микояна.\n\n"
            "Здесь Маленков и Микоян вместе.\n\n"
            "Маленков один.")
    store.save_record(plain_record("best.txt", text))
    hit = search(store, "Микоян Маленков").hits[0]
    assert hit.paragraph == 1
    assert render_snippet(hit.snippet) == "Здесь «Маленков» и «Микоян» вместе."
    # one word: the paragraph where it scores best
    assert search(store, "Микоян").hits[0].paragraph == 0
    # an excluded word is never marked
    hit = search(store, "Микоян -Берия").hits[0]
    assert all(t.startswith("Микоя") for t, m in hit.snippet if m)


def test_restricted_never_leaks(archive):
    for q in ("ТАСС", "Маленкову", "Ким Ир Сен", "лично", "Сену"):
        res = search(archive, q)
        assert all(h.source_name != "secret.txt" for h in res.hits), q
        assert res.total == len(res.hits), q
    assert search(archive, "лично").total == 0
    assert search(archive, "лично", include_restricted=True).total == 1
    f = facets(archive, "ТАСС")
    assert ("secret_type", 1) not in f["doc_type"] and all(n != "Тайный" for n, _ in f["person"])
    assert ("1953", 1) not in facets(archive, None)["year"]
    assert ("secret_type", 1) in facets(archive, "ТАСС", include_restricted=True)["doc_type"]
    assert search(archive, None).total == 4
    assert search(archive, None, include_restricted=True).total == 5


def test_snippet_marks_matched_words_as_segments(archive):
    hit = search(archive, "Маленков").hits[0]
    assert ("Маленкову", True) in hit.snippet
    assert render_snippet(hit.snippet) == "Т. т. «Маленкову», Малику, Пальгунову"
    assert render_snippet(hit.snippet, "[", "]") == "Т. т. [Маленкову], Малику, Пальгунову"
    kim = search(archive, '"Ким Ир Сена"').hits[0]
    assert ("Ким Ир Сена", True) in kim.snippet  # a phrase is one mark


def test_snippet_is_a_window_around_the_matches():
    words = ["текст"] * 100
    words[70] = "Маленкову"
    text = " ".join(words)
    segments = make_snippet(text, parse("Маленков"), width=10)
    plain = render_snippet(segments)
    assert plain.startswith("… ") and plain.endswith(" …")
    assert "«Маленкову»" in plain
    assert len(plain.split()) == 12  # ten words and two ellipses
    assert [s for s in segments if s[1]] == [("Маленкову", True)]


def test_snippet_collapses_spaces_and_keeps_adjacent_matches_in_one_mark():
    text = "  «Ким  Ир\tСен»\n\n сказал:  да —  и  ушёл  к Хрущеву .  "
    segments = make_snippet(text, parse('"Ким Ир Сен" Хрущев'))
    assert segments == [(" «", False), ("Ким Ир Сен", True), ("» сказал: да — и ушёл к ", False),
                        ("Хрущеву", True), (" .", False)]


def test_markup_in_text_comes_back_as_data(store, plain_record):
    store.save_record(plain_record("script.txt", SCRIPT))
    hit = search(store, "опровержение").hits[0]
    plain = render_snippet(hit.snippet)
    assert plain == "«Опровержение» <script>alert('x')</script> & <b>ТАСС</b> напечатано в газете."
    assert "".join(t for t, _ in hit.snippet) == SCRIPT
    assert search(store, "script").total == 1  # the word is indexed like any other


def test_latin_queries_match_transliteration(archive):
    assert names(search(archive, "Malenkov")) == [("malenkov.txt", 0)]
    assert names(search(archive, "Mikoyan")) == [("kim.txt", 0)]
    assert names(search(archive, "Stalin")) == [("malenkov.txt", 1)]
    assert search(archive, "Mikoyanov").total == 0


def test_expand_hook_ors_in_cyrillic_phrases(archive):
    def expand(text):
        return {"kim il sung": ["Ким Ир Сен"]}.get(text, [])

    assert search(archive, "Kim Il Sung").total == 0
    assert names(search(archive, "Kim Il Sung", expand=expand)) == [("kim.txt", 0)]
    assert names(search(archive, '"Kim Il Sung"', expand=expand)) == [("kim.txt", 0)]


def test_titles_dates_and_sorting(archive):
    res = search(archive, "опровержение OR Ким", sort="date")
    assert [(h.source_name, h.date) for h in res.hits] == [
        ("tass.txt", "1952-11-03"),
        ("kim.txt", "1956-09-23"),
        ("malenkov.txt", None),
    ]
    titles = {h.source_name: h.title for h in res.hits}
    assert titles == {"tass.txt": "Опровержение ТАСС", "kim.txt": "kim.txt", "malenkov.txt": "malenkov.txt"}
    assert search(archive, "Маленкову").hits[0].title == "Extract"
    desc = search(archive, "опровержение OR Ким", sort="date_desc")
    assert [h.source_name for h in desc.hits] == ["kim.txt", "tass.txt", "malenkov.txt"]
    with pytest.raises(QueryError, match="sort"):
        search(archive, "ТАСС", sort="alphabet")


def test_relevance_prefers_more_matches(store, plain_record):
    store.save_record(plain_record("once.txt", "Микоян приехал. " + "Другие слова текста. " * 5))
    store.save_record(plain_record("thrice.txt", "Микоян, Микояну и Микояном. Другие слова."))
    res = search(store, "Микоян")
    assert [h.source_name for h in res.hits] == ["thrice.txt", "once.txt"]
    assert res.hits[0].score > res.hits[1].score > 0


def test_paging_keeps_the_total(archive):
    first = search(archive, "опровержение OR Ким OR Маленков", limit=2)
    second = search(archive, "опровержение OR Ким OR Маленков", limit=2, offset=2)
    assert first.total == second.total == 4
    assert len(first.hits) == 2 and len(second.hits) == 2
    seen = {(h.source_name, h.seq) for h in first.hits + second.hits}
    assert len(seen) == 4


def test_filters(archive):
    q = "опровержение OR Ким OR Маленков"
    assert names(search(archive, q, filters={"doc_type": "telegram"})) == [("kim.txt", 0)]
    assert names(search(archive, q, filters={"doc_type": ["telegram", "letter"]})) == [
        ("kim.txt", 0), ("malenkov.txt", 1)]
    assert names(search(archive, q, filters={"classification": "top_secret"})) == [("kim.txt", 0)]
    assert names(search(archive, q, filters={"collection": "cwihp"})) == [
        ("malenkov.txt", 0), ("malenkov.txt", 1)]
    assert names(search(archive, q, filters={"date_from": "1953", "date_to": "1956-09"})) == [("kim.txt", 0)]
    assert names(search(archive, q, filters={"date_to": "1952"})) == [("malenkov.txt", 0), ("tass.txt", 0)]
    assert names(search(archive, q, filters={"person": "Микоян"})) == [("kim.txt", 0)]
    assert names(search(archive, q, filters={"org": "ТАСС", "place": "США"})) == [("tass.txt", 0)]
    assert names(search(archive, q, filters={"person": "Тайный"}, include_restricted=False)) == []
    assert names(search(archive, q, filters={"language": "en"})) == []
    with pytest.raises(QueryError, match="unknown filter 'author'"):
        search(archive, q, filters={"author": "x"})
    with pytest.raises(QueryError, match="YYYY"):
        search(archive, q, filters={"date_from": "3.XI.1952"})


def test_facets_count_documents(archive):
    f = facets(archive, "опровержение OR Ким OR Маленков")
    assert f["doc_type"] == [("decision", 1), ("letter", 1), ("press_statement", 1), ("telegram", 1)]
    assert f["year"] == [("1952", 2), ("1956", 1)]
    assert f["collection"] == [("cwihp", 2), ("default", 2)]
    assert ("Микоян", 1) in f["person"] and ("ТАСС", 1) in f["organization"]
    assert f["place"] == [("США", 1)]
    assert f["classification"] == [("top_secret", 1)]
    narrowed = facets(archive, "Ким", {"doc_type": "telegram"})
    assert narrowed["person"] == [("Ким Ир Сен", 1), ("Микоян", 1)]


def test_malformed_query_raises_query_error_not_sql_error(archive):
    for q in ('"Ким', "(ТАСС", "ТАСС OR", "", "-ТАСС"):
        with pytest.raises(QueryError):
            search(archive, q)
        with pytest.raises(QueryError):
            facets(archive, q)


def test_fts_operators_in_user_text_are_plain_words(archive):
    # words that mean something to FTS5 or SQL are searched as words
    for q in ("NEAR ТАСС", "ТАСС lemmas:x", "ТАСС'; DROP TABLE records; --", "ТАСС ^x {a}"):
        search(archive, q)
    assert archive.count_records() == 3


def test_update_replaces_search_index(store, plain_record):
    store.save_record(plain_record("r.txt", "Старый текст о Маленкове."))
    assert search(store, "Маленков").total == 1
    assert store.save_record(plain_record("r.txt", "Новый текст о Микояне.")) == "updated"
    assert search(store, "Маленков").total == 0
    assert search(store, "Микоян").total == 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60) | st.lists(st.sampled_from(
    ['"', "(", ")", "-", "*", "OR", "NOT", "AND", "ТАСС", "Ким", "Mikoyan", "NEAR", ":", "^", "'", ";"]
)).map(" ".join))
def test_search_raises_only_query_error_on_any_text(store, plain_record, text):
    if store.count_records() == 0:
        store.save_record(plain_record("t.txt", TASS))
    try:
        res = search(store, text)
    except QueryError:
        return
    assert res.total == len(res.hits) <= 1


OLD_LAYOUT = [  # the SQLite full-text layout of databases made before rows were keyed by document
    "DROP TRIGGER paragraphs_fts_insert", "DROP TRIGGER paragraphs_fts_delete",
    "DROP TRIGGER paragraphs_fts_update", "DROP TABLE paragraph_fts",
    """CREATE VIRTUAL TABLE paragraph_fts USING fts5(lemmas, forms, translit,
        content='paragraphs', content_rowid='id', tokenize="unicode61 remove_diacritics 0 tokenchars '-'")""",
    """CREATE TRIGGER paragraphs_fts_insert AFTER INSERT ON paragraphs BEGIN
        INSERT INTO paragraph_fts(rowid, lemmas, forms, translit)
        VALUES (new.id, new.lemmas, new.forms, new.translit); END""",
]


@pytest.mark.sqlite_only("the older layout is one of SQLite's FTS5 tables")
def test_sqlite_older_full_text_layout_still_searches_and_rebuilds(tmp_path, plain_record):
    from opis.store.repository import Store

    with Store.open(tmp_path / "old.db") as store:
        with store.engine.begin() as conn:
            for ddl in OLD_LAYOUT:
                conn.exec_driver_sql(ddl)
        store.save_record(plain_record("m.txt", MALENKOV))
        store.save_record(plain_record("k.txt", KIM))
        queries = ("Маленкову протокола", "Ким -Микоян", '"Пальгунову выписка"', "Мухитдинов OR протокола")
        before = [names(search(store, q)) for q in queries]
        assert store.backend.keyed_by_document is False
        assert before == [[("m.txt", 0)], [], [], [("k.txt", 0), ("m.txt", 0)]]
        with store.engine.begin() as conn:
            store.backend.rebuild(conn)
            store.backend.integrity_check(conn)
        assert [names(search(store, q)) for q in queries] == before
        assert store.backend.keyed_by_document is True
        store.save_record(plain_record("m.txt", "Новый текст."))  # triggers of the new layout
        assert search(store, "Маленкову").total == 0 and search(store, "новый").total == 1
        with store.engine.connect() as conn:
            store.backend.integrity_check(conn)


@pytest.mark.sqlite_only("writes a row into SQLite's FTS5 table")
def test_sqlite_integrity_check_finds_a_stray_full_text_row(tmp_path, plain_record):
    from opis.store.repository import Store

    with Store.open(tmp_path / "a.db") as store:
        store.save_record(plain_record("k.txt", KIM))
        with store.engine.begin() as conn:
            store.backend.integrity_check(conn)
            conn.exec_driver_sql("INSERT INTO paragraph_fts(rowid, lemmas, forms, translit) "
                                 "VALUES (999999999, 'ким', 'ким', 'kim')")
            with pytest.raises(RuntimeError, match="do not correspond"):
                store.backend.integrity_check(conn)
