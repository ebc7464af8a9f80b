"""Alembic environment for the archive.

Normally `opis.store.migrate` runs this with a connection it has already opened and locked
(`config.attributes["connection"]`), so the whole upgrade is one transaction. Run from the
`alembic` command line instead, it connects to `sqlalchemy.url` itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from opis.store.migrate import include_name
from opis.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,  # the search backend's own structures are not in metadata
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        # the first revision asks the search backend to create its structures on a live
        # connection, so there is no SQL script to print
        raise SystemExit("opis migrations need a database connection (no --sql mode)")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


_main()
