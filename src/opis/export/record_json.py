"""A record as plain JSON: the shape `opis show --format json` and the web API share."""

from __future__ import annotations

from typing import Any

from opis.model import Document, Record


def record_title(record: Record) -> str:
    """The record's own title, else its first document's, else its file name."""
    if record.metadata.get("title"):
        return str(record.metadata["title"])
    for doc in record.documents:
        v = doc.first("title_en") or doc.first("title_ru")
        if v:
            return str(v.value)
    return record.source_name


def document_to_json(doc: Document) -> dict[str, Any]:
    from opis.extract.pipeline import document_summary

    summary = dict(document_summary(doc))
    summary.setdefault("values", [v.to_json() for v in doc.values])
    summary.update(
        seq=doc.seq,
        language=summary.get("language") or doc.language,
        source_start=doc.source_start,
        source_end=doc.source_end,
        mentions=[m.to_json() for m in doc.mentions],
        layers={
            layer.name: {"text": layer.text, "parent": layer.parent,
                         "spans": [s.to_json() for s in layer.spans]}
            for layer in (doc.diplomatic, doc.reading, *doc.extra_layers)
        },
    )
    return summary


def record_to_json(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "title": record_title(record),
        "source_name": record.source_name,
        "format": record.format,
        "encoding": record.encoding,
        "sha256": record.sha256,
        "size": len(record.original),
        "visibility": record.visibility,
        "collection": record.collection,
        "metadata": record.metadata,
        "warnings": record.warnings,
        "documents": [document_to_json(d) for d in record.documents],
    }
