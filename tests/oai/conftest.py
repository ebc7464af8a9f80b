"""A real archive (SQLite file, ingested examples) served by a real uvicorn on localhost."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.live import free_port
import uvicorn
from fastapi import FastAPI

from opis.ingest.runner import ingest_paths
from opis.store.repository import Store
from opis.web.oai import oai_router

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PAGE_SIZE = 7


@pytest.fixture(scope="session")
def oai_archive(tmp_path_factory, make_database_url) -> Store:
    """All examples in "default", three again in "second", restricted files in "default"
    and a whole restricted collection "closed"."""
    tmp = tmp_path_factory.mktemp("oai")
    store = Store.open(make_database_url("oai"))
    ingest_paths([EXAMPLES], store)
    second = tmp / "second"
    second.mkdir()
    for name in ("101_filippov_roshchin_ciphered_1950.txt", "104_ulbricht_letter_1953.txt",
                 "120_harriman_cable_1945.txt"):
        shutil.copy(EXAMPLES / name, second / name)
    ingest_paths([second], store, collection="second")
    secret = tmp / "secret"
    secret.mkdir()
    shutil.copy(EXAMPLES / "110_puzanov_telegram_1957.txt", secret / "zz_secret_puzanov.txt")
    shutil.copy(EXAMPLES / "112_mao_fynsi_telegram_1951.txt", secret / "zz_secret_mao.txt")
    ingest_paths([secret], store, visibility="restricted")
    ingest_paths([secret], store, collection="closed", visibility="restricted")
    assert store.count_records(include_restricted=True) == store.count_records() + 4
    yield store
    store.close()


@pytest.fixture(scope="session")
def oai_url(oai_archive):
    """Base URL of the OAI endpoint of a uvicorn server running in a thread."""
    app = FastAPI()
    from opis.web.oai import OAIConfig

    app.include_router(oai_router(lambda: oai_archive, secret="test-secret",
                                  config=OAIConfig(page_size=PAGE_SIZE, admin_email="test@example.org",
                                                   record_url=lambda rid: f"http://archive.test/r/{rid}")))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/oai"
    for _ in range(200):
        try:
            httpx.get(url, params={"verb": "Identify"}, timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        raise RuntimeError("the OAI test server did not start")
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def oai_page_size() -> int:
    return PAGE_SIZE
