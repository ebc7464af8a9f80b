import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opis.search import lemmas as lx
from opis.search.query import (
    MAX_TERMS,
    And,
    Not,
    Or,
    Phrase,
    PlanAnd,
    PlanTerm,
    QueryError,
    Term,
    evaluate,
    leaf_plan,
    leaves,
    marks,
    parse,
)


def test_words_are_anded_and_analysed():
    node = parse("Маленкову опровержения")
    assert isinstance(node, And)
    first, second = node.children
    assert "маленков" in first.lemmas and first.form_prefix  # a surname: prefix on forms too
    assert second.lemmas >= {"опровержение"} and not second.form_prefix


def test_unknown_word_matches_surface_prefix():
    sen = parse("Сен")
    assert isinstance(sen, Term) and sen.form_prefix
    assert any(m.column == "forms" and m.prefix and m.text == "сен" for m in sen.matches)


def test_operators_groups_phrases_and_prefix():
    node = parse('(ТАСС OR Известия) -Микоян NOT "корейскому вопросу" корейск*')
    assert isinstance(node, And)
    group, not1, not2, prefix = node.children
    assert isinstance(group, Or) and len(group.children) == 2
    assert isinstance(not1, Not) and isinstance(not2, Not)
    assert isinstance(not2.child, Phrase) and len(not2.child.terms) == 2
    assert isinstance(prefix, Term) and prefix.prefix and prefix.word == "корейск"
    assert parse("a AND b") == parse("a b")


def test_minus_before_group_negates_it():
    node = parse("c -(a OR b)")
    assert isinstance(node, And) and isinstance(node.children[1], Not)
    assert isinstance(node.children[1].child, Or)


def test_punctuation_inside_a_word_makes_a_phrase():
    node = parse("т.д.")
    assert isinstance(node, Phrase) and [t.word for t in node.terms] == ["т", "д"]
    assert parse("Маленкову,") == parse("Маленкову")


def test_leaves_and_their_plans():
    node = parse('ТАСС -"корейскому вопросу" (Микоян OR ТАСС)')
    found = leaves(node)
    assert [type(x) for x in found] == [Term, Phrase, Term]  # ТАСС once
    assert leaves(node, positive_only=True) == [found[0], found[2]]
    phrase_plan = leaf_plan(found[1])
    assert isinstance(phrase_plan, PlanAnd) and len(phrase_plan.include) == 2
    assert isinstance(leaf_plan(found[0]), PlanTerm)


def test_evaluate_checks_phrases_on_consecutive_words():
    ws = [lx.words("по корейскому вопросу и вопросу корейскому")]
    assert evaluate(parse('"корейский вопрос"'), ws)
    assert not evaluate(parse('"вопрос корейский вопрос"'), ws)
    assert marks(parse('"корейскому вопросу"'), ws[0]) == {1, 2}
    assert not evaluate(parse('вопрос -"корейскому вопросу"'), ws)
    assert evaluate(parse('вопрос -"вопросу по"'), ws)


def test_evaluate_is_per_document_and_phrases_per_paragraph():
    doc = [lx.words("Маленкову и Малику"), lx.words("выписка из протокола"), lx.words("по корейскому")]
    assert evaluate(parse("Маленкову протокола"), doc)  # words in different paragraphs
    assert not evaluate(parse("протокола -Малику"), doc)  # excluded anywhere in the document
    assert evaluate(parse("Микоян OR выписка"), doc)
    assert not evaluate(parse('"протокола по"'), doc)  # not across a paragraph break
    assert evaluate(parse('"из протокола"'), doc)
    # marks: every word of the query in the paragraph, nothing that is excluded
    assert marks(parse("Маленкову протокола -Малику"), doc[0]) == {0}


@pytest.mark.parametrize(
    "query, hint",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"Ким Ир', "closing \""),
        ("(ТАСС OR Микоян", "add a ')'"),
        ("ТАСС)", "unmatched ')'"),
        ("OR ТАСС", "both sides"),
        ("ТАСС OR", "both sides"),
        ("ТАСС OR OR Микоян", "both sides"),
        ("ТАСС AND", "both sides"),
        ("NOT", "NOT needs a word"),
        ("ТАСС NOT", "NOT needs a word"),
        ("-ТАСС", "cannot only exclude"),
        ("NOT NOT ТАСС", "NOT needs a word"),
        ("ТАСС OR -Микоян", "each side of OR"),
        ("()", "empty parentheses"),
        ('""', "empty phrase"),
        ("*", "'*' must follow a word"),
        ("к*", "too short"),
        ("?!", "no searchable words"),
        ("(" * 20 + "a" + ")" * 20, "nested parentheses"),
        (" ".join(["слово"] * (MAX_TERMS + 1)), "at most"),
        ("x" * 2000, "too long"),
    ],
)
def test_malformed_queries_say_what_to_fix(query, hint):
    with pytest.raises(QueryError) as err:
        parse(query)
    message = str(err.value)
    assert hint in message
    assert "\n" not in message


def test_expand_adds_cyrillic_alternatives_for_latin_runs():
    seen = []

    def expand(text):
        seen.append(text)
        return {"kim il sung": ["Ким Ир Сен"], "mikoyan": ["Микоян"]}.get(text.lower(), [])

    node = parse("Kim Il Sung Mikoyan ТАСС", expand=expand)
    assert seen[:2] == ["kim il sung mikoyan", "kim il sung"]  # longest run first
    assert isinstance(node, And)
    names, mikoyan, tass = node.children
    assert isinstance(names, Or) and isinstance(names.children[1], Phrase)
    assert [t.word for t in names.children[1].terms] == ["ким", "ир", "сен"]
    assert isinstance(mikoyan, Or) and mikoyan.children[1].word == "микоян"
    assert isinstance(tass, Term)
    assert parse("Микоян", expand=expand) == parse("Микоян")  # Cyrillic is never expanded


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list('ab ()"*-\tКим*é.,') + ["OR", "NOT", "AND", " OR ", " NOT "]), max_size=25).map("".join))
def test_parser_only_ever_raises_query_error_on_operator_soup(text):
    try:
        parse(text)
    except QueryError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parser_only_ever_raises_query_error_on_any_text(text):
    try:
        node = parse(text)
    except QueryError:
        return
    for leaf in leaves(node):  # every parsed query can be planned
        leaf_plan(leaf)
