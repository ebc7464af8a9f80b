"""Editors' decisions, applied on top of what the machine extracted.

A correction is stored apart from the machine's values (table `corrections`) and laid
over a record every time the record is saved, so re-running extraction (or re-ingesting
the same file) never overwrites it. This module is pure: it turns an editor's input into
values and applies decisions to a `Record`; `opis.review.service` stores them.

Kinds of decision:
- field: the values of one metadata field of a document (date, type, authors, …);
- mention: a named entity's link (accept, reject the link, relink, not an entity);
- suspect: an OCR doubt (accept a reading, or keep the text as it is).

A mention or suspect decision is keyed by offsets and keeps the words it was made on, so
when a new version of the file moves them it follows them (`moved_decisions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
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
        if mention_key(m.layer, m.start, m.end) != d.key or not is_on(d.value, m.as_written, m.type):
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
    for span in doc.reading.spans:
        if (span.kind == SUSPECT_KIND and suspect_key(span.start, span.end) == d.key
                and is_on(d.value, doc.reading.text[span.start:span.end])):
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


@dataclass(frozen=True, slots=True)
class Target:
    """What a decision of a kind can be on in a document: an OCR suspect or a mention."""

    key: str
    layer: str
    start: int
    end: int
    type: str | None = None  # a mention's PER, ORG or LOC


def targets(doc: Document, kind: str) -> list[Target]:
    if kind == SUSPECT:
        return [Target(suspect_key(s.start, s.end), READING, s.start, s.end)
                for s in doc.reading.spans if s.kind == SUSPECT_KIND]
    if kind == MENTION:
        return [Target(mention_key(m.layer, m.start, m.end), m.layer, m.start, m.end, m.type) for m in doc.mentions]
    return []


def _key_of(kind: str, layer: str, start: int, end: int) -> str:
    return mention_key(layer, start, end) if kind == MENTION else suspect_key(start, end)


_PLACE = re.compile(r"(?:(.*):)?(\d+)-(\d+)(?:~\d+)?")


def key_place(kind: str, key: str) -> tuple[str, int, int] | None:
    """(layer, start, end) of a decision's key; a suspect's is on the reading layer. A key
    with "~n" is a decision parked where another one now stands (see `moved_decisions`)."""
    m = _PLACE.fullmatch(key)
    if m is None or (kind == MENTION) != (m.group(1) is not None):
        return None
    return m.group(1) or READING, int(m.group(2)), int(m.group(3))


def decided_on(d: Decision) -> tuple[str | None, str | None]:
    """The words a decision was made on and, for a mention, its type; (None, None) for a
    decision made before they were kept, which holds by its position only."""
    return _words_of(d.value)


def _words_of(value: Any) -> tuple[str | None, str | None]:
    value = value if isinstance(value, dict) else {}
    return value.get("as_written") or None, value.get("type") or None


def is_on(value: Any, written: str, type_: str | None = None) -> bool:
    """Whether a decision (its stored value) is on these words of this type, at its key:
    it is not when they are other words, which came there with a new version while its
    own waits (or were deleted). One made before its words were kept is on what is there."""
    w, t = _words_of(value)
    return w in (None, written) and t in (None, type_)


Edit = tuple[str, int, int, int, int]  # a difflib opcode over characters: old [i1, i2) -> new [j1, j2)
_CHAR_DIFF_LIMIT = 4_000_000  # compare a changed stretch character by character up to this (len * len)


def text_edits(old: str, new: str) -> list[Edit]:
    """How `new` differs from `old`: lines are compared first (cheap, and a new version
    of a file changes a few lines), then the characters of each changed stretch, so a
    word on a line where a typo was fixed is still found unchanged."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    at_a, at_b = _line_starts(a), _line_starts(b)
    out: list[Edit] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        c1, c2, d1, d2 = at_a[i1], at_a[i2], at_b[j1], at_b[j2]
        if tag == "replace" and (c2 - c1) * (d2 - d1) <= _CHAR_DIFF_LIMIT:
            out += [(t, c1 + x1, c1 + x2, d1 + y1, d1 + y2) for t, x1, x2, y1, y2 in
                    SequenceMatcher(None, old[c1:c2], new[d1:d2], autojunk=False).get_opcodes()]
        else:
            out.append((tag, c1, c2, d1, d2))
    return out


def _line_starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _follow(edits: list[Edit], start: int, end: int) -> tuple[int, int, int, bool]:
    """Where the stretch [start, end) of the old text went in the new one: (where it
    starts there, the stretch lo..hi of the new text it can be in, and whether it came
    through unchanged, when it is exactly at that start)."""
    first, last = _edit_at(edits, start, False), _edit_at(edits, end, True)
    if first is None or last is None:
        return 0, 0, 0, True  # nothing of the old text is left
    tag, i1, _, j1, j2 = first
    if first is last and tag == "equal":
        at = j1 + start - i1
        return at, at, at + end - start, True
    at = j1 + start - i1 if tag == "equal" else min(j1 + start - i1, j2)
    lo = at if tag == "equal" else j1
    tag, i1, _, j1, j2 = last
    hi = j1 + end - i1 if tag == "equal" else j2
    return at, lo, max(lo, hi), False


def _edit_at(edits: list[Edit], pos: int, closing: bool) -> Edit | None:
    """The edit holding the character at `pos` (before `pos`, when `closing`)."""
    for e in edits:
        if e[1] < e[2] and (e[1] < pos <= e[2] if closing else e[1] <= pos < e[2]):
            return e
    return None


def moved_decisions(record: Record, decisions: Iterable[Decision], kind: str,
                    before: dict[tuple[int, str], str] | None = None) -> list[tuple[Decision, str]]:
    """Decisions of `kind` (suspect or mention) whose words a new version of the file
    moved, with the key of where each stands now.

    `before`: (document seq, layer) -> the text the stored keys are offsets into (the
    version stored until now). Each decided word is followed through the edits from that
    text to this one; one the edits changed is looked for where they changed the text,
    and one whose old text is not known, anywhere. In both cases the decision goes to the
    nearest place (in order, so two decisions on "Микоян" each keep their own) where the
    same words stand as a thing of the kind (same layer, and same type when known) that has
    no decision of its own. A word no longer there (deleted or corrected in the file)
    leaves its decision stored but unapplied, keyed where the word was. Decisions made
    before the words were kept stay by position."""
    before = before or {}
    moves = []
    for doc in record.documents:
        mine = [d for d in decisions if d.kind == kind and d.seq == doc.seq]
        # by position only, or on a layer the document no longer has: they keep their keys
        held = {d.key for d in mine if _followed(doc, kind, d) is None}
        mine = sorted((d for d in mine if d.key not in held), key=lambda d: key_place(kind, d.key)[1])
        edits: dict[str, list[Edit]] = {}
        found: dict[int, str] = {}  # id(decision) -> its key now
        looking = []
        for d in mine:
            written, layer, start, end, text = _followed(doc, kind, d)
            old = before.get((doc.seq, layer))
            if old is None:  # not known: the word may be anywhere
                at, lo, hi, exact = start, 0, len(text), False
            elif old == text:
                at, lo, hi, exact = start, start, end, True
            else:
                if layer not in edits:
                    edits[layer] = text_edits(old, text)
                at, lo, hi, exact = _follow(edits[layer], start, end)
            here = _key_of(kind, layer, at, at + len(written))
            if (exact or old is None) and text[at:at + len(written)] == written and here not in held:
                held.add(here)
                found[id(d)] = here
            else:
                looking.append((d, at, lo, hi, exact))
        stale, there_now = [], targets(doc, kind)
        for d, at, lo, hi, exact in looking:  # in order, after those in place
            written, layer, start, end, text = _followed(doc, kind, d)
            _, type_ = decided_on(d)
            free = [] if exact else [
                t for t in there_now if t.layer == layer and t.key not in held and lo <= t.start
                and t.end <= hi and text[t.start:t.end] == written and type_ in (None, t.type)]
            if free:
                t = min(free, key=lambda t: (abs(t.start - at), t.start))
                held.add(t.key)
                found[id(d)] = t.key
            else:
                stale.append((d, _key_of(kind, layer, at, at + end - start)))
        for d, there in stale:  # unapplied, under a key no other decision has
            key = next(k for k in (there, *(f"{there}~{n}" for n in range(1, len(mine) + 2))) if k not in held)
            held.add(key)
            found[id(d)] = key
        moves += [(d, found[id(d)]) for d in mine if found[id(d)] != d.key]
    return moves


def _followed(doc: Document, kind: str, d: Decision) -> tuple[str, str, int, int, str] | None:
    """(words decided on, layer, start, end, the layer's text now) of a decision that
    follows its words; None for one that holds by position only."""
    written, _ = decided_on(d)
    place = key_place(kind, d.key)
    text = _layer_text(doc, place[0]) if written and place else None
    return None if text is None else (written, *place, text)


def _layer_text(doc: Document, name: str) -> str | None:
    try:
        return doc.layer(name).text
    except KeyError:
        return None


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
