"""Run the extraction steps on a document and summarise what they found.

Steps are small functions registered by name (like spaCy components); each reads the
document's reading text (and what earlier steps found) and returns `Value`s. The
summary is the JSON shape of `opis extract --format json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from opis.extract.citation import citation
from opis.extract.classification import extract_classification
from opis.extract.dates import extract_date
from opis.extract.distribution import extract_distribution
from opis.extract.doctype import extract_doctype
from opis.extract.language import extract_language
from opis.extract.parties import (authors, british_offices, destination, note_recipient, recipients,
                                  salutation_recipient)
from opis.extract.place import extract_place
from opis.extract.registry import copies_made, handling, protocol, registry_numbers
from opis.extract.split import split_documents
from opis.extract.titles import extract_titles
from opis.extract.lines import Layout, layout
from opis.model import Document, Record, Value


@dataclass(slots=True)
class Context:
    """What a step sees: the reading text, its layout, the record and earlier values."""

    text: str
    layout: Layout
    record: Record | None
    values: list[Value] = field(default_factory=list)
    diplomatic: str | None = None

    def first(self, name: str) -> Any:
        for v in self.values:
            if v.field == name:
                return v.value
        return None

    def all(self, name: str) -> list[Value]:
        return [v for v in self.values if v.field == name]


Step = Callable[[Context], list[Value]]


def _with_initials(values: list[Value]) -> list[tuple[dict, str | None]]:
    """Each party with its Russian initials: the authority's, else as written."""
    from opis.extract.people import _initials, authority_initials

    return [(v.value, authority_initials(v.value.get("authority_id")) or _initials(v.as_written or ""))
            for v in values]


def _title(c: Context) -> list[Value]:
    return extract_titles(c.first("doc_type"), _with_initials(c.all("author")),
                          _with_initials(c.all("recipient")), c.first("protocol"))


def _citation(c: Context) -> list[Value]:
    title = c.first("title_en")
    date = c.first("date")
    note = citation(title, date["iso"] if date else None, c.record.metadata if c.record else None)
    if note is None:
        return []
    return [Value("citation", note, method="rule:citation.chicago", confidence=0.7)]


def _registry(c: Context) -> list[Value]:
    """Registry numbers are read on the diplomatic layer: the reader may take a lone
    "№ 3742" for a folio mark and leave it out of the reading text."""
    if c.diplomatic is None:
        return registry_numbers(c.layout)
    found = registry_numbers(layout(c.diplomatic))
    for v in found:
        v.layer = "diplomatic"
    return found


# the registry of steps, in run order; later steps read what earlier ones found
STEPS: dict[str, Step] = {
    "language": lambda c: extract_language(c.text),
    "doc_type": lambda c: extract_doctype(c.text),
    "date": lambda c: extract_date(c.text, header_first=c.first("doc_type") in ("conversation", "minutes")),
    "classification": lambda c: extract_classification(c.text),
    "authors": lambda c: british_offices(authors(c.layout), c.layout),
    "recipients": lambda c: (recipients(c.layout, c.all("author")) or note_recipient(c.layout)
                             or salutation_recipient(c.layout)),
    "registry": lambda c: _registry(c) + protocol(c.layout),
    "copies": lambda c: copies_made(c.text),
    "handling": lambda c: handling(c.text),
    "distribution": lambda c: extract_distribution(c.text),
    "place": lambda c: extract_place(c.text),
    "destination": lambda c: destination(c.layout),
    "title": _title,
    "citation": _citation,
}


def extract_metadata(doc: Document, record: Record | None = None) -> list[Value]:
    """Run every registered step on the document's reading layer."""
    text = doc.reading.text
    ctx = Context(text, layout(text), record, diplomatic=doc.diplomatic.text)
    for fn in STEPS.values():
        ctx.values.extend(fn(ctx))
    return ctx.values


def _party(v: Value) -> dict[str, Any]:
    return {"name": v.value["name"], "name_en": v.value.get("name_en"), "as_written": v.as_written}


def summarise(values: list[Value]) -> dict[str, Any]:
    """The `opis extract --format json` shape of a list of Values."""
    def every(name: str) -> list[Value]:
        # an editor's correction replaces what the machine found for that field
        found = [v for v in values if v.field == name]
        human = [v for v in found if v.origin == "human"]
        return [v for v in human if v.value is not None] if human else found  # None: "there is none"

    def first(name: str) -> Value | None:
        found = every(name)
        return found[0] if found else None

    date, cls, doc_type = first("date"), first("classification"), first("doc_type")
    lang, copies, proto = first("language"), first("copies_made"), first("protocol")
    place = first("place")
    t_en, t_ru = first("title_en"), first("title_ru")
    return {
        "title": {"en": t_en.value if t_en else None, "ru": t_ru.value if t_ru else None},
        "date": ({"value": date.value["iso"], "precision": date.value["precision"],
                  "as_written": date.as_written} if date else None),
        "doc_type": doc_type.value if doc_type else None,
        "language": lang.value if lang else None,
        "authors": [_party(v) for v in every("author")],
        "recipients": [_party(v) for v in every("recipient")],
        "classification": ({"value": cls.value, "as_written": cls.as_written} if cls else None),
        "registry_numbers": [v.value for v in every("registry_number")],
        "distribution": [{**_party(v), "copies": v.value.get("copies")} for v in every("distribution")],
        "copies_made": copies.value if copies else None,
        "protocol": proto.value if proto else None,
        "handling": "; ".join(v.value for v in every("handling")) or None,
        "place": place.value if place else None,
        "values": [v.to_json() for v in values],
    }


def document_summary(doc: Document) -> dict[str, Any]:
    """Summary of a document whose values have been extracted (runs extraction if not)."""
    values = doc.values or extract_metadata(doc)
    return summarise(values)


def _record(path: Path) -> Record:
    """Read a file into a Record with its documents, through the lead's importer when
    present; otherwise decode and split here."""
    try:
        from opis.ingest.build import record_from_source
        from opis.ingest.sources import read_source
    except ImportError:
        return _record_fallback(path)
    return record_from_source(read_source(path))


def _record_fallback(path: Path) -> Record:
    from opis.read.document import document_from_text

    data = path.read_bytes()
    for enc in ("utf-8", "cp1251", "koi8-r"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    record = Record(path.name, data, enc, "transcription", text, source_path=str(path))
    for seq, (s, e) in enumerate(split_documents(text)):
        record.documents.append(document_from_text(text[s:e], seq=seq, source_start=s))
    return record


def extract_file(path: str | Path) -> list[dict[str, Any]]:
    """Read one file, split it, extract each document and summarise (no database)."""
    record = _record(Path(path))
    out = []
    for doc in record.documents:
        doc.values = extract_metadata(doc, record)
        out.append(summarise(doc.values))
    return out
