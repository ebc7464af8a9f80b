"""Fixtures shared by every test folder, and the choice of database backend.

$OPIS_TEST_BACKEND picks the database behind every store fixture: `sqlite` (the default; a
file in the test's tmp_path) or `postgresql` (a new database per test on the server named
by $OPIS_TEST_PG, else on a throwaway cluster this session starts and stops). With
`postgresql` only the tests that use a database are collected (the rest ran on SQLite
already and would only repeat), and tests marked `sqlite_only("why")` are skipped.

Tests get databases only through these fixtures:
- `store_url`: URL of a new empty archive database for this test;
- `make_store()`: a `Store` opened on `store_url` (or on a URL given), closed afterwards;
- `store`: `make_store()`;
- `make_database_url(name)` (session): URL of a new database that lasts the whole
  session, for archives built once and shared by many tests;
- `blank_database_url`: a database with no tables at all, for migration tests (the
  others may come already migrated, copied from a template).
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pytest

if TYPE_CHECKING:
    from opis.store.repository import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = ROOT / "examples"
if str(ROOT) not in sys.path:  # for `tests.support`, however pytest was started
    sys.path.insert(0, str(ROOT))

BACKENDS = ("sqlite", "postgresql")
BACKEND = os.environ.get("OPIS_TEST_BACKEND", "").strip().lower() or "sqlite"
# a test that uses any of these touches a database, so it runs on every backend
DATABASE_FIXTURES = frozenset({"store_url", "make_store", "store", "make_database_url",
                               "blank_database_url", "database_server"})
SETUP_HINT = ("run scripts/setup (it installs PostgreSQL), or set OPIS_TEST_PG to the URL of "
              "a server where tests may create databases")


_connections = [0]  # database connections opened in this process so far


def _count_connection(*_args: object) -> None:
    _connections[0] += 1


def pytest_configure(config: pytest.Config) -> None:
    if BACKEND not in BACKENDS:
        raise pytest.UsageError(f"OPIS_TEST_BACKEND must be one of {BACKENDS}, not {BACKEND!r}")
    config.addinivalue_line(
        "markers", "sqlite_only(reason): cannot run on PostgreSQL; the reason says why")
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    event.listen(Pool, "connect", _count_connection)


def _uses_database(item: pytest.Item) -> bool:
    return bool(DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_report_header(config: pytest.Config) -> str:
    return f"opis database backend: {BACKEND} (OPIS_TEST_BACKEND)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None and not (marker.args or marker.kwargs.get("reason")):
            raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs a reason")
    if BACKEND == "sqlite":
        return
    keep, drop = [], []
    for item in items:
        # sqlite_only tests stay, to be reported as skipped with their reason
        (keep if _uses_database(item) or item.get_closest_marker("sqlite_only") else drop).append(item)
    for item in keep:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            why = marker.args[0] if marker.args else marker.kwargs["reason"]
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {why}"))
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _databases_come_from_the_fixtures(request):
    """A test that opens a database without the fixtures below would quietly be left out
    of the PostgreSQL run; it fails instead (sqlite_only tests say why they may)."""
    before = _connections[0]
    yield
    if (_connections[0] > before and not _uses_database(request.node)
            and request.node.get_closest_marker("sqlite_only") is None):
        pytest.fail("this test opened a database without the store fixtures of tests/conftest.py "
                    "(store, make_store, store_url, make_database_url), so it would not run on "
                    "PostgreSQL", pytrace=False)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The shared seeds when the checkout sits beside ../shared, else our copies."""
    return SEEDS if SEEDS.is_dir() else EXAMPLES


@pytest.fixture(scope="session")
def seed000(seeds_dir) -> Path:
    return seeds_dir / "000_e7381ea8498c35b3.txt"


@pytest.fixture(scope="session")
def seed001(seeds_dir) -> Path:
    return seeds_dir / "001_a31a19e8a354493c.txt"


# --- databases -------------------------------------------------------------------------

def _start_cluster() -> tuple[str, Callable[[], None]]:
    from tests.support.pgserver import PgServer

    server = PgServer()
    try:
        return server.start(), server.stop
    except Exception as exc:  # binaries missing, initdb or pg_ctl failing
        server.stop()
        detail = getattr(exc, "stderr", None) or exc
        message = f"cannot start a throwaway PostgreSQL server: {detail}\n{SETUP_HINT}"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.exit(message, returncode=3)  # CI must test PostgreSQL, never skip it
        pytest.skip(message)
        raise  # not reached


@pytest.fixture(scope="session")
def database_server() -> Iterator[str | None]:
    """URL of the PostgreSQL server the session creates databases on (None on SQLite)."""
    if BACKEND == "sqlite":
        yield None
        return
    if os.environ.get("OPIS_TEST_PG"):
        yield os.environ["OPIS_TEST_PG"]
        return
    url, stop = _start_cluster()
    try:
        yield url
    finally:
        stop()


@pytest.fixture(scope="session")
def _pg_template(database_server) -> Iterator[str | None]:
    """A database migrated to the newest revision once, which every test database copies
    (CREATE DATABASE ... TEMPLATE is much quicker than running the migrations each time)."""
    if database_server is None:
        yield None
        return
    from sqlalchemy import make_url

    from opis.store.migrate import upgrade
    from opis.store.scratch import scratch_database

    with scratch_database(database_server, prefix="opis_test_template") as url:
        upgrade(url)
        yield make_url(url).database


@contextmanager
def _new_database(folder: Path, name: str, server: str | None, template: str | None) -> Iterator[str]:
    if server is None:
        yield f"sqlite:///{folder / name}.db"
        return
    from opis.store.scratch import scratch_database

    with scratch_database(server, prefix=f"opis_test_{name}"[:30], template=template) as url:
        yield url


@pytest.fixture
def store_url(tmp_path, database_server, _pg_template) -> Iterator[str]:
    """URL of a new archive database for this test, dropped afterwards."""
    with _new_database(tmp_path, "store", database_server, _pg_template) as url:
        yield url


@pytest.fixture
def blank_database_url(tmp_path, database_server) -> Iterator[str]:
    """URL of a database with nothing in it, not even the schema."""
    with _new_database(tmp_path, "blank", database_server, None) as url:
        yield url


@pytest.fixture
def make_store(store_url) -> Iterator[Callable[..., "Store"]]:
    """`make_store()` opens a Store on this test's database (`make_store(url)` on another);
    every store it opened is closed when the test ends."""
    from opis.store.repository import Store

    opened: list[Store] = []

    def make(url: str | None = None) -> "Store":
        opened.append(Store.open(url or store_url))
        return opened[-1]

    yield make
    for s in opened:
        s.close()


@pytest.fixture
def store(make_store):
    """A Store on a new, empty database of the backend under test."""
    return make_store()


@pytest.fixture(scope="session")
def make_database_url(tmp_path_factory, database_server, _pg_template) -> Iterator[Callable[[str], str]]:
    """`make_database_url(name)`: URL of a new archive database that lasts the session."""
    with ExitStack() as stack:

        def make(name: str) -> str:
            folder = tmp_path_factory.mktemp(name)
            return stack.enter_context(_new_database(folder, name, database_server, _pg_template))

        yield make


TEI_RNG = ROOT.parent / "shared" / "schemas" / "tei_all.rng"


@pytest.fixture(scope="session")
def tei_schema():
    """tei_all (../shared/schemas) compiled once per session: it takes seconds."""
    from lxml import etree

    if not TEI_RNG.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{TEI_RNG} is missing: CI runs with ../shared beside the checkout")
        pytest.skip(f"{TEI_RNG} is not there")
    return etree.RelaxNG(etree.parse(str(TEI_RNG)))
