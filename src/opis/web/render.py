"""A text layer with its marks → a tree of nodes that a Jinja macro turns into HTML.

The templates never receive HTML built in Python: text stays plain strings (Jinja escapes
them) and marks become nested nodes, so a `<script>` typed into a transcription can only
ever be shown as text. Overlapping marks are split at each other's edges, which keeps the
tree well nested whatever the spans say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from opis.model import DIPLOMATIC, Document, Layer

# marks shown as elements around text, and the order they nest in (outer first)
_NEST_ORDER = {"target": -1, "mention": 0, "hand": 1, "hi": 2, "add": 3, "del": 4, "folio": 5, "suspect": 6}
# marks with no width: shown as a sign at their position
POINT_KINDS = ("gap", "note", "anchor")
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SAFE_CLASS = re.compile(r"[^a-z0-9-]+")


@dataclass(slots=True)
class Node:
    """`kind` is "text", a mark kind, or a point kind; `text` only for text nodes."""

    kind: str
    text: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    children: list["Node"] = field(default_factory=list)

    def plain(self) -> str:
        return self.text + "".join(c.plain() for c in self.children)


@dataclass(slots=True)
class Mark:
    start: int
    end: int
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def rank(self) -> tuple[int, int, int]:
        # longer and earlier marks go outside; then a fixed order by kind
        return (self.start, -(self.end - self.start), _NEST_ORDER.get(self.kind, 7))


@dataclass(slots=True)
class Rendered:
    paragraphs: list[list[Node]]
    notes: list[dict[str, Any]]  # footnotes: n, text
    kinds: set[str] = field(default_factory=set)  # mark kinds present, e.g. to make room for folios


def css_class(kind: str) -> str:
    return _SAFE_CLASS.sub("-", kind.lower()).strip("-") or "mark"


def is_suspect(kind: str, attrs: dict[str, Any]) -> bool:
    """OCR (or transcription) doubts, however the reader that made them named them."""
    k = kind.lower()
    return "suspect" in k or k.startswith("ocr") or bool(attrs.get("suspect"))


SUSPECT_FIELD = "ocr_suspect"  # Values the OCR stage leaves where it doubts a reading


def _in_layer(doc: Document, layer: Layer, from_layer: str | None, start: int, end: int) -> tuple[int, int] | None:
    """A reading-layer (or same-layer) span in `layer`'s offsets; None if it cannot be shown."""
    from_layer = from_layer or "reading"
    if from_layer != layer.name:
        if layer.name != DIPLOMATIC or from_layer != doc.reading.name:
            return None
        start, end = doc.reading.to_parent.span_to_parent(start, end)
    if not 0 <= start < end <= len(layer.text):
        return None
    return start, end


def layer_marks(doc: Document, layer: Layer, entity_link: Callable[[Any], str | None]) -> list[Mark]:
    """The marks of a layer plus the document's mentions and OCR doubts, mapped into it."""
    marks = [Mark(s.start, s.end, s.kind, dict(s.attrs)) for s in layer.spans]
    for m in doc.mentions:
        at = _in_layer(doc, layer, m.layer, m.start, m.end)
        if at:
            attrs = {"href": entity_link(m), "type": m.type, "name": m.name, "name_en": m.name_en}
            marks.append(Mark(*at, "mention", attrs))
    for v in doc.all(SUSPECT_FIELD):
        if v.start is None or v.end is None:
            continue
        at = _in_layer(doc, layer, v.layer, v.start, v.end)
        if at:
            val = v.value if isinstance(v.value, dict) else {"suggestion": v.value}
            marks.append(Mark(*at, "suspect", dict(val)))
    return marks


def render_layer(text: str, marks: Iterable[Mark]) -> Rendered:
    """Split `text` into paragraphs of nested nodes; notes get running numbers."""
    marks = [Mark(m.start, m.end, "suspect" if is_suspect(m.kind, m.attrs) else m.kind, m.attrs)
             for m in marks if 0 <= m.start <= m.end <= len(text)]
    is_point = [m.kind in POINT_KINDS or m.start == m.end for m in marks]
    points = sorted((m for m, p in zip(marks, is_point) if p), key=lambda m: m.start)
    ranged = sorted((m for m, p in zip(marks, is_point) if not p), key=lambda m: m.rank)

    cuts = {0, len(text)}
    for m in ranged:
        cuts.update((m.start, m.end))
    for m in points:
        cuts.add(m.start)
    for pb in _PARA_BREAK.finditer(text):
        cuts.update((pb.start(), pb.end()))
    para_breaks = {pb.start(): pb.end() for pb in _PARA_BREAK.finditer(text)}
    bounds = sorted(cuts)

    notes: list[dict[str, Any]] = []
    paragraphs: list[list[Node]] = []
    roots: list[Node] = []
    stack: list[tuple[Mark, Node]] = []
    pi = 0

    def close_to(depth: int) -> None:
        del stack[depth:]

    def container() -> list[Node]:
        return stack[-1][1].children if stack else roots

    def end_paragraph() -> None:
        nonlocal roots
        close_to(0)
        _trim(roots, start=True)
        _trim(roots, start=False)
        if roots:
            paragraphs.append(roots)
        roots = []

    skip_to = -1
    for i, pos in enumerate(bounds):
        in_break = pos < skip_to  # a sign on a line of its own: a paragraph of its own
        while pi < len(points) and points[pi].start == pos:
            p = points[pi]
            pi += 1
            attrs = dict(p.attrs)
            attrs["in_link"] = any(m.kind == "mention" for m, _ in stack)
            container().append(Node(p.kind if p.kind in POINT_KINDS else "point", attrs=attrs))
        if in_break:
            end_paragraph()
        if i + 1 >= len(bounds):
            break
        nxt = bounds[i + 1]
        if pos < skip_to:
            continue
        if pos in para_breaks:
            end_paragraph()
            skip_to = para_breaks[pos]
            continue
        active = [m for m in ranged if m.start <= pos and nxt <= m.end]
        # keep the open marks that are still active, in order; reopen the rest
        depth = 0
        while depth < len(stack) and depth < len(active) and stack[depth][0] is active[depth]:
            depth += 1
        close_to(depth)
        for m in active[depth:]:
            attrs = dict(m.attrs)
            attrs["css"] = css_class(m.kind)
            node = Node(m.kind, attrs=attrs)
            container().append(node)
            stack.append((m, node))
        container().append(Node("text", text[pos:nxt]))
    end_paragraph()
    _number_notes(paragraphs, notes)
    return Rendered(paragraphs, notes, {m.kind for m in marks})


def _number_notes(paragraphs: list[list[Node]], notes: list[dict[str, Any]]) -> None:
    """A note standing alone as a paragraph is shown in place, in brackets, as an edition
    prints a marginal remark; the others become numbered footnotes, in reading order."""
    for para in paragraphs:
        if all(n.kind == "note" for n in para):
            for n in para:
                n.kind = "note_inline"

    def walk(nodes: list[Node]) -> None:
        for n in nodes:
            if n.kind == "note":
                notes.append({"n": len(notes) + 1, "text": str(n.attrs.get("text", ""))})
                n.attrs["n"] = len(notes)
            walk(n.children)

    for para in paragraphs:
        walk(para)


def _trim(nodes: list[Node], start: bool) -> bool:
    """Strip whitespace at one end of a paragraph, dropping emptied nodes; True once a
    visible character (or a sign such as a gap) has been reached."""
    found = False
    order = range(len(nodes)) if start else range(len(nodes) - 1, -1, -1)
    for i in order:
        n = nodes[i]
        if n.kind == "text":
            n.text = n.text.lstrip() if start else n.text.rstrip()
            found = bool(n.text)
        elif n.children:
            found = _trim(n.children, start)
        else:
            found = True  # a point sign
        if found:
            break
        n.kind = "empty"
    nodes[:] = [n for n in nodes if n.kind != "empty"]
    return found


def render_document(doc: Document, layer_name: str, entity_link: Callable[[Any], str | None],
                    target: tuple[int, int] | None = None) -> Rendered:
    """`target` is a reading-layer span to mark and jump to (the passage a search found)."""
    layer = doc.layer(layer_name)
    marks = layer_marks(doc, layer, entity_link)
    if target is not None:
        at = _in_layer(doc, layer, doc.reading.name, *target)
        if at:
            marks += [Mark(at[0], at[0], "anchor"), Mark(*at, "target")]
    return render_layer(layer.text, marks)
