"""SQLite: a full-text table with one row per document (all its paragraphs' terms), so a
query of words is one FTS5 MATCH over documents; triggers on `paragraphs` and the store's
`sync` keep it in step (see `opis.search.sqlite_fts`). Built here from `paragraphs`
(about 13 s at a million paragraphs). PostgreSQL has nothing to change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from opis.search.sqlite_fts import SqliteFts

        fts = SqliteFts()
        fts.install(bind)  # marks every document with paragraphs stale
        fts.sync(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from opis.search.sqlite_fts import SqliteFts

        SqliteFts().drop_documents(bind)
