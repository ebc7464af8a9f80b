"""The side-by-side reading view: aligned groups of paragraphs as rows of two cells.

Each row holds the original paragraphs of one alignment pair and the translation
paragraphs that go with them, rendered like the reading view (marks and linked names on
the original) but one paragraph at a time, so that a row can be highlighted as a whole.
The data part is plain JSON (texts per row) for the page's JSON twin; the rendered nodes
go to the template beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.engine import Engine

from opis.model import Document, Layer
from opis.translate.align import paragraph_spans
from opis.translate.layers import (
    MACHINE,
    alignment,
    alignment_origin,
    info,
    translation,
    translations,
)

LANGUAGE_NAMES = {"ru": "Russian", "en": "English", "de": "German", "fr": "French", "zh": "Chinese",
                  "ko": "Korean", "pl": "Polish", "hu": "Hungarian", "cs": "Czech", "ro": "Romanian"}


@dataclass(slots=True)
class ParallelView:
    data: dict[str, Any]  # JSON
    rows: list[dict[str, Any]]  # id, original (list of rendered paragraphs), translation


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "unknown language")


def describe(layer: Layer) -> dict[str, Any]:
    """How a translation is labelled wherever it is shown."""
    meta = info(layer)
    machine = meta.get("method") == MACHINE
    lang = meta.get("language") or layer.language
    label = f"{language_name(lang)} translation" + (" (machine translation)" if machine else "")
    by = meta.get("engine") if machine else meta.get("translator")
    return {"layer": layer.name, "language": lang, "language_name": language_name(lang),
            "machine": machine, "method": meta.get("method"), "translator": meta.get("translator"),
            "engine": meta.get("engine"), "source": meta.get("source"), "label": label,
            "by": by, "alignment_origin": alignment_origin(layer)}


def _render_part(text: str, start: int, end: int, marks: list[Any]) -> list[Any]:
    from opis.web.render import Mark, render_layer

    inside = [Mark(max(m.start, start) - start, min(m.end, end) - start, m.kind, m.attrs)
              for m in marks
              if (m.start < end and m.end > start) or (m.start == m.end and start <= m.start <= end)]
    rendered = render_layer(text[start:end], inside)
    return [node for para in rendered.paragraphs for node in para]  # one paragraph: one list of nodes


def parallel_view(doc: Document, language: str | None, entity_link: Callable[[Any], str | None],
                  target: tuple[str, int, int] | None = None) -> ParallelView | None:
    """The side-by-side view of `doc` and its translation into `language` (the first
    translation when None); None when it has none. `target` is (layer name, start, end):
    a passage to mark, as a search hit gives it."""
    from opis.web.render import Mark, layer_marks

    layers = translations(doc)
    if not layers:
        return None
    layer = translation(doc, language) if language else layers[0]
    if layer is None:
        return None
    reading_marks = [m for m in layer_marks(doc, doc.reading, entity_link) if m.kind != "note"]
    trans_marks: list[Any] = []
    if target is not None:
        name, s, e = target
        marks = reading_marks if name == doc.reading.name else trans_marks if name == layer.name else None
        if marks is not None:
            marks += [Mark(s, s, "anchor"), Mark(s, e, "target")]
    src = paragraph_spans(doc.reading.text)
    dst = paragraph_spans(layer.text)
    rows, json_rows = [], []
    for n, (a, b) in enumerate(alignment(doc, layer) or [(tuple(range(len(src))), tuple(range(len(dst))))]):
        rid = f"pair-{n + 1}"
        rows.append({
            "id": rid,
            "original": [_render_part(doc.reading.text, *src[i], reading_marks) for i in a],
            "translation": [_render_part(layer.text, *dst[j], trans_marks) for j in b],
        })
        json_rows.append({"id": rid, "original": [doc.reading.text[slice(*src[i])] for i in a],
                          "translation": [layer.text[slice(*dst[j])] for j in b],
                          "original_paragraphs": list(a), "translation_paragraphs": list(b)})
    data = {**describe(layer), "original_language": doc.language, "rows": json_rows,
            "available": [describe(x) for x in layers]}
    return ParallelView(data, rows)


def translation_citation(citation: str, layer: Layer) -> str:
    """A citation of the translation: the document's citation, then which translation."""
    d = describe(layer)
    text = citation.rstrip()
    text = text[:-1] if text.endswith(".") else text
    who = f", translated by {d['translator']}" if d["translator"] and not d["machine"] else ""
    return f"{text}. {d['language_name']} translation{who}" + (" (machine translation)." if d["machine"] else ".")


def paragraph_layers(engine: Engine, hits: list[tuple[str, int, int]]) -> dict[tuple[str, int, int], str]:
    """(record id, document seq, paragraph seq) -> the layer that paragraph is of."""
    from opis.store.schema import documents, paragraphs

    out: dict[tuple[str, int, int], str] = {}
    if not hits:
        return out
    with engine.connect() as conn:
        for rid, dseq, pseq in hits:
            row = conn.execute(
                select(paragraphs.c.layer)
                .join(documents, documents.c.id == paragraphs.c.document_id)
                .where(documents.c.record_id == rid, documents.c.seq == dseq, paragraphs.c.seq == pseq)
            ).first()
            if row is not None:
                out[(rid, dseq, pseq)] = row.layer
    return out

