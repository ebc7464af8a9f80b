"""A Chicago-style note for a document, as digital archives print under a record:
"Title", Month D, YYYY, Archive, Collection. <URL>"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def format_date(iso: str | None) -> str | None:
    if not iso:
        return None
    parts = [int(x) for x in iso.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def archive_of(metadata: dict[str, Any]) -> str | None:
    """Archive and collection named in a record's own citation (what follows its date)."""
    cit = metadata.get("citation")
    if not isinstance(cit, str):
        return metadata.get("archive")
    m = re.search(r"(?:[A-Z][a-z]+ \d{1,2}, \d{4}|[A-Z][a-z]+ \d{4}|\b\d{4}),\s*(?P<rest>.+?)\.?\s*$", cit)
    return m.group("rest").strip() if m else metadata.get("archive")


def citation(title: str | None, iso: str | None, metadata: dict[str, Any] | None = None) -> str | None:
    """The note, or None without a title."""
    if not title:
        return None
    metadata = metadata or {}
    parts = [f'"{title}"']
    when = format_date(iso)
    if when:
        parts.append(when)
    archive = archive_of(metadata)
    if archive:
        parts.append(archive)
    note = ", ".join(parts) + "."
    url = metadata.get("url")
    return f"{note} <{url}>" if url else note
