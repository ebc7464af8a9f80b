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
    # access and review (migration 0006): hidden from readers until this ISO date; hidden
    # from everyone once deleted (an admin may purge later); when an editor signed it off
    Column("embargo_until", String(10)),
    Column("deleted_at", DateTime(timezone=True)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("reviewed_by", String(100)),
    # every column the reader's visibility test reads, so the few hidden records are
    # found in the index without reading the (fat) record rows
    Index("ix_records_access", "visibility", "deleted_at", "embargo_until", "collection", "id"),
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


# --- access, review and history (migration 0006) ------------------------------------------

# A collection's own visibility: its records are hidden from readers when the collection
# is restricted or under embargo, whatever the records say.
collections = Table(
    "collections",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("visibility", String(20), nullable=False),
    Column("embargo_until", String(10)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),  # reader | editor | admin
    Column("password_hash", Text, nullable=False),  # argon2id, with its own salt and parameters
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
)

# Tokens for scripts: only a SHA-256 of the token is kept, so the table leaks nothing usable.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

# Failed logins per account name (hashed, whether or not the account exists), for throttling.
login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
)

# Site-wide settings, such as the key that signs session cookies (made on first use, so
# every server process on one database signs alike).
settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# The history: one row per change, never updated or deleted (triggers refuse it). No
# foreign key to records: the history of a purged record stays.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(50), nullable=False),
    Column("record_id", String(64), index=True),
    Column("target", Text),
    Column("old", JSON),
    Column("new", JSON),
)

# Editors' decisions in force, kept apart from what the machine extracted and applied on
# top of it whenever a record is saved, so re-running extraction never overwrites them.
# kind: field (key = field name), mention (key = "layer:start-end"), suspect (key = "start-end").
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("key", String(300), nullable=False),
    Column("value", JSON),
    Column("actor", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("record_id", "seq", "kind", "key"),
)

# Entities merged by an editor: every mention of (type, name) is shown as the target.
entity_merges = Table(
    "entity_merges",
    metadata,
    Column("type", String(10), primary_key=True),
    Column("name", String(300), primary_key=True),
    Column("into_name", String(300), nullable=False),
    Column("into_authority_id", String(100)),
    Column("into_en", Text),
    Column("actor", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
