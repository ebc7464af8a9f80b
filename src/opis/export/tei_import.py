"""A TEI file written by `opis.export.tei` → a `Record` again.

Round trip, as defined here: ``tei_bytes(tei_to_record(tei_bytes(r))) == tei_bytes(r)``
for every record. The TEI file carries the original bytes (base64, with their encoding
and format, in ``notesStmt/note[@type="original"]``) and each document's character range
in them (``msItem/locus``), so the importer reads the text layers from the original
exactly as ingest does. Everything else comes from the TEI itself:

* record metadata from the header (titles, dates, URL, notes, archive, fond/opis/delo/list);
* access from ``availability``: public, restricted, or under embargo until the day of its
  ``date[@type="embargo"]`` (a save never makes a stored record more open than it is);
* per-document values (titles, registry numbers, parties, date, place, type,
  classification) from ``msItem``, ``correspDesc`` and ``textClass``;
* names (``persName``/``orgName``/``placeName``), the date's place in the text and OCR
  suspects (``sic``, with ``corr`` suggestions in a ``choice``; imported as
  ``ocr_suspect`` spans) from the body, by counting the diplomatic characters that
  precede them.

What the TEI does not say is not invented: imported values and mentions get
``method="tei"`` and the confidence ``@cert`` gives (1.0 without one); facts the export leaves out (copies of a
distribution, protocol details, extraction confidences) are not recovered. Names are
placed on the reading layer when their diplomatic range maps back exactly, else they
stay on the diplomatic layer (``Mention.layer``).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Iterable

from lxml import etree

from opis.access.policy import check_embargo
from opis.export.citations import record_source
from opis.export.dump import tighten
from opis.export.tei import EMBARGOED_PUBLIC, MENTION_TAGS, SUSPECT_KIND, T, TEI_NS, XML_ID, XML_LANG, t, xml_safe
from opis.ingest.build import FORMAT_PUBLISHED
from opis.ingest.published import parse_published
from opis.model import (
    DIPLOMATIC,
    PUBLIC,
    READING,
    RESTRICTED,
    Document,
    Mention,
    Record,
    Span,
    Value,
)
from opis.read.document import document_from_text

NS = {"tei": TEI_NS}
METHOD = "tei"
_TAG_TYPES = {t(v): k for k, v in MENTION_TAGS.items()}
# elements whose content is not transcribed text
_SKIP = {t("note"), t("gap"), t("corr"), t("pb"), t("lb"), t("anchor")}


class TEIImportError(ValueError):
    """The file is not a TEI file opis wrote (no original, no documents)."""


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    return "".join(el.itertext()).strip()


def _one(root: etree._Element, path: str) -> etree._Element | None:
    found = root.xpath(path, namespaces=NS)
    return found[0] if found else None


def _precision(iso: str) -> str:
    return {4: "year", 7: "month"}.get(len(iso), "day")


# --- record ------------------------------------------------------------------------------

def _original(root: etree._Element) -> tuple[bytes, str, str, str]:
    note = _one(root, "tei:teiHeader/tei:fileDesc/tei:notesStmt/tei:note[@type='original']")
    if note is None:
        raise TEIImportError("no original text in the TEI header (notesStmt/note[@type='original'])")
    idno = {i.get("type"): (i.text or "").strip() for i in note.findall(t("idno"))}
    seg = note.find(t("seg"))
    data = base64.b64decode("".join((seg.text or "").split()) if seg is not None else "")
    return data, idno.get("encoding", "utf-8"), idno.get("format", "transcription"), idno.get("filename", "")


def _metadata(root: etree._Element, text: str, fmt: str) -> dict[str, Any]:
    meta: dict[str, Any] = parse_published(text).metadata if fmt == FORMAT_PUBLISHED else {}
    fd = "tei:teiHeader/tei:fileDesc/"
    for note in root.xpath(fd + "tei:notesStmt/tei:note[@type!='original']", namespaces=NS):
        meta[note.get("type")] = note.text or ""
    bibl = _one(root, fd + "tei:sourceDesc/tei:bibl[@type='published']")
    if bibl is not None:
        if (title := bibl.find(t("title"))) is not None:
            meta["title"] = title.text or ""
        if (date := bibl.find(t("date"))) is not None and date.get("when"):
            iso = date.get("when")
            meta["date"] = {"iso": iso, "precision": _precision(iso)}
            if (date.text or "") != iso:
                meta["date_as_written"] = date.text or ""
        if (ptr := bibl.find(t("ptr"))) is not None:
            meta["url"] = ptr.get("target")
    ident = _one(root, fd + "tei:sourceDesc/tei:msDesc/tei:msIdentifier")
    if ident is not None:
        for idno in ident.findall(t("idno")):
            if idno.get("type") in ("fond", "opis", "delo", "list"):
                meta[idno.get("type")] = idno.text or ""
    return meta


def _access(root: etree._Element) -> tuple[str, str | None]:
    """(visibility, embargo date) from ``availability``: its embargo date whatever the
    status (a date that has passed keeps its sentence in the TEI), public behind an embargo
    only when the words say so (`EMBARGOED_PUBLIC`), else restricted when the status is."""
    av = _one(root, "tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:availability")
    if av is None:
        return PUBLIC, None
    date = _one(av, "tei:p/tei:date[@type='embargo']")
    try:
        until = check_embargo(date.get("when")) if date is not None else None
    except ValueError as exc:
        raise TEIImportError(f"the embargo date {date.get('when')!r} is not a day ({exc})") from exc
    if av.get("status") != "restricted":
        return PUBLIC, until
    p = av.find(t("p"))
    return (PUBLIC if until and p is not None and p.text == EMBARGOED_PUBLIC else RESTRICTED), until


def _restore_archive(record: Record, root: etree._Element) -> None:
    """Set archive / archive_collection only where the metadata does not already imply them."""
    ident = _one(root, "tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:msDesc/tei:msIdentifier")
    if ident is None:
        return
    repo = _text(ident.find(t("repository")))
    coll = _text(_one(ident, "tei:collection[@type='archive']"))
    archive, collection = record_source(record)
    if repo and repo != archive:
        record.metadata["archive"] = repo
    if coll and coll != collection:
        record.metadata["archive_collection"] = coll


# --- header values -------------------------------------------------------------------------

def _value(field_name: str, value: Any, as_written: str | None = None) -> Value:
    return Value(field=field_name, value=value, as_written=as_written, method=METHOD, confidence=1.0)


class _Authorities:
    def __init__(self, root: etree._Element):
        self.by_id: dict[str, dict[str, str | None]] = {}
        for item in root.xpath("tei:standOff/*/*[@xml:id]", namespaces=NS):
            names = {n.get(XML_LANG): n.text for n in item if n.tag != t("idno")}
            idno = _one(item, "tei:idno[@type='authority']")
            self.by_id[item.get(XML_ID)] = {
                "authority_id": idno.text if idno is not None else None,
                "name_en": names.get("en"),
            }

    def lookup(self, ref: str | None) -> dict[str, str | None]:
        if not ref or not ref.startswith("#"):
            return {"authority_id": None, "name_en": None}
        return self.by_id.get(ref[1:], {"authority_id": None, "name_en": None})


def _for(root: etree._Element, tag: str, ref: str | None) -> etree._Element | None:
    """The profileDesc part `tag` that points at document `ref`."""
    for el in root.xpath(f"tei:teiHeader/tei:profileDesc/tei:{tag}", namespaces=NS):
        if el.get("corresp") == ref:
            return el
    return None


def _header_values(root: etree._Element, item: etree._Element, auth: _Authorities) -> tuple[list[Value], Value | None]:
    """Values of one document in export order; also its date Value (to place in the text)."""
    ref = item.get("corresp")
    out: list[Value] = []
    for title in item.findall(t("title")):
        out.append(_value(f"title_{title.get(XML_LANG)}", title.text or ""))
    for idno in item.findall(t("idno")):
        if idno.get("type") == "registry":
            out.append(_value("registry_number", idno.text or ""))
    date_value = None
    cd = _for(root, "correspDesc", ref)
    if cd is not None:
        for action in cd.findall(t("correspAction")):
            for el in action:
                if el.tag in (t("persName"), t("orgName")) and el.get("role"):
                    a = auth.lookup(el.get("ref"))
                    name = el.get("key") or (el.text or "")
                    shown = el.text or ""
                    out.append(_value(el.get("role"), {
                        "name": name,
                        "name_en": shown if shown != name else None,
                        "authority_id": a["authority_id"],
                        "kind": "body" if el.tag == t("orgName") else "person",
                    }))
                elif el.tag == t("placeName"):
                    name = el.get("key") or (el.text or "")
                    shown = el.text or ""
                    out.append(_value("place", {"name": name, "name_en": shown if shown != name else None}))
                elif el.tag == t("date") and el.get("when"):
                    iso = el.get("when")
                    date_value = _value("date", {"iso": iso, "precision": _precision(iso)}, el.text)
                    out.append(date_value)
    tc = _for(root, "textClass", ref)
    if tc is not None:
        for kw in tc.findall(t("keywords")):
            term = kw.find(t("term"))
            if term is not None:
                # scheme="#r<record id>-doc_type": the field is what follows the id base
                out.append(_value(kw.get("scheme", "#").rsplit("-", 1)[-1].lstrip("#"), term.text or ""))
    return out, date_value


# --- the body ---------------------------------------------------------------------------------

def _walk(el: etree._Element, pos: int, parts: list[str], found: list[tuple[etree._Element, int, int]]) -> int:
    """Count the transcribed characters under `el` starting at `pos`; note every element's
    range. Returns the position after `el`'s content (tails are the caller's)."""
    if el.text and el.tag not in _SKIP:
        parts.append(el.text)
        pos += len(el.text)
    for child in el:
        if not isinstance(child.tag, str):  # comments, processing instructions
            pass
        elif child.tag in _SKIP:
            found.append((child, pos, pos))
        else:
            start = pos
            pos = _walk(child, pos, parts, found)
            found.append((child, start, pos))
        if child.tail:
            parts.append(child.tail)
            pos += len(child.tail)
    return pos


def _to_reading(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    """The reading-layer range whose diplomatic image is exactly [start, end), if any."""
    runs = doc.reading.to_parent.runs
    s = next((r.child + start - r.parent for r in runs if r.parent <= start < r.parent + r.length), None)
    e = next((r.child + end - r.parent for r in runs if r.parent < end <= r.parent + r.length), None)
    if s is None or e is None or e <= s:
        return None
    if doc.reading.to_parent.span_to_parent(s, e) != (start, end):
        return None
    return s, e


def _cert(el: etree._Element) -> float:
    """`@cert` as a probability; absent (or a word such as "high") means full confidence."""
    try:
        return float(el.get("cert", "1"))
    except ValueError:
        return 1.0


def _place(doc: Document, start: int, end: int) -> tuple[str, int, int, str]:
    at = _to_reading(doc, start, end)
    if at is not None:
        return READING, at[0], at[1], doc.reading.text[at[0]:at[1]]
    return DIPLOMATIC, start, end, doc.diplomatic.text[start:end]


def _body_marks(div: etree._Element, doc: Document, auth: _Authorities, date_value: Value | None,
                warnings: list[str]) -> None:
    parts: list[str] = []
    found: list[tuple[etree._Element, int, int]] = []
    _walk(div, 0, parts, found)
    if "".join(parts) != xml_safe(doc.diplomatic.text):
        warnings.append(f"TEI document {doc.seq}: body text differs from the original's; "
                        "names and dates may be misplaced")
    found.sort(key=lambda f: (f[1], -(f[2] - f[1])))
    for el, start, end in found:
        if el.tag in _TAG_TYPES or (el.tag == t("name") and el.get("type")):
            mtype = _TAG_TYPES.get(el.tag) or el.get("type")
            layer, s, e, written = _place(doc, start, end)
            a = auth.lookup(el.get("ref"))
            doc.mentions.append(Mention(start=s, end=e, type=mtype, as_written=written,
                                        name=el.get("key") or written, name_en=a["name_en"],
                                        authority_id=a["authority_id"], layer=layer,
                                        method=METHOD, confidence=_cert(el)))
        elif el.tag == t("date") and date_value is not None and date_value.start is None:
            layer, s, e, _ = _place(doc, start, end)
            date_value.layer, date_value.start, date_value.end = layer, s, e
        elif el.tag == t("sic"):
            parent = el.getparent()
            corrs = parent.findall(t("corr")) if parent is not None and parent.tag == t("choice") else []
            layer, s, e, _ = _place(doc, start, end)
            # an OCR suspect, as the suspects step stores it: a span beside the text
            target = doc.reading if layer == READING else doc.diplomatic
            attrs: dict[str, Any] = {"suggestions": [c.text or "" for c in corrs]}
            if el.get("cert") is not None:
                attrs["confidence"] = _cert(el)
            target.spans.append(Span(s, e, SUSPECT_KIND, attrs))


# --- entry point ----------------------------------------------------------------------------------

def tei_to_record(xml: bytes | etree._Element) -> Record:
    """Read a TEI file written by `record_to_tei` back into a Record."""
    root = etree.fromstring(xml) if isinstance(xml, (bytes, bytearray)) else xml
    if root.tag != T + "TEI":
        raise TEIImportError(f"not a TEI document (root element {root.tag})")
    data, encoding, fmt, filename = _original(root)
    text = data.decode(encoding)
    visibility, embargo_until = _access(root)
    collection = _text(_one(root, "tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:msDesc/"
                                  "tei:msIdentifier/tei:collection[@type='opis']"))
    record = Record(
        source_name=filename,
        original=data,
        encoding=encoding,
        format=fmt,
        text=text,
        metadata=_metadata(root, text, fmt),
        visibility=visibility,
        embargo_until=embargo_until,
        collection=collection or "default",
    )
    _restore_archive(record, root)
    auth = _Authorities(root)
    items = root.xpath("tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:msDesc/tei:msContents/tei:msItem",
                       namespaces=NS)
    divs = {d.get("n"): d for d in root.xpath("tei:text/tei:body/tei:div", namespaces=NS)}
    for item in items:
        locus = item.find(t("locus"))
        start, end = int(locus.get("from")), int(locus.get("to"))
        lang = item.find(t("textLang"))
        doc = document_from_text(
            text[start:end], seq=int(item.get("n")), source_start=start,
            language=lang.get("mainLang") if lang is not None else None,
            first_line=text.count("\n", 0, start) + 1, warnings=record.warnings)
        doc.values, date_value = _header_values(root, item, auth)
        div = divs.get(item.get("n"))
        if div is not None:
            _body_marks(div, doc, auth, date_value, record.warnings)
        record.documents.append(doc)
    return record


def import_tei(store: Any, paths: Iterable[str | Path]) -> dict[str, int]:
    """Save the records of TEI files (as `export_tei` writes them) into `store`; returns
    how many were added, updated and unchanged. A file that is not opis TEI raises
    TEIImportError naming it. Access is never loosened: a save keeps a stored record's
    stricter access, and a record found unchanged takes the file's where it is stricter."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for p in paths:
        try:
            record = tei_to_record(Path(p).read_bytes())
        except (TEIImportError, etree.XMLSyntaxError) as exc:
            raise TEIImportError(f"{p}: {exc}") from exc
        status = store.save_record(record)
        if status == "unchanged":
            tighten(store, record.id, record.visibility, record.embargo_until)
        counts[status] += 1
    return counts
