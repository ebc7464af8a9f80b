"""The index (FTS5 or tsvector) and the exact Python check must agree on every query:
the engine relies on it for totals and paging, and it is what keeps backends alike."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opis.search import lemmas as lx
from opis.search.engine import search
from opis.search.query import QueryError, evaluate, parse

PARAGRAPHS = [
    "Товарищ Ким Ир Сен встретился с Микояном в Пхеньяне.",
    "Микоян передал письмо ЦК КПСС товарищу Ким Ир Сену.",
    "Опровержение ТАСС о переговорах по корейскому вопросу.",
    "ТАСС уполномочен заявить, что сообщения являются ложными.",
    "Маленкову и Малику направлена выписка из протокола.",
    "Corean question: the ministers signed the agreement in Moscow.",
    "Переговоры в Москве о корейском вопросе продолжались три дня.",
    "Северо-западный район, 7-дневный срок, т.д.",
]
VOCAB = [
    "Ким", "Ир", "Сен", "Сена", "Микоян", "Микояна", "ТАСС", "опровержения", "переговоры",
    "корейскому", "вопрос", "Маленков", "Malenkov", "Mikoyan", "ministers", "Москва",
    "северо-западный", "7-дневный", "срок", "письмо", "товарищ", "протокол", "Пхеньян", "три",
]
PREFIXES = ["корей*", "переговор*", "мик*", "tass*", "минист*", "mosk*"]

leaf = st.one_of(
    st.sampled_from(VOCAB),
    st.sampled_from(PREFIXES),
    st.tuples(st.sampled_from(VOCAB), st.sampled_from(VOCAB)).map(lambda p: f'"{p[0]} {p[1]}"'),
    st.sampled_from(['"Ким Ир Сен"', '"корейскому вопросу"', '"ТАСС уполномочен"']),
)
queries = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(" ".join),
        st.tuples(inner, inner).map(" OR ".join),
        st.tuples(inner, inner).map(lambda p: f"{p[0]} -{p[1]}" if not p[1].startswith("-") else p[0]),
        inner.map(lambda q: f"({q})"),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_index_and_exact_check_agree(store, plain_record, query):
    if store.count_records() == 0:
        for i, text in enumerate(PARAGRAPHS):
            store.save_record(plain_record(f"p{i}.txt", text))
    try:
        node = parse(query)
    except QueryError:
        return
    expected = {f"p{i}.txt" for i, text in enumerate(PARAGRAPHS) if evaluate(node, lx.words(text))}
    res = search(store, query, limit=100)
    assert {h.source_name for h in res.hits} == expected
    assert res.total == len(expected)
