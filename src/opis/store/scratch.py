"""Throwaway PostgreSQL databases, so tests, benchmarks and trials never touch a real
archive.

Given the URL of a server the caller may create databases on, `scratch_database` makes a
fresh, uniquely named database (empty, or a copy of a template) and drops it afterwards.
The test suite gets its databases through the fixtures of `tests/conftest.py`.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, make_url


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
