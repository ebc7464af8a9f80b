"""SQLite: the full-text table keyed by document (contentless FTS5, rowid = document_id << 20
| seq) replaces the external-content table keyed by paragraph id, and every paragraph is
indexed again. PostgreSQL has nothing to change.

The search backend's `rebuild` knows the layout; this revision only says when to use it.
On a new database it finds no paragraphs, so it costs nothing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from opis.search.sqlite_fts import SqliteFts

        SqliteFts().rebuild(bind)


def downgrade() -> None:
    pass  # the code that read the older layout is gone; 0001's downgrade drops the table
