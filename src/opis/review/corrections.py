"""Editors' decisions, applied on top of what the machine extracted.

A correction is stored apart from the machine's values (table `corrections`) and laid
over a record every time the record is saved, so re-running extraction (or re-ingesting
the same file) never overwrites it. This module is pure: it turns an editor's input into
values and applies decisions to a `Record`; `opis.review.service` stores them.

Kinds of decision:
- field: the values of one metadata field of a document (date, type, authors, …);
- mention: a named entity's link (accept, reject the link, relink, not an entity);
- suspect: an OCR doubt (accept a reading, or keep the text as it is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from opis.model import READING, Document, Record, Value

FIELD, MENTION, SUSPECT = "field", "mention", "suspect"
KINDS = (FIELD, MENTION, SUSPECT)
# what an editor corrects, and how the input is read
PARTY_FIELDS = ("author", "signatory", "recipient")
TEXT_FIELDS = ("doc_type", "classification", "title_en", "title_ru", "place")
EDITABLE_FIELDS = ("date", *PARTY_FIELDS, *TEXT_FIELDS)
MENTION_ACTIONS = ("accept", "reject", "relink", "remove")
SUSPECT_ACTIONS = ("accept", "reject")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class CorrectionError(ValueError):
    """Input an editor must fix; the message says how."""


@dataclass(slots=True)
class Decision:
    """One correction in force (a row of `corrections`)."""

    seq: int
    kind: str
    key: str
    value: Any
    actor: str


def method_of(actor: str) -> str:
    return f"editor:{actor}"


def parse_date(text: str) -> dict[str, str] | None:
    text = text.strip()
    if not text:
        return None
    m = _DATE.fullmatch(text)
    if not m:
        raise CorrectionError("a date is YYYY, YYYY-MM or YYYY-MM-DD (e.g. 1956-09-23)")
    year, month, day = m.groups()
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        raise CorrectionError(f"{text} is not a real date")
    if day:
        from datetime import date

        try:
            date(int(year), int(month), int(day))
        except ValueError:
            raise CorrectionError(f"{text} is not a real date") from None
    return {"iso": text, "precision": "day" if day else "month" if month else "year"}


def party(name: str) -> dict[str, Any]:
    """A person or body as typed by an editor, linked through the authority file when it
    knows the name (any case form, pseudonyms), else kept as typed."""
    from opis.entities.authority import default_authority

    name = " ".join(clean_input(name).split())
    link = default_authority().link(name)
    if link is not None and link.score >= 0.9:
        e = link.entry
        return {"name": e.name, "name_en": e.en, "authority_id": e.id,
                "kind": "person" if e.type == "PER" else "body"}
    return {"name": name, "name_en": None, "authority_id": None, "kind": None}


def clean_input(text: str) -> str:
    """An editor's text as it may be stored: no NUL (no database takes it)."""
    if "\x00" in text:
        raise CorrectionError("the text holds a NUL character; type it again")
    return text


def field_value(field: str, raw: Any) -> Any:
    """The stored form of an editor's input for a field: a list of value payloads (an
    empty list says "none": the machine's values are withdrawn)."""
    if field not in EDITABLE_FIELDS:
        raise CorrectionError(f"field must be one of {', '.join(EDITABLE_FIELDS)}")
    if isinstance(raw, list):
        items = [clean_input(str(x)) for x in raw]
    else:
        items = [clean_input(str(raw or ""))]
    if field in PARTY_FIELDS:  # several names: one per line or separated by ";"
        names = [n.strip() for item in items for n in re.split(r"[;\n]", item) if n.strip()]
        return [party(n) for n in names]
    text = " ".join(" ".join(items).split())
    if field == "date":
        d = parse_date(text)
        return [d] if d else []
    if len(text) > 500:
        raise CorrectionError("a value is at most 500 characters")
    return [text] if text else []


def field_values(field: str, payloads: list[Any], actor: str) -> list[Value]:
    """Human values for a field; a withdrawn field gets one empty value, so the
    machine's values stay stored but are no longer shown."""
    if not payloads:
        return [Value(field=field, value=None, layer=READING, method=method_of(actor), confidence=1.0,
                      origin="human")]
    return [Value(field=field, value=p, layer=READING, method=method_of(actor), confidence=1.0, origin="human")
            for p in payloads]


def mention_key(layer: str, start: int, end: int) -> str:
    return f"{layer}:{start}-{end}"


def suspect_key(start: int, end: int) -> str:
    return f"{start}-{end}"


def _apply_field(doc: Document, d: Decision) -> None:
    doc.values = [v for v in doc.values if not (v.field == d.key and v.origin == "human")]
    doc.values.extend(field_values(d.key, list(d.value or []), d.actor))


def _apply_mention(doc: Document, d: Decision) -> None:
    action = (d.value or {}).get("action")
    keep = []
    for m in doc.mentions:
        if mention_key(m.layer, m.start, m.end) != d.key:
            keep.append(m)
            continue
        if action == "remove":  # not an entity at all ("Тов" read as a person)
            continue
        if action == "accept":
            m.confidence, m.method = 1.0, f"{m.method}+{method_of(d.actor)}"
        elif action == "reject":  # the link is wrong: the name stays, as written
            m.authority_id, m.name_en, m.name = None, None, m.as_written
            m.confidence, m.method = 1.0, method_of(d.actor)
        elif action == "relink":  # split off to another entity
            target = d.value or {}
            m.name = target.get("name") or m.name
            m.name_en = target.get("name_en")
            m.authority_id = target.get("authority_id")
            m.confidence, m.method = 1.0, method_of(d.actor)
        keep.append(m)
    doc.mentions = keep


def _apply_suspect(doc: Document, d: Decision) -> None:
    for span in doc.reading.spans:
        if span.kind == "ocr_suspect" and suspect_key(span.start, span.end) == d.key:
            data = dict(span.attrs or {})
            data.update({"decision": (d.value or {}).get("action"), "by": d.actor})
            if (d.value or {}).get("reading"):
                data["reading"] = d.value["reading"]
            span.attrs = data


def apply_merges(record: Record, merges: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Entities an editor merged: every mention of (type, name) becomes the target."""
    if not merges:
        return
    for doc in record.documents:
        for m in doc.mentions:
            target = merges.get((m.type, m.name))
            if target is not None:
                m.name, m.authority_id, m.name_en = target["name"], target.get("authority_id"), target.get("name_en")


def apply_corrections(record: Record, decisions: Iterable[Decision],
                      merges: dict[tuple[str, str], dict[str, Any]] | None = None) -> Record:
    """Lay editors' decisions over a record (in place; returns it). Decisions for a
    document the record no longer has are kept in the store but not applied."""
    apply_merges(record, merges or {})
    by_seq = {doc.seq: doc for doc in record.documents}
    for d in decisions:
        doc = by_seq.get(d.seq)
        if doc is None:
            continue
        if d.kind == FIELD:
            _apply_field(doc, d)
        elif d.kind == MENTION:
            _apply_mention(doc, d)
        elif d.kind == SUSPECT:
            _apply_suspect(doc, d)
    return record
