"""Citations of a document in CSL-JSON, Chicago notes (through citeproc-py), BibTeX and RIS.

Everything starts from `source_info`, which decides once what a document is called, when
it was written and where it is kept. A published record is cited as the archive
publishes it (its own title, date and URL, archive and collection read from its own
Citation line); a plain transcription is cited by its document's extracted title and date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from opis.model import Document, Record

CSL_STYLE = "opis-archival-note.csl"
_EN_DATE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(?:\d{1,2},\s*)?\d{4}")
_LEADING_TITLE = re.compile(r'^\s*["“«](?P<title>.*?)["”»]\s*,?\s*')


@dataclass(slots=True)
class SourceInfo:
    """What a citation says about one document."""

    title: str
    date: str | None = None  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    archive: str | None = None
    collection: str | None = None
    location: str | None = None  # fond, opis, delo, list
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    doc_type: str | None = None
    registry: str | None = None
    key: str = ""


def _citation_parts(citation: str, date_as_written: str | None) -> tuple[str | None, str | None]:
    """Archive and collection from a published Citation line:
    '"Title", November 3, 1952, Wilson Center Digital Archive, CWIHP archive.'"""
    rest = _LEADING_TITLE.sub("", citation, count=1)
    if date_as_written and date_as_written in rest:
        rest = rest.split(date_as_written, 1)[1]
    else:
        m = _EN_DATE.search(rest)
        if m:
            rest = rest[m.end():]
    parts = [p.strip() for p in rest.strip().strip(",").rstrip(".").split(",") if p.strip()]
    if not parts:
        return None, None
    return parts[0], (", ".join(parts[1:]) or None)


def archive_location(meta: dict[str, Any]) -> str | None:
    labels = (("fond", "f."), ("opis", "op."), ("delo", "d."), ("list", "l."))
    parts = [f"{label} {meta[k]}" for k, label in labels if meta.get(k) not in (None, "")]
    return ", ".join(parts) or None


def record_source(record: Record) -> tuple[str | None, str | None]:
    """(archive, archival collection) of a record: explicit metadata first, then its own
    Citation line."""
    meta = record.metadata
    archive, collection = meta.get("archive"), meta.get("archive_collection")
    if (not archive or not collection) and isinstance(meta.get("citation"), str):
        parsed = _citation_parts(meta["citation"], meta.get("date_as_written"))
        archive = archive or parsed[0]
        collection = collection or parsed[1]
    return (str(archive) if archive else None), (str(collection) if collection else None)


def _party_names(doc: Document, field_name: str) -> list[str]:
    out = []
    for v in doc.all(field_name):
        if isinstance(v.value, dict) and v.value.get("name"):
            out.append(str(v.value.get("name_en") or v.value["name"]))
    return out


def source_info(record: Record, doc: Document | None = None, url: str | None = None) -> SourceInfo:
    """`url` is where opis serves the document; the archive's own URL wins over it."""
    meta = record.metadata
    doc = doc if doc is not None else (record.documents[0] if record.documents else None)
    title = meta.get("title")
    date = meta["date"].get("iso") if isinstance(meta.get("date"), dict) else None
    authors: list[str] = []
    language = doc_type = registry = None
    if doc is not None:
        if not title:
            v = doc.first("title_en") or doc.first("title_ru")
            title = v.value if v is not None else None
        if not date and (v := doc.first("date")) is not None and isinstance(v.value, dict):
            date = v.value.get("iso")
        authors = _party_names(doc, "author") or _party_names(doc, "signatory")
        language = doc.language
        dt = doc.first("doc_type")
        doc_type = dt.value if dt is not None and isinstance(dt.value, str) else None
        reg = doc.first("registry_number")
        registry = reg.value if reg is not None and isinstance(reg.value, str) else None
    archive, collection = record_source(record)
    seq = doc.seq if doc is not None else 0
    return SourceInfo(
        title=str(title or record.source_name),
        date=date,
        archive=archive,
        collection=collection,
        location=archive_location(meta),
        url=str(meta["url"]) if meta.get("url") else url,
        authors=authors,
        language=language,
        doc_type=doc_type,
        registry=registry,
        key=f"opis-{record.id}-{seq}",
    )


def _date_parts(iso: str) -> list[int]:
    return [int(p) for p in iso.split("-") if p.isdigit()]


# --- CSL-JSON and Chicago --------------------------------------------------------------

def csl_json(record: Record, doc: Document | None = None, url: str | None = None) -> dict[str, Any]:
    """One CSL-JSON item (type manuscript: an unpublished archival document)."""
    info = source_info(record, doc, url)
    item: dict[str, Any] = {"id": info.key, "type": "manuscript", "title": info.title}
    if info.date:
        item["issued"] = {"date-parts": [_date_parts(info.date)]}
    if info.authors:
        item["author"] = [{"literal": a} for a in info.authors]
    for key, value in (("archive", info.archive), ("collection-title", info.collection),
                       ("archive_location", info.location), ("URL", info.url),
                       ("language", info.language), ("genre", info.doc_type),
                       ("number", info.registry)):
        if value:
            item[key] = value
    return item


@lru_cache(maxsize=1)
def _style():
    from citeproc import CitationStylesStyle

    path = resources.files("opis") / "data" / "csl" / CSL_STYLE
    with resources.as_file(path) as p:
        return CitationStylesStyle(str(p), validate=False)


def chicago_note(record: Record, doc: Document | None = None, url: str | None = None) -> str:
    """A full note: "Title", Month D, YYYY, Archive, Collection. <URL>"""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    item = csl_json(record, doc, url)
    source = CiteProcJSON([item])
    bib = CitationStylesBibliography(_style(), source, formatter.plain)
    citation = Citation([CitationItem(item["id"])])
    bib.register(citation)
    text = str(bib.cite(citation, lambda _item: None))
    return " ".join(text.split())


# --- BibTeX and RIS ----------------------------------------------------------------------

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def tex_escape(s: str) -> str:
    return "".join(_TEX_SPECIAL.get(c, c) for c in " ".join(str(s).split()))


def bibtex(record: Record, doc: Document | None = None, url: str | None = None) -> str:
    """A @misc entry (biblatex-style `date`, plus `year`/`month` for classic BibTeX)."""
    info = source_info(record, doc, url)
    fields: list[tuple[str, str]] = [("title", info.title)]
    if info.authors:
        fields.append(("author", " and ".join("{" + tex_escape(a) + "}" for a in info.authors)))
    if info.date:
        parts = info.date.split("-")
        fields.append(("date", info.date))
        fields.append(("year", parts[0]))
        if len(parts) > 1:
            fields.append(("month", str(int(parts[1]))))
    if info.archive:
        fields.append(("howpublished", info.archive))
    note = ", ".join(p for p in (info.collection, info.location) if p)
    if note:
        fields.append(("note", note))
    for key, value in (("number", info.registry), ("type", info.doc_type),
                       ("language", info.language), ("url", info.url)):
        if value:
            fields.append((key, value))
    body = ",\n".join(
        f"  {k} = {{{v if k == 'author' else (v if k == 'url' else tex_escape(v))}}}"
        for k, v in fields)
    return f"@misc{{{info.key},\n{body}\n}}\n"


def ris(record: Record, doc: Document | None = None, url: str | None = None) -> str:
    """One RIS reference of type MANSCPT (manuscript)."""
    import rispy

    info = source_info(record, doc, url)
    entry: dict[str, Any] = {"type_of_reference": "MANSCPT", "id": info.key, "title": info.title}
    if info.authors:
        entry["authors"] = list(info.authors)
    if info.date:
        parts = info.date.split("-")
        entry["year"] = parts[0]
        entry["date"] = "/".join(parts + [""] * (3 - len(parts))) + "/"
    for key, value in (("database_provider", info.archive), ("secondary_title", info.collection),
                       ("call_number", info.location), ("accession_number", info.registry),
                       ("type_of_work", info.doc_type), ("language", info.language)):
        if value:
            entry[key] = value
    if info.url:
        entry["urls"] = [info.url]
    return rispy.dumps([entry])
