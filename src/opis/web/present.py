"""The facts a page shows about a document, read from its `Value`s, with readable labels.

Pages and their JSON twins are built from the same `facts` dict, so they cannot
disagree. Fields follow the table in docs/dev/conventions.md; a human correction wins
over the machine (`Document.first`).
"""

from __future__ import annotations

import re
from typing import Any

from opis.model import Document, Record, Value
from opis.web.queries import entity_id

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

DOC_TYPES = {
    "telegram": "Telegram", "ciphered_telegram": "Ciphered telegram", "cable": "Cable",
    "letter": "Letter", "memorandum": "Memorandum", "conversation": "Memorandum of conversation",
    "report": "Report", "decision": "Decision", "minutes": "Minutes", "diary": "Diary",
    "note": "Note", "press_statement": "Press statement", "speech": "Speech",
}
CLASSIFICATIONS = {
    "unclassified": "Unclassified", "official_use": "For official use", "confidential": "Confidential",
    "secret": "Secret", "top_secret": "Top secret", "special_file": "Special file",
}
LANGUAGES = {"ru": "Russian", "en": "English", "de": "German", "zh": "Chinese", "ko": "Korean",
             "pl": "Polish", "hu": "Hungarian", "ro": "Romanian", "cs": "Czech", "fr": "French",
             "bg": "Bulgarian"}
MENTION_TYPES = {"PER": "Person", "ORG": "Organisation", "LOC": "Place"}


def label(kind: str, value: str | None) -> str | None:
    """English label of a vocabulary value (unknown values shown as they are)."""
    if value is None:
        return None
    tables = {"doc_type": DOC_TYPES, "classification": CLASSIFICATIONS, "language": LANGUAGES}
    if kind not in tables:
        return value
    return tables[kind].get(value, value.replace("_", " ").capitalize() if kind != "language" else value)


def human_date(iso: str | None, precision: str | None = None) -> str | None:
    """'1956-09-23' → '23 September 1956'; '1952-11' → 'November 1952'; '1952' → '1952'."""
    if not iso:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", iso)
    if not m:
        return iso
    year, month, day = m.groups()
    if precision == "year":
        month = day = None
    elif precision == "month":
        day = None
    if month and 1 <= int(month) <= 12:
        name = MONTHS[int(month) - 1]
        return f"{int(day)} {name} {year}" if day else f"{name} {year}"
    return year


def _person(v: Value) -> dict[str, Any]:
    d = v.value if isinstance(v.value, dict) else {"name": str(v.value)}
    name = str(d.get("name") or v.as_written or "")
    out = {
        "name": name,
        "name_en": d.get("name_en"),
        "authority_id": d.get("authority_id"),
        "kind": d.get("kind"),
        "entity": entity_id(d.get("authority_id"), name) if name else None,
        "as_written": v.as_written,
    }
    if "copies" in d:
        out["copies"] = d.get("copies")
    return out


def document_title(doc: Document, record: Record) -> dict[str, str | None]:
    en = doc.first("title_en")
    ru = doc.first("title_ru")
    t = {"en": str(en.value) if en else None, "ru": str(ru.value) if ru else None}
    if not t["en"] and not t["ru"]:
        meta_title = record.metadata.get("title")
        if isinstance(meta_title, str) and meta_title:
            t["en"] = meta_title if len(record.documents) == 1 else f"{meta_title} — document {doc.seq + 1}"
        else:
            first_line = next((ln.strip() for ln in doc.reading.text.splitlines() if ln.strip()), "")
            t["en"] = (first_line[:80] + "…") if len(first_line) > 80 else (first_line or record.source_name)
    return t


def document_facts(doc: Document, record: Record) -> dict[str, Any]:
    """Everything the document page states about a document, as plain JSON data."""
    date_v = doc.first("date")
    date = None
    if date_v is not None:
        val = date_v.value if isinstance(date_v.value, dict) else {"iso": str(date_v.value)}
        iso = val.get("iso")
        precision = val.get("precision") or {4: "year", 7: "month", 10: "day"}.get(len(iso or ""))
        date = {"iso": iso, "precision": precision, "as_written": date_v.as_written,
                "display": human_date(iso, precision)}
    cls_v = doc.first("classification")
    type_v = doc.first("doc_type")
    lang_v = doc.first("language")
    language = str(lang_v.value) if lang_v else doc.language
    place_v = doc.first("place")
    facts: dict[str, Any] = {
        "record_id": record.id,
        "seq": doc.seq,
        "number": doc.seq + 1,
        "title": document_title(doc, record),
        "date": date,
        "doc_type": {"value": type_v.value, "label": label("doc_type", type_v.value)} if type_v else None,
        "classification": ({"value": cls_v.value, "label": label("classification", cls_v.value),
                            "as_written": cls_v.as_written} if cls_v else None),
        "language": {"value": language, "label": label("language", language)} if language else None,
        "authors": [_person(v) for v in doc.shown("author")],
        "signatories": [_person(v) for v in doc.shown("signatory")],
        "recipients": [_person(v) for v in doc.shown("recipient")],
        "distribution": [_person(v) for v in doc.shown("distribution")],
        "registry_numbers": [str(v.value) for v in doc.shown("registry_number")],
        "copies_made": doc.first("copies_made").value if doc.first("copies_made") else None,
        "handling": [str(v.value) for v in doc.shown("handling")],
        "place": _person(place_v) if place_v else None,
        "protocol": doc.first("protocol").value if doc.first("protocol") else None,
        "published_in": doc.first("published_in").value if doc.first("published_in") else None,
        "source_name": record.source_name,
        "collection": record.collection,
        "sha256": record.sha256,
    }
    return facts


def mention_index(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """Distinct named entities of a document by type, most mentioned first."""
    out: dict[str, dict[str, dict[str, Any]]] = {"PER": {}, "ORG": {}, "LOC": {}}
    for m in doc.mentions:
        eid = entity_id(m.authority_id, m.name)
        bucket = out.setdefault(m.type, {})
        e = bucket.setdefault(eid, {"id": eid, "name": m.name, "name_en": m.name_en, "count": 0})
        e["name_en"] = e["name_en"] or m.name_en
        e["count"] += 1
    return {t: sorted(b.values(), key=lambda e: (-e["count"], e["name"])) for t, b in out.items()}


def display_name(p: dict[str, Any]) -> str:
    return p.get("name_en") or p.get("name") or ""
