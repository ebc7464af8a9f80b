"""Search paragraphs say which layer they are of: `paragraphs.layer` ("reading", or a
translation such as "translation:en"), so a hit can tell which language matched.

Every paragraph stored before is of the reading layer, which the server default says;
the full-text structures key paragraphs by (document, seq) and need no change. A database
that `create_all` made from this schema (then stamped at 0001) has the column already.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("paragraphs")}
    if "layer" in columns:  # made by `create_all` of this schema, then stamped at 0001
        return
    op.add_column("paragraphs", sa.Column("layer", sa.String(100), nullable=False, server_default="reading"))


def downgrade() -> None:
    # a plain ALTER (SQLite 3.35+), not a batch copy, so the full-text triggers stay
    op.drop_column("paragraphs", "layer")
