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


SUSPECT_KIND = "ocr_suspect"
_SUSPECT_DECISION = ("decision", "by", "reading")  # what a decision adds to a suspect's attrs


def _apply_suspect(doc: Document, d: Decision) -> None:
    written = (d.value or {}).get("as_written")  # decisions made before it was kept have none
    for span in doc.reading.spans:
        if (span.kind == SUSPECT_KIND and suspect_key(span.start, span.end) == d.key
                and written in (None, doc.reading.text[span.start:span.end])):
            data = {k: v for k, v in (span.attrs or {}).items() if k not in _SUSPECT_DECISION}
            data.update({"decision": (d.value or {}).get("action"), "by": d.actor})
            if (d.value or {}).get("reading"):
                data["reading"] = d.value["reading"]
            span.attrs = data


def _clear_suspect_decisions(doc: Document) -> None:
    """A record read back from the store carries the decisions it was saved with; they
    are laid anew, so one withdrawn since then goes."""
    for span in doc.reading.spans:
        if span.kind == SUSPECT_KIND and any(k in (span.attrs or {}) for k in _SUSPECT_DECISION):
            span.attrs = {k: v for k, v in span.attrs.items() if k not in _SUSPECT_DECISION}


def moved_suspects(record: Record, decisions: Iterable[Decision]) -> list[tuple[Decision, str]]:
    """Decisions on OCR suspects whose word is no longer at their key (a new version of
    the file added or removed text before it), with the key of the same word now: the
    suspect nearest the old place that has the same text and no decision of its own.
    A word no longer there (corrected in the file) is left alone: its decision waits."""
    by_seq: dict[int, list[Decision]] = {}
    for d in decisions:
        if d.kind == SUSPECT:
            by_seq.setdefault(d.seq, []).append(d)
    moves = []
    for doc in record.documents:
        mine = by_seq.get(doc.seq, [])
        starts = {suspect_key(s.start, s.end): s.start for s in doc.reading.spans if s.kind == SUSPECT_KIND}
        words = {suspect_key(s.start, s.end): doc.reading.text[s.start:s.end]
                 for s in doc.reading.spans if s.kind == SUSPECT_KIND}
        taken = {d.key for d in mine}
        for d in sorted(mine, key=lambda d: _start_of(d.key)):
            written, was = (d.value or {}).get("as_written"), _start_of(d.key)
            if not written or words.get(d.key) == written:
                continue
            free = [k for k, w in words.items() if w == written and k not in taken]
            if free:
                k = min(free, key=lambda k: (abs(starts[k] - was), starts[k]))
                taken.add(k)
                moves.append((d, k))
    return moves


def _start_of(key: str) -> int:
    head = key.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def accepted_readings(doc: Document) -> dict[tuple[int, int], str]:
    """(start, end) on the reading layer -> the reading an editor accepted there: what
    search finds in place of the words written (the text itself stays as written)."""
    return {(s.start, s.end): str(s.attrs["reading"]) for s in doc.reading.spans
            if s.kind == SUSPECT_KIND and (s.attrs or {}).get("decision") == "accept"
            and str(s.attrs.get("reading") or "").strip()}


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
    for doc in record.documents:
        _clear_suspect_decisions(doc)
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
