from __future__ import annotations

import pytest

from opis.model import PUBLIC, Document, Layer, Mention, OffsetMap, Record, Value


def plain_document(text: str, seq: int = 0, **facts) -> Document:
    """A document whose reading text is `text` itself (no markup), with optional facts:
    date="1952-11-03", doc_type=..., persons=[...], orgs=[...], places=[...]."""
    diplomatic = Layer("diplomatic", text, to_parent=OffsetMap.identity(len(text)))
    reading = Layer("reading", text, parent="diplomatic", to_parent=OffsetMap.identity(len(text)))
    doc = Document(seq, 0, len(text), diplomatic, reading, language=facts.get("language", "ru"))
    if "date" in facts:
        doc.values.append(Value("date", {"iso": facts["date"], "precision": "day"}))
    for field in ("doc_type", "classification", "title_en"):
        if field in facts:
            doc.values.append(Value(field, facts[field]))
    for kind, key in (("PER", "persons"), ("ORG", "orgs"), ("LOC", "places")):
        for name in facts.get(key, []):
            doc.mentions.append(Mention(0, 0, kind, name, name))
    return doc


def _plain_record(name: str, *texts: str, visibility: str = PUBLIC, collection: str = "default",
                 title: str | None = None, facts: list[dict] | None = None) -> Record:
    full = "\n\n".join(texts)
    docs = [plain_document(t, i, **((facts or [{}] * len(texts))[i])) for i, t in enumerate(texts)]
    return Record(
        source_name=name,
        original=full.encode("utf-8"),
        encoding="utf-8",
        format="plain",
        text=full,
        metadata={"title": title} if title else {},
        documents=docs,
        visibility=visibility,
        collection=collection,
    )


@pytest.fixture
def plain_record():
    """Builder of a record with one plain-text document per text (see `_plain_record`)."""
    return _plain_record
