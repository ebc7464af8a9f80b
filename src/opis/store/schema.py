"""Tables of the archive (SQLAlchemy Core), portable between SQLite and PostgreSQL.

The model's stand-off structures (offset maps, spans, values) are stored as JSON so the
tables stay few; what the archive filters and sorts by is copied into plain indexed
columns of `documents`. Full-text structures are not here: each search backend adds its
own next to `paragraphs` (see `opis.search.backend`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

originals = Table(
    "originals",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("bytes", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("source_name", Text, nullable=False),
    Column("source_path", Text),
    Column("collection", String(200), nullable=False, index=True),
    Column("format", String(50), nullable=False),
    Column("encoding", String(50), nullable=False),
    Column("sha256", String(64), ForeignKey("originals.sha256"), nullable=False),
    Column("text", Text, nullable=False),  # decoded source, as the reader saw it
    Column("metadata", JSON, key="meta", nullable=False),
    Column("visibility", String(20), nullable=False, index=True),
    Column("warnings", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Every version of a record's bytes ever saved, so an older transcription stays citable.
record_versions = Table(
    "record_versions",
    metadata,
    Column("record_id", String(64), ForeignKey("records.id"), primary_key=True),
    Column("sha256", String(64), ForeignKey("originals.sha256"), primary_key=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(64), ForeignKey("records.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("language", String(10), index=True),
    Column("source_start", Integer, nullable=False),
    Column("source_end", Integer, nullable=False),
    # denormalised from values, for facets and sorting
    Column("title_en", Text),
    Column("title_ru", Text),
    Column("date", String(10), index=True),  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    Column("date_precision", String(10)),
    Column("doc_type", String(50), index=True),
    Column("classification", String(50), index=True),
    UniqueConstraint("record_id", "seq"),
)

_doc_fk = ForeignKey("documents.id", ondelete="CASCADE")

layers = Table(
    "layers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, _doc_fk, nullable=False, index=True),
    Column("position", Integer, nullable=False),  # 0 diplomatic, 1 reading, 2.. extra
    Column("name", String(100), nullable=False),
    Column("parent", String(100)),
    Column("language", String(10)),
    Column("text", Text, nullable=False),
    Column("offset_map", JSON, nullable=False),
    Column("spans", JSON, nullable=False),
    UniqueConstraint("document_id", "name"),
)

values = Table(
    "values",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(100), nullable=False),
    Column("value", JSON),
    Column("as_written", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("layer", String(100), nullable=False),
    Column("method", String(200), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("origin", String(20), nullable=False),  # machine | human
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_values_document_field", "document_id", "field"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("layer", String(100), nullable=False),
    Column("type", String(10), nullable=False),
    Column("as_written", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_en", Text),
    Column("authority_id", String(100)),
    Column("method", String(200), nullable=False),
    Column("confidence", Float, nullable=False),
    Index("ix_mentions_document", "document_id"),
    Index("ix_mentions_type_name", "type", "name"),
)

# The search unit: one row per paragraph of a document's reading layer and translations.
paragraphs = Table(
    "paragraphs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("layer", String(100), nullable=False, server_default="reading"),  # reading, translation:en
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("lemmas", Text, nullable=False),
    Column("forms", Text, nullable=False),
    Column("translit", Text, nullable=False),
    Index("ix_paragraphs_document", "document_id", "seq"),
)

# Pages of scanned records (migration 0005): the stretch of the record's text read from
# each page, its zones (word and line boxes, JSON), and its image, kept in `originals` by
# sha256 like any other bytes (the scan file itself stays the record's original).
pages = Table(
    "pages",
    metadata,
    Column("record_id", String(64), ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("image_sha256", String(64), ForeignKey("originals.sha256")),
    Column("media_type", String(50), nullable=False),
    Column("method", String(50), nullable=False),
    Column("language", String(10)),
    Column("label", String(50)),
    Column("zones", JSON, nullable=False),
)
