"""The first schema: records, originals and versions, documents with their layers, values,
mentions and search paragraphs, plus the search backend's full-text structures.

The tables are written out here, not taken from `schema.py`, so this revision keeps
meaning the same thing when the schema moves on (later changes get their own revisions).
The full-text structures come from the backend's own `install`, the one place that knows
them; a change to them therefore needs a new revision that rebuilds them.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_when = sa.DateTime(timezone=True)


def _doc_id() -> sa.Column:
    return sa.Column("document_id", sa.Integer(), nullable=False)


def _doc_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE")


def _serial() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "originals",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", _when, nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=True),
        sa.Column("collection", sa.String(200), nullable=False),
        sa.Column("format", sa.String(50), nullable=False),
        sa.Column("encoding", sa.String(50), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("visibility", sa.String(20), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_at", _when, nullable=False),
        sa.Column("updated_at", _when, nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["originals.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_records_collection", "records", ["collection"])
    op.create_index("ix_records_visibility", "records", ["visibility"])
    op.create_table(
        "record_versions",
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("saved_at", _when, nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"]),
        sa.ForeignKeyConstraint(["sha256"], ["originals.sha256"]),
        sa.PrimaryKeyConstraint("record_id", "sha256"),
    )
    op.create_table(
        "documents",
        _serial(),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("source_start", sa.Integer(), nullable=False),
        sa.Column("source_end", sa.Integer(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=True),
        sa.Column("title_ru", sa.Text(), nullable=True),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("date_precision", sa.String(10), nullable=True),
        sa.Column("doc_type", sa.String(50), nullable=True),
        sa.Column("classification", sa.String(50), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "seq"),
    )
    for col in ("language", "date", "doc_type", "classification"):
        op.create_index(f"ix_documents_{col}", "documents", [col])
    op.create_table(
        "layers",
        _serial(),
        _doc_id(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("parent", sa.String(100), nullable=True),
        sa.Column("language", sa.String(10), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("offset_map", sa.JSON(), nullable=False),
        sa.Column("spans", sa.JSON(), nullable=False),
        _doc_fk(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "name"),
    )
    op.create_index("ix_layers_document_id", "layers", ["document_id"])
    op.create_table(
        "values",
        _serial(),
        _doc_id(),
        sa.Column("field", sa.String(100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("as_written", sa.Text(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("layer", sa.String(100), nullable=False),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("created_at", _when, nullable=False),
        _doc_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_values_document_field", "values", ["document_id", "field"])
    op.create_table(
        "mentions",
        _serial(),
        _doc_id(),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(100), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("as_written", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("authority_id", sa.String(100), nullable=True),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        _doc_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mentions_document", "mentions", ["document_id"])
    op.create_index("ix_mentions_type_name", "mentions", ["type", "name"])
    op.create_table(
        "paragraphs",
        _serial(),
        _doc_id(),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lemmas", sa.Text(), nullable=False),
        sa.Column("forms", sa.Text(), nullable=False),
        sa.Column("translit", sa.Text(), nullable=False),
        _doc_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_paragraphs_document", "paragraphs", ["document_id", "seq"])

    from opis.search.backend import backend_for

    bind = op.get_bind()
    backend_for(bind.dialect.name).install(bind)


def downgrade() -> None:
    from opis.store.migrate import drop_full_text

    drop_full_text(op.get_bind())
    for name in ("paragraphs", "mentions", "values", "layers", "documents", "record_versions",
                 "records", "originals"):
        op.drop_table(name)
