"""The index (FTS5 or tsvector) and the exact Python check must agree on every query:
the engine relies on it for totals and paging, and it is what keeps backends alike.
Documents of one and of several paragraphs: boolean logic holds per document, a phrase
per paragraph (`evaluate`)."""

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
# each document is a list of paragraphs: every paragraph alone, and some together
DOCS = [[p] for p in PARAGRAPHS] + [
    [PARAGRAPHS[0], PARAGRAPHS[1]],  # "... в Пхеньяне." | "Микоян передал ..."
    [PARAGRAPHS[4], PARAGRAPHS[2]],
    [PARAGRAPHS[3], PARAGRAPHS[6], PARAGRAPHS[5]],
    [PARAGRAPHS[7], PARAGRAPHS[0]],
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
    st.sampled_from(['"Ким Ир Сен"', '"корейскому вопросу"', '"ТАСС уполномочен"',
                     '"Пхеньяне Микоян"', '"т.д. Товарищ"']),  # the last two only across a break
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
        for i, paras in enumerate(DOCS):
            store.save_record(plain_record(f"d{i}.txt", "\n\n".join(paras)))
    try:
        node = parse(query)
    except QueryError:
        return
    expected = {f"d{i}.txt" for i, paras in enumerate(DOCS) if evaluate(node, [lx.words(p) for p in paras])}
    res = search(store, query, limit=100)
    assert {h.source_name for h in res.hits} == expected
    assert res.total == len(expected)
