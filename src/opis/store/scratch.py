"""Throwaway PostgreSQL databases, so tests and trials never touch a real archive.

Given the URL of a server the caller may create databases on, `scratch_database` makes a
fresh, uniquely named database and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import create_engine, make_url

if TYPE_CHECKING:
    from opis.store.repository import Store


@contextmanager
def scratch_database(server_url: str, prefix: str = "opis_scratch",
                     template: str | None = None) -> Iterator[str]:
    """Yield the URL of a new database on the server of `server_url`: empty, or a copy of
    the database named `template` (which nobody may be connected to), and drop it after."""
    url = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def scratch_store(backend: str, folder: Path) -> Iterator["Store"]:
    """A Store on a new empty database: an SQLite file in `folder`, or with backend
    "postgresql" a scratch database on the server named by $OPIS_TEST_PG."""
    from opis.store.repository import Store

    if backend == "sqlite":
        store = Store.open(folder / "scratch.db")
        try:
            yield store
        finally:
            store.close()
        return
    server = os.environ.get("OPIS_TEST_PG")
    if not server:
        raise RuntimeError("set OPIS_TEST_PG to the URL of a PostgreSQL server")
    with scratch_database(server) as url:
        store = Store.open(url)
        try:
            yield store
        finally:
            store.close()


def backends_to_test() -> list[str]:
    """Backends tests should run on: SQLite always, PostgreSQL when $OPIS_TEST_PG is set."""
    return ["sqlite"] + (["postgresql"] if os.environ.get("OPIS_TEST_PG") else [])
