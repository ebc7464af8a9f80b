"""Access, review and history: embargo and deletion on records, collection visibility,
accounts and API tokens, login throttling, settings, the append-only event log, editors'
corrections and entity merges.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_RECORD_COLUMNS = (
    ("embargo_until", sa.String(10)),
    ("deleted_at", _TS),
    ("reviewed_at", _TS),
    ("reviewed_by", sa.String(100)),
)


def _append_only(bind: sa.engine.Connection) -> None:
    """The event log refuses UPDATE and DELETE in the database itself, not only in code."""
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS events_no_{verb.lower()} BEFORE {verb} ON events "
                "BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION opis_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the history is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION opis_events_append_only()"
        )


def upgrade() -> None:
    bind = op.get_bind()
    insp = sa.inspect(bind)
    have = set(insp.get_table_names())
    record_cols = {c["name"] for c in insp.get_columns("records")}
    with op.batch_alter_table("records") as batch:
        for name, type_ in _RECORD_COLUMNS:
            if name not in record_cols:
                batch.add_column(sa.Column(name, type_))
    if "ix_records_access" not in {ix["name"] for ix in insp.get_indexes("records")}:
        op.create_index("ix_records_access", "records",
                        ["visibility", "deleted_at", "embargo_until", "collection", "id"])
    if "collections" not in have:
        op.create_table(
            "collections",
            sa.Column("name", sa.String(200), primary_key=True),
            sa.Column("visibility", sa.String(20), nullable=False),
            sa.Column("embargo_until", sa.String(10)),
            sa.Column("updated_at", _TS, nullable=False),
        )
    if "users" not in have:
        op.create_table(
            "users",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("name", sa.String(100), nullable=False, unique=True),
            sa.Column("role", sa.String(20), nullable=False),
            sa.Column("password_hash", sa.Text, nullable=False),
            sa.Column("created_at", _TS, nullable=False),
            sa.Column("disabled_at", _TS),
        )
    if "api_tokens" not in have:
        op.create_table(
            "api_tokens",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
            sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("label", sa.String(200)),
            sa.Column("created_at", _TS, nullable=False),
            sa.Column("revoked_at", _TS),
        )
    if "login_failures" not in have:
        op.create_table(
            "login_failures",
            sa.Column("key", sa.String(64), primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("last_at", _TS, nullable=False),
        )
    if "settings" not in have:
        op.create_table(
            "settings",
            sa.Column("key", sa.String(100), primary_key=True),
            sa.Column("value", sa.Text, nullable=False),
        )
    if "events" not in have:
        op.create_table(
            "events",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", _TS, nullable=False),
            sa.Column("actor", sa.String(100), nullable=False),
            sa.Column("action", sa.String(50), nullable=False),
            sa.Column("record_id", sa.String(64), index=True),
            sa.Column("target", sa.Text),
            sa.Column("old", sa.JSON),
            sa.Column("new", sa.JSON),
        )
    _append_only(bind)
    if "corrections" not in have:
        op.create_table(
            "corrections",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("record_id", sa.String(64), nullable=False),
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("key", sa.String(300), nullable=False),
            sa.Column("value", sa.JSON),
            sa.Column("actor", sa.String(100), nullable=False),
            sa.Column("at", _TS, nullable=False),
            sa.UniqueConstraint("record_id", "seq", "kind", "key"),
        )
    if "entity_merges" not in have:
        op.create_table(
            "entity_merges",
            sa.Column("type", sa.String(10), primary_key=True),
            sa.Column("name", sa.String(300), primary_key=True),
            sa.Column("into_name", sa.String(300), nullable=False),
            sa.Column("into_authority_id", sa.String(100)),
            sa.Column("into_en", sa.Text),
            sa.Column("actor", sa.String(100), nullable=False),
            sa.Column("at", _TS, nullable=False),
        )


def downgrade() -> None:
    bind = op.get_bind()
    for table in ("entity_merges", "corrections", "events", "settings", "login_failures", "api_tokens",
                  "users", "collections"):
        op.drop_table(table)
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS opis_events_append_only()")
    op.drop_index("ix_records_access", table_name="records")
    with op.batch_alter_table("records") as batch:
        for name, _ in reversed(_RECORD_COLUMNS):
            batch.drop_column(name)
