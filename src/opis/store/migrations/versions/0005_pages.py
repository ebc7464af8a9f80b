"""Pages of scanned records: one row per page image, its text stretch and zones.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "pages" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by `create_all` of this schema, then stamped at 0001
    op.create_table(
        "pages",
        sa.Column("record_id", sa.String(64), sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("image_sha256", sa.String(64), sa.ForeignKey("originals.sha256")),
        sa.Column("media_type", sa.String(50), nullable=False),
        sa.Column("method", sa.String(50), nullable=False),
        sa.Column("language", sa.String(10)),
        sa.Column("label", sa.String(50)),
        sa.Column("zones", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pages")
