"""PostgreSQL: a table with one row per document (tagged terms of all its paragraphs,
GIN-indexed; its lemmas with their frequencies for ranking; whether its record is open to
readers), kept by triggers and the store's `sync`, so a query of words is answered per
document as on SQLite (see `opis.search.postgres_fts`). Built here from `paragraphs`.
SQLite has nothing to change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from opis.search.postgres_fts import PostgresFts

        fts = PostgresFts()
        fts.drop_documents(bind)
        fts.install(bind)  # marks every document with paragraphs stale
        fts.sync(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from opis.search.postgres_fts import PostgresFts

        PostgresFts().drop_documents(bind)
