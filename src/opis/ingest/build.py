"""Source file → `Record`: choose the importer, split, read the markup."""

from __future__ import annotations

from pathlib import Path

from opis.ingest.published import looks_published, parse_published
from opis.ingest.sources import Source, read_source
from opis.model import Record
from opis.read.document import document_from_text

FORMAT_TRANSCRIPTION = "transcription"
FORMAT_PUBLISHED = "published-record"


def script_language(text: str) -> str | None:
    """ru or en by the script most letters are in; None when there are no letters."""
    cyr = lat = 0
    for c in text:
        if "а" <= c.lower() <= "я" or c in "ёЁ":
            cyr += 1
        elif "a" <= c.lower() <= "z":
            lat += 1
    if not cyr and not lat:
        return None
    return "ru" if cyr >= lat else "en"


def _split(body: str) -> list[tuple[int, int]]:
    from opis.extract.split import split_documents

    spans = split_documents(body)
    return spans or [(0, len(body))]


def record_from_source(source: Source, collection: str = "default") -> Record:
    """Build the record of one decoded source file (no extraction yet)."""
    from opis.translate.pairing import attach_file_translations, attach_text, split_published

    text = source.text
    inside = None  # a published record's own translation: (its text, where it starts, language)
    if looks_published(text):
        fmt = FORMAT_PUBLISHED
        published = parse_published(text)
        metadata = published.metadata
        body, base = published.body, published.body_start
        cut = split_published(body, metadata)
        if cut is not None:
            inside = (body[cut[1]:], base + cut[1], cut[2])
            body = body[: cut[0]]
    else:
        fmt = FORMAT_TRANSCRIPTION
        metadata, body, base = {}, text, 0
    record = Record(
        source_name=source.name,
        original=source.data,
        encoding=source.encoding,
        format=fmt,
        text=text,
        metadata=metadata,
        collection=collection,
        source_path=str(source.path),
    )
    for seq, (s, e) in enumerate(_split(body)):
        chunk = body[s:e]
        doc = document_from_text(
            chunk,
            seq=seq,
            source_start=base + s,
            language=script_language(chunk),
            first_line=text.count("\n", 0, base + s) + 1,
            warnings=record.warnings,
        )
        record.documents.append(doc)
    if inside is not None:
        attach_text(record, inside[0], inside[2], source="record", base=inside[1], split=_split)
        record.metadata = {**record.metadata, "translations": [{"language": inside[2], "source": "record"}]}
    attach_file_translations(record, source, _split)
    return record


def build_record(path: Path, root: Path | None = None, collection: str = "default",
                 enrich: bool = True) -> Record:
    """Read, import and (unless `enrich` is False) run the extraction steps on one file."""
    from opis.ingest.scans import finish_scan_record, is_scan, read_scan, record_from_scan

    if is_scan(path):  # images, PDFs, PAGE/ALTO; a PNG named .txt still fails in read_source
        record = record_from_scan(read_scan(path, root), collection=collection)
    else:
        record = record_from_source(read_source(path, root), collection=collection)
    if enrich:
        from opis.pipeline import enrich_record

        enrich_record(record)
        finish_scan_record(record)
    return record
