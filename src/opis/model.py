"""The document model: one source file becomes a `Record` holding `Document`s.

Everything is stand-off: texts are plain strings and every mark, field value or entity
mention is a span of character offsets into one named layer, as in natasha's `Doc`.

Layers form a chain back to the source file::

    record.text (decoded source) <- diplomatic <- reading (<- translation, later)

Each `Layer` carries an `OffsetMap` to its parent, so any span in any layer can be mapped
back to the characters of the source file (and, through the record's encoding, its bytes).
Later stages add to this model (page images, translations, human corrections) without
changing what is here: `Layer.name` is open, `Value.origin` separates machine from human.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

PUBLIC = "public"
RESTRICTED = "restricted"
VISIBILITIES = (PUBLIC, RESTRICTED)

DIPLOMATIC = "diplomatic"
READING = "reading"


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of `length` characters copied unchanged from parent to child."""

    child: int
    parent: int
    length: int


class OffsetMap:
    """Maps character offsets of a derived text back to its parent text.

    The derived text is made of runs copied verbatim from the parent plus characters the
    derivation inserted. An offset inside a run maps exactly; an offset in inserted text
    maps to the parent position where the insertion happened.
    """

    __slots__ = ("runs", "_starts", "origin")

    def __init__(self, runs: Iterable[Run] = (), origin: int = 0):
        self.runs: list[Run] = sorted((r for r in runs if r.length > 0), key=lambda r: r.child)
        self._starts = [r.child for r in self.runs]
        # where an empty derived text sits in its parent
        self.origin = origin

    @classmethod
    def identity(cls, length: int, parent_start: int = 0) -> "OffsetMap":
        return cls([Run(0, parent_start, length)])

    def to_parent(self, pos: int) -> int:
        """Parent offset of child offset `pos` (a position between characters)."""
        if not self.runs:
            return self.origin
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return self.runs[0].parent
        run = self.runs[i]
        return run.parent + min(pos - run.child, run.length)

    def span_to_parent(self, start: int, end: int) -> tuple[int, int]:
        """Parent span covering child span [start, end)."""
        if end <= start:
            p = self.to_parent(start)
            return p, p
        first = self.to_parent(start)
        # map the last character, not the boundary after it, so trailing inserts do not
        # stretch the span over parent text that was dropped
        last = self.to_parent(end - 1) + 1
        return first, max(first, last)

    def then(self, outer: "OffsetMap") -> "OffsetMap":
        """Compose: child -> self.parent -> outer.parent."""
        out: list[Run] = []
        for run in self.runs:
            pos = 0
            while pos < run.length:
                p = run.parent + pos
                i = bisect.bisect_right(outer._starts, p) - 1
                if i < 0 or p >= outer.runs[i].child + outer.runs[i].length:
                    # parent char was inserted by the outer derivation: map it alone
                    out.append(Run(run.child + pos, outer.to_parent(p), 0))
                    nxt = outer._starts[i + 1] if i + 1 < len(outer._starts) else None
                    step = 1 if nxt is None else max(1, min(run.length - pos, nxt - p))
                    pos += step
                    continue
                o = outer.runs[i]
                take = min(run.length - pos, o.child + o.length - p)
                out.append(Run(run.child + pos, o.parent + (p - o.child), take))
                pos += take
        return OffsetMap(out)

    def to_json(self) -> list[list[int]]:
        if not self.runs:
            return [[0, self.origin, 0]]
        return [[r.child, r.parent, r.length] for r in self.runs]

    @classmethod
    def from_json(cls, data: list[list[int]]) -> "OffsetMap":
        origin = data[0][1] if data else 0
        return cls((Run(*row) for row in data), origin=origin)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, OffsetMap) and self.runs == other.runs
                and (bool(self.runs) or self.origin == other.origin))

    def __repr__(self) -> str:
        return f"OffsetMap({self.to_json()!r})"


@dataclass(slots=True)
class Span:
    """A mark on a layer: editorial markup (`del`, `add`, `hi`, `hand`, `gap`, `note`,
    `folio`, `unknown-tag`), a paragraph, a page. `attrs` holds what the mark says."""

    start: int
    end: int
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "kind": self.kind}
        if self.attrs:
            d["attrs"] = self.attrs
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Span":
        return cls(d["start"], d["end"], d["kind"], dict(d.get("attrs") or {}))


@dataclass(slots=True)
class Layer:
    """One text of a document with its marks and its map to the parent text."""

    name: str
    text: str
    spans: list[Span] = field(default_factory=list)
    parent: str | None = None
    to_parent: OffsetMap = field(default_factory=OffsetMap)
    language: str | None = None

    def spans_of(self, kind: str) -> list[Span]:
        return [s for s in self.spans if s.kind == kind]

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]


@dataclass(slots=True)
class Value:
    """One extracted fact (a metadata field) with where it came from and how sure it is.

    `origin` is "machine" for extraction and "human" for an editor's correction; the two
    are stored side by side so that re-running extraction never overwrites a person.
    """

    field: str
    value: Any
    as_written: str | None = None
    start: int | None = None
    end: int | None = None
    layer: str = READING
    method: str = ""
    confidence: float = 1.0
    origin: str = "machine"

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": self.value,
            "as_written": self.as_written,
            "start": self.start,
            "end": self.end,
            "layer": self.layer,
            "method": self.method,
            "confidence": self.confidence,
            "origin": self.origin,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Value":
        return cls(**d)


@dataclass(slots=True)
class Mention:
    """A person, organisation or place named in a layer, linked when possible."""

    start: int
    end: int
    type: str  # PER, ORG, LOC
    as_written: str
    name: str  # canonical form (nominative, authority form when linked)
    name_en: str | None = None
    authority_id: str | None = None
    layer: str = READING
    method: str = ""
    confidence: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "as_written": self.as_written,
            "name": self.name,
            "name_en": self.name_en,
            "authority_id": self.authority_id,
            "layer": self.layer,
            "method": self.method,
            "confidence": self.confidence,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Mention":
        return cls(**d)


@dataclass(slots=True)
class Document:
    """One document inside a record: a letter, a telegram, a protocol extract.

    `source_start`/`source_end` delimit it in the record's decoded text; its diplomatic
    layer maps into that text, its reading layer into the diplomatic layer.
    """

    seq: int
    source_start: int
    source_end: int
    diplomatic: Layer
    reading: Layer
    language: str | None = None
    values: list[Value] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    extra_layers: list[Layer] = field(default_factory=list)  # translations, OCR, ...

    def layer(self, name: str) -> Layer:
        for layer in (self.diplomatic, self.reading, *self.extra_layers):
            if layer.name == name:
                return layer
        raise KeyError(name)

    def to_source(self, layer_name: str, start: int, end: int) -> tuple[int, int]:
        """Map a span of any layer back to offsets in the record's decoded text."""
        layer = self.layer(layer_name)
        while layer.parent is not None:
            start, end = layer.to_parent.span_to_parent(start, end)
            layer = self.layer(layer.parent)
        return layer.to_parent.span_to_parent(start, end)

    def first(self, field_name: str) -> Value | None:
        """The value to show for a field: a human correction wins over the machine."""
        shown = self.shown(field_name)
        return shown[0] if shown else None

    def all(self, field_name: str) -> list[Value]:
        return [v for v in self.values if v.field == field_name]

    def shown(self, field_name: str) -> list[Value]:
        """The values to show for a field: an editor's, when there are any, replace
        the machine's (several authors corrected to one show one); an editor's empty
        value (None) says the document has none, so nothing is shown."""
        found = self.all(field_name)
        human = [v for v in found if v.origin == "human"]
        return [v for v in human if v.value is not None] if human else found


@dataclass(slots=True)
class Zone:
    """A rectangle of a page image (pixels, origin top left) and the stretch
    [start, end) of the record's text read from it: a word, a line or a region."""

    start: int
    end: int
    x: int
    y: int
    w: int
    h: int
    kind: str = "word"  # word | line | region
    conf: float | None = None  # 0..1 where the reader gives one

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "box": [self.x, self.y, self.w, self.h],
                "kind": self.kind, "conf": self.conf}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Zone":
        x, y, w, h = d["box"]
        return cls(d["start"], d["end"], x, y, w, h, d.get("kind", "word"), d.get("conf"))


@dataclass(slots=True)
class Page:
    """One page of a scanned record: its image and the stretch [start, end) of the
    record's text read from it, with the zones (words, lines) that map text to image."""

    seq: int
    start: int
    end: int
    width: int
    height: int
    image: bytes = b""
    media_type: str = "image/jpeg"
    method: str = ""  # tesseract, pdf-text, page-xml, alto
    language: str | None = None
    label: str | None = None
    zones: list[Zone] = field(default_factory=list)

    @property
    def image_sha256(self) -> str:
        return content_hash(self.image)

    def words(self) -> list[Zone]:
        return [z for z in self.zones if z.kind == "word"]

    def lines(self) -> list[Zone]:
        return [z for z in self.zones if z.kind == "line"]


@dataclass(slots=True)
class Record:
    """One source file: its original bytes, how it was read, and the documents it holds."""

    source_name: str
    original: bytes
    encoding: str
    format: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    visibility: str = PUBLIC
    collection: str = "default"
    source_path: str | None = None
    pages: list[Page] = field(default_factory=list)  # scans only; empty for transcriptions
    embargo_until: str | None = None  # YYYY-MM-DD: hidden from readers until that day

    @property
    def sha256(self) -> str:
        return content_hash(self.original)

    @property
    def id(self) -> str:
        """Stable id from collection and source name, so a corrected transcription of the
        same file keeps its citable id; the content hash tells versions apart."""
        return record_id(self.collection, self.source_name)

    def iter_layers(self) -> Iterator[tuple[Document, Layer]]:
        for doc in self.documents:
            yield doc, doc.diplomatic
            yield doc, doc.reading
            for layer in doc.extra_layers:
                yield doc, layer


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_id(collection: str, source_name: str) -> str:
    return hashlib.sha256(f"{collection}/{source_name}".encode()).hexdigest()[:12]
