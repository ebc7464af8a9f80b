"""Full-text structures brought up to date: the search backend's `install` again, which
adds what it has gained since 0001 (on SQLite, the covering index on `paragraphs(id,
document_id)` that searches name with INDEXED BY) and leaves what exists alone.

Needed by databases stamped at 0001 when they were made before migrations, and by any made
at 0001 before the backend gained the index. When the backend's structures change again,
a revision like this one (or one that rebuilds them, if they change shape) follows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from opis.search.backend import backend_for

    bind = op.get_bind()
    backend_for(bind.dialect.name).install(bind)


def downgrade() -> None:
    pass  # 0001 makes the same structures on a new database; nothing here to take back
