"""A real archive for the web tests: the examples plus two files of our own (one full
of markup-like text, one restricted), ingested into a database of the backend under test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.live import BROWSER_ARGS, require_chromium, serve_in_thread

from opis.ingest.runner import ingest_paths
from opis.model import record_id
from opis.store.repository import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCREENSHOTS = ROOT / "test-output" / "screenshots"

SEED000 = "000_e7381ea8498c35b3.txt"
SEED001 = "001_a31a19e8a354493c.txt"

# A transcription that tries to smuggle HTML into the page; the archive must show it.
HOSTILE_TEXT = """Товарищу Громыко А.А.

Проверка: <script>alert(1)</script> и <img src=x onerror="alert(2)"> в тексте.
Кавычки "так" и 'так', амперсанд & и знак < меньше.

Записка составлена 12 марта 1955 г. [на полях: <b onclick=alert(3)>]

Посол СССР Андрей Громыко
"""

# A restricted record: its rare word must never reach an anonymous reader.
RESTRICTED_TEXT = """Совершенно секретно

Записка о поездке товарища Зарубышкина в Пхеньян, 3 мая 1957 г.

Слово для проверки доступа: шпицбергенцы.
"""


@dataclass(frozen=True)
class Archive:
    db: str
    seed000: str
    seed001: str
    hostile: str
    restricted: str


@pytest.fixture(scope="session")
def archive(tmp_path_factory, make_database_url) -> Archive:
    """Built once per session on the backend under test ($OPIS_TEST_BACKEND)."""
    base = tmp_path_factory.mktemp("web-archive")
    own = base / "own"
    own.mkdir()
    (own / "hostile_markup.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    secret = base / "secret"
    secret.mkdir()
    (secret / "restricted_note.txt").write_text(RESTRICTED_TEXT, encoding="utf-8")
    db = make_database_url("web")
    store = Store.open(db)
    for paths, collection, visibility in (([EXAMPLES], "default", "public"),
                                          ([own], "web-tests", "public"),
                                          ([secret], "web-tests", "restricted")):
        summary = ingest_paths(paths, store, collection=collection, visibility=visibility)
        assert not summary.failed, [o.message for o in summary.failed]
    store.close()
    return Archive(
        db=db,
        seed000=record_id("default", SEED000),
        seed001=record_id("default", SEED001),
        hostile=record_id("web-tests", "hostile_markup.txt"),
        restricted=record_id("web-tests", "restricted_note.txt"),
    )


@pytest.fixture(scope="session")
def app(archive):
    from opis.web.app import create_app

    return create_app(archive.db)


@pytest.fixture(scope="session")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def server(app):
    """A real uvicorn server on a free localhost port, in a thread."""
    with serve_in_thread(app) as url:
        yield url



@pytest.fixture(scope="session")
def browser():
    pw = require_chromium()
    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()
