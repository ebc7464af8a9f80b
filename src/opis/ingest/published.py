"""The published-record format: an archive's web record saved as text.

Digital archives publish each record as a page: a date line, a bold title, then labelled
fields (Citation, Summary, Credits, Original Language, Contents) and finally the document
text itself. We keep every header field as record metadata and hand on the body, with its
offset, for reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

FIELD_LABELS = {
    "citation": "citation",
    "summary": "summary",
    "credits": "credits",
    "original language": "original_language",
    "contents": "contents",
    "associated people & organizations": "associated_people",
    "associated places": "associated_places",
    "associated topics": "associated_topics",
    "keywords": "keywords",
    "subjects discussed": "subjects",
    "record id": "archive_record_id",
}
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z &]+):[ \t]*$", re.M)
_CONTENT_ITEM = re.compile(
    r"^(?:Original Scan|Original|Translation|Transcript(?:ion)?|English Translation|Scan)\b[^\n]{0,60}$",
    re.I,
)
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_EN_DATE = re.compile(r"^(?P<month>[A-Z][a-z]+)\s+(?:(?P<day>\d{1,2}),\s*)?(?P<year>\d{4})$")
_URL = re.compile(r"<(?P<url>https?://[^>\s]+)>|(?P<bare>https?://\S+)")


@dataclass(slots=True)
class Published:
    metadata: dict[str, object] = field(default_factory=dict)
    body: str = ""
    body_start: int = 0


def looks_published(text: str) -> bool:
    """A published record names at least Citation and Contents as field labels."""
    labels = {m.group("label").lower() for m in _LABEL.finditer(text[:20000])}
    return "contents" in labels and ("citation" in labels or "original language" in labels)


def parse_english_date(text: str) -> dict[str, str] | None:
    m = _EN_DATE.match(text.strip())
    if not m or m.group("month").lower() not in _MONTHS:
        return None
    year, month = int(m.group("year")), _MONTHS[m.group("month").lower()]
    if m.group("day"):
        try:
            return {"iso": date(year, month, int(m.group("day"))).isoformat(), "precision": "day"}
        except ValueError:
            return None
    return {"iso": f"{year:04d}-{month:02d}", "precision": "month"}


def parse_published(text: str) -> Published:
    labels = [m for m in _LABEL.finditer(text) if m.group("label").lower() in FIELD_LABELS]
    meta: dict[str, object] = {}
    head = text[: labels[0].start()] if labels else ""
    head_lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    if head_lines:
        when = parse_english_date(head_lines[0])
        if when:
            meta["date_as_written"] = head_lines[0]
            meta["date"] = when
            head_lines = head_lines[1:]
        title = " ".join(head_lines).strip()
        title = re.sub(r"^\*\*(.*)\*\*$", r"\1", title, flags=re.S).strip()
        if title:
            meta["title"] = re.sub(r"\s+", " ", title)
    body_start = len(text)
    for i, m in enumerate(labels):
        key = FIELD_LABELS[m.group("label").lower()]
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        chunk = text[m.end():end]
        if key == "contents":
            items, offset = _contents(chunk)
            meta["contents"] = items
            body_start = m.end() + offset
            break
        value = chunk.strip()
        if key == "citation":
            url = _URL.search(value)
            if url:
                meta["url"] = url.group("url") or url.group("bare")
                value = _URL.sub("", value).strip()
        if key == "original_language":
            meta["original_language"] = value.splitlines()[0].strip() if value else ""
            continue
        meta[key] = re.sub(r"[ \t]*\n[ \t]*", " ", value).strip() if key != "citation" else " ".join(value.split())
    return Published(metadata=meta, body=text[body_start:], body_start=body_start)


def _contents(chunk: str) -> tuple[list[str], int]:
    """The items listed under Contents, and where the document text begins."""
    items: list[str] = []
    pos = 0
    for line in chunk.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            pos += len(line)
            continue
        if _CONTENT_ITEM.match(stripped):
            items.append(stripped)
            pos += len(line)
            continue
        break
    return items, pos
