"""Layer → node tree: nesting, overlaps, paragraphs, notes; and the date labels."""

from __future__ import annotations

from opis.model import Mention
from opis.read.document import document_from_text
from opis.web.present import human_date
from opis.web.render import Mark, Node, render_document, render_layer


def flat(nodes: list[Node]) -> list[tuple]:
    out = []
    for n in nodes:
        out.append((n.kind, n.text) if n.kind == "text" else (n.kind, flat(n.children)) if n.children else (n.kind,))
    return out


def test_nested_marks_and_paragraphs():
    r = render_layer("one two three\n\nfour", [Mark(4, 13, "hi", {"rend": "bold"}), Mark(4, 7, "del")])
    assert [n.plain() for n in r.paragraphs[0]] == ["one ", "two three"]
    assert flat(r.paragraphs[0])[1] == ("hi", [("del", [("text", "two")]), ("text", " three")])
    assert flat(r.paragraphs[1]) == [("text", "four")]


def test_overlapping_marks_are_split_not_crossed():
    r = render_layer("abcdef", [Mark(0, 4, "hi"), Mark(2, 6, "del")])
    assert "".join(n.plain() for n in r.paragraphs[0]) == "abcdef"
    assert flat(r.paragraphs[0]) == [
        ("hi", [("text", "ab"), ("del", [("text", "cd")])]),
        ("del", [("text", "ef")]),
    ]


def test_point_marks_and_note_numbers():
    r = render_layer("a b c", [Mark(1, 1, "gap", {"text": "illegible"}), Mark(3, 3, "note", {"text": "x"}),
                               Mark(5, 5, "note", {"text": "y"})])
    kinds = [n.kind for n in r.paragraphs[0]]
    assert kinds.count("gap") == 1 and kinds.count("note") == 2
    assert r.notes == [{"n": 1, "text": "x"}, {"n": 2, "text": "y"}]


def test_a_note_alone_in_its_paragraph_is_shown_in_place():
    r = render_layer("text x\n\n\n\nmore", [Mark(5, 5, "note", {"text": "a"}), Mark(8, 8, "note", {"text": "b"})])
    kinds = [[n.kind for n in p] for p in r.paragraphs]
    assert kinds == [["text", "note", "text"], ["note_inline"], ["text"]]
    assert r.notes == [{"n": 1, "text": "a"}]


def test_paragraphs_are_trimmed_and_empty_ones_dropped():
    r = render_layer("\n\n  first \n\n\n\n second\n", [])
    assert [[n.text for n in p] for p in r.paragraphs] == [["first"], ["second"]]


def test_text_is_never_markup():
    r = render_layer("<script>alert(1)</script>", [])
    assert r.paragraphs[0][0].kind == "text" and r.paragraphs[0][0].text == "<script>alert(1)</script>"


def test_mentions_map_into_the_diplomatic_layer():
    doc = document_from_text("Товарищ ~~Петров~~ Ким Ир Сен сказал.")
    start = doc.reading.text.index("Ким")
    doc.mentions = [Mention(start, start + 10, "PER", "Ким Ир Сен", "Ким Ир Сен")]
    link = lambda m: "/entities/x"  # noqa: E731
    for view in ("reading", "diplomatic"):
        nodes = render_document(doc, view, link).paragraphs[0]
        mentions = [n for n in nodes if n.kind == "mention"]
        assert [m.plain() for m in mentions] == ["Ким Ир Сен"], view
    dip = render_document(doc, "diplomatic", link).paragraphs[0]
    assert any(n.kind == "del" and n.plain() == "Петров" for n in dip)


def test_ocr_suspects_are_marked():
    r = render_layer("Мимозн", [Mark(0, 6, "ocr-suspect", {"suggestion": "Микоян"})])
    from opis.web.render import is_suspect

    assert is_suspect("ocr-suspect", {}) and r.paragraphs[0][0].kind == "suspect"


def test_human_dates():
    assert human_date("1956-09-23", "day") == "23 September 1956"
    assert human_date("1952-11", "month") == "November 1952"
    assert human_date("1952", "year") == "1952"
    assert human_date("1952-11-03", "month") == "November 1952"
    assert human_date(None) is None


def test_suspects_from_values_render_with_their_suggestion():
    from opis.model import Value
    from opis.web.app import make_env

    doc = document_from_text("Подпись: А. Мимозн")
    start = doc.reading.text.index("Мимозн")
    doc.values = [Value("ocr_suspect", {"suggestion": 'Микоян"><script>'}, "Мимозн", start, start + 6)]
    macros = make_env().get_template("macros.html").module
    for view in ("reading", "diplomatic"):
        nodes = render_document(doc, view, lambda m: None).paragraphs[0]
        html = str(macros.text_nodes(nodes))
        assert '<span class="suspect" title="uncertain reading (perhaps “Микоян&#34;&gt;&lt;script&gt;”)">Мимозн</span>' in html
        assert "<script>" not in html


def test_install_fonts_copies_what_exists(tmp_path):
    from opis.web.fonts import FILES, install_fonts

    src = tmp_path / "src"
    src.mkdir()
    (src / FILES[0]).write_bytes(b"font")
    copied = install_fonts(src, tmp_path / "out")
    assert [p.name for p in copied] == [FILES[0]] and (tmp_path / "out" / FILES[0]).read_bytes() == b"font"
    assert install_fonts(tmp_path / "nothing", tmp_path / "out2") == []
