"""Translation layers of a document, and the editor's API for them.

A translation is one more `Layer` of the document, named `translation:<lang>` (an ISO
639-1 code), never a record of its own. What it is stays stand-off, in spans on the layer
itself, so the store, dumps and JSON keep it without a schema of their own:

- one `translation` span over the whole text: `language`, `translator`, `method`
  ("human" or "machine"), `engine` for machine translations, `source` (where the text
  came from: a file name, "record" for a published record's own text, "editor");
- `align` spans, one per aligned group of translation paragraphs, each with
  `source: [start, end]` in the reading layer, `origin` ("machine" for the aligner,
  "human" for an editor) and `method`. A translation paragraph with no original has
  `source` null; an original paragraph with no translation is an empty span at the
  place it would stand.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from opis.model import Document, Layer, OffsetMap, Span
from opis.translate.align import Pair, align, paragraph_spans

PREFIX = "translation:"
HUMAN, MACHINE = "human", "machine"
INFO, ALIGN = "translation", "align"


def layer_name(language: str) -> str:
    return PREFIX + language


def is_translation(layer: Layer) -> bool:
    return layer.name.startswith(PREFIX)


def translations(doc: Document) -> list[Layer]:
    return [layer for layer in doc.extra_layers if is_translation(layer)]


def translation(doc: Document, language: str) -> Layer | None:
    for layer in translations(doc):
        if layer.name == layer_name(language):
            return layer
    return None


def info(layer: Layer) -> dict[str, Any]:
    """What the layer says about itself: language, translator, method, engine, source."""
    for span in layer.spans:
        if span.kind == INFO:
            return dict(span.attrs)
    return {"language": layer.language, "method": HUMAN}


def is_machine(layer: Layer) -> bool:
    return info(layer).get("method") == MACHINE


def make_layer(text: str, language: str, *, translator: str | None = None, method: str = HUMAN,
               engine: str | None = None, source: str | None = None, source_start: int = 0) -> Layer:
    """A translation layer; `source_start` is where its text stands in the text it was
    read from (the record's own text for a published record)."""
    if method not in (HUMAN, MACHINE):
        raise ValueError(f"method must be {HUMAN!r} or {MACHINE!r}, not {method!r}")
    attrs: dict[str, Any] = {"language": language, "method": method}
    for k, v in (("translator", translator), ("engine", engine), ("source", source)):
        if v:
            attrs[k] = v
    return Layer(name=layer_name(language), text=text, spans=[Span(0, len(text), INFO, attrs)],
                 parent=None, to_parent=OffsetMap.identity(len(text), source_start), language=language)


def set_layer(doc: Document, layer: Layer) -> Layer:
    """Put a translation on a document, replacing one in the same language."""
    doc.extra_layers = [x for x in doc.extra_layers if x.name != layer.name] + [layer]
    return layer


def add_translation(doc: Document, text: str, language: str, *, translator: str | None = None,
                    method: str = HUMAN, engine: str | None = None, source: str = "editor",
                    aligned: Sequence[Pair] | None = None) -> Layer:
    """The editor's entry point: give a document a translation (replacing any earlier one
    in that language) and align it, unless an alignment is given."""
    layer = set_layer(doc, make_layer(text, language, translator=translator, method=method,
                                      engine=engine, source=source))
    if aligned is None:
        store_alignment(doc, layer, align(doc.reading.text, layer.text), origin=MACHINE,
                        method="align:length+anchors")
    else:
        store_alignment(doc, layer, aligned, origin=HUMAN if method == HUMAN else MACHINE,
                        method="given")
    return layer


# --- alignment as spans ------------------------------------------------------------------

def store_alignment(doc: Document, layer: Layer, pairs: Iterable[Pair], *, origin: str,
                    method: str) -> None:
    """Replace the layer's alignment by `pairs` of paragraph indices."""
    src = paragraph_spans(doc.reading.text)
    dst = paragraph_spans(layer.text)
    spans: list[Span] = []
    pos_src = pos_dst = 0
    for group, (a, b) in enumerate(pairs):
        if any(not 0 <= i < len(src) for i in a) or any(not 0 <= j < len(dst) for j in b):
            raise ValueError(f"alignment pair {list(a)}-{list(b)} names a paragraph that does not exist "
                             f"(original has {len(src)}, translation {len(dst)})")
        source = [src[a[0]][0], src[a[-1]][1]] if a else None
        if a:
            pos_src = src[a[-1]][1]
        # one span per run of adjacent translation paragraphs (a note may stand between)
        runs: list[list[int]] = []
        for j in sorted(b):
            if runs and j == runs[-1][-1] + 1:
                runs[-1].append(j)
            else:
                runs.append([j])
        for run in runs or [[]]:
            start, end = (dst[run[0]][0], dst[run[-1]][1]) if run else (pos_dst, pos_dst)
            pos_dst = max(pos_dst, end)
            attrs: dict[str, Any] = {"source": source, "origin": origin, "method": method}
            if not a:
                attrs["at"] = pos_src
            if len(runs) > 1:
                attrs["group"] = group
            spans.append(Span(start, end, ALIGN, attrs))
    layer.spans = [s for s in layer.spans if s.kind != ALIGN] + spans


def correct_alignment(doc: Document, language: str, pairs: Iterable[Pair]) -> None:
    """An editor's alignment replaces the machine's (origin human)."""
    layer = translation(doc, language)
    if layer is None:
        raise KeyError(f"document {doc.seq} has no {language} translation")
    store_alignment(doc, layer, pairs, origin=HUMAN, method="editor")


def alignment(doc: Document, layer: Layer) -> list[Pair]:
    """The stored alignment as paragraph-index pairs (original, translation)."""
    src = paragraph_spans(doc.reading.text)
    dst = paragraph_spans(layer.text)

    def inside(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, ...]:
        return tuple(i for i, (s, e) in enumerate(spans) if s >= start and e <= end and e > s)

    out: list[Pair] = []
    groups: dict[Any, int] = {}  # spans of one pair split by a note: joined again
    for span in layer.spans:
        if span.kind != ALIGN:
            continue
        source = span.attrs.get("source")
        a = inside(src, source[0], source[1]) if source else ()
        b = inside(dst, span.start, span.end) if span.end > span.start else ()
        group = span.attrs.get("group")
        if group is not None and group in groups:
            k = groups[group]
            out[k] = (out[k][0], out[k][1] + b)
            continue
        if group is not None:
            groups[group] = len(out)
        out.append((a, b))
    return out


def alignment_origin(layer: Layer) -> str | None:
    origins = {s.attrs.get("origin") for s in layer.spans if s.kind == ALIGN}
    return HUMAN if HUMAN in origins else (MACHINE if origins else None)

