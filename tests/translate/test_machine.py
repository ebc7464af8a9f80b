"""Machine translation through a LibreTranslate-compatible service of our own on loopback
(it "translates" word by word from a list), and what opis says when no engine is there."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from opis.export.tei import tei_bytes
from opis.ingest.runner import ingest_paths
from opis.search.engine import search
from opis.translate.layers import alignment, info, is_machine, translation
from opis.translate.machine import (
    ArgosBackend,
    LibreTranslateBackend,
    Unavailable,
    choose_backend,
    translate_document,
)
from opis.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
WORDS = {"секретно": "secret", "товарищу": "to comrade", "сегодня": "today", "посол": "the ambassador",
         "передал": "handed over", "ноту": "a note", "о": "about", "перемирии": "the armistice",
         "в": "in", "корее": "korea", "ответ": "the answer", "будет": "will be", "дан": "given",
         "завтра": "tomorrow"}
TEXT = """Секретно

Товарищу Молотову В.М.

Сегодня посол передал ноту о перемирии в Корее.

Ответ будет дан завтра.
"""


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        if self.path != "/translate" or not {"q", "source", "target", "format"} <= set(body):
            self._answer(400, {"error": "q, source, target and format are required"})
            return
        if (body["source"], body["target"]) != ("ru", "en"):
            self._answer(400, {"error": f"{body['source']}->{body['target']} is not available"})
            return

        def word(m: re.Match) -> str:
            w = m.group(0)
            out = WORDS.get(w.lower(), w)
            return out[:1].upper() + out[1:] if w[:1].isupper() else out

        self._answer(200, {"translatedText": re.sub(r"\w+", word, body["q"])})

    def _answer(self, status: int, data: dict) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def memo(tmp_path) -> Path:
    path = tmp_path / "molotov_note.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_document_is_translated_through_the_http_service(service, memo, store):
    ingest_paths([memo], store)
    record = store.get_record(store.record_ids()[0])
    doc = record.documents[0]
    assert translate_document(doc, LibreTranslateBackend(service))
    layer = translation(doc, "en")
    assert is_machine(layer) and info(layer)["engine"].startswith("LibreTranslate")
    assert "Today the ambassador handed over a note about the armistice in Korea." in layer.text
    # one request per paragraph, as LibreTranslate expects them
    assert [r["q"] for r in _Handler.requests][2].startswith("Сегодня посол")
    assert all(r["format"] == "text" and r["source"] == "ru" and r["target"] == "en" for r in _Handler.requests)
    assert alignment(doc, layer) == [((i,), (i,)) for i in range(4)]
    assert store.save_record(record) == "unchanged"  # same bytes: a plain save writes nothing
    assert store.save_record(record, replace=True) == "updated"
    assert search(store, "armistice").total == 1


def test_opis_translate_labels_the_translation_as_machine_everywhere(service, memo, store_url, make_store):
    with make_store() as s:
        ingest_paths([memo], s)
        rid = s.record_ids()[0]
    proc = subprocess.run([sys.executable, "-m", "opis", "translate", rid, "--url", service, "--db", store_url,
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["records"] == [{"record_id": rid, "status": "translated", "documents": 1}]
    client = TestClient(create_app(store_url))
    page = client.get(f"/documents/{rid}?view=parallel").text
    assert "English translation (machine translation)" in page
    cite = client.get(f"/documents/{rid}.json?view=parallel").json()["parallel"]["citation"]
    assert cite.endswith("English translation (machine translation).")
    with make_store() as s:
        tei = etree.fromstring(tei_bytes(s.get_record(rid)))
    ns = {"tei": "http://www.tei-c.org/ns/1.0"}
    [div] = tei.xpath("//tei:div[@type='translation']", namespaces=ns)
    assert div.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    note = div.find("tei:note", ns)
    assert note.get("subtype") == "machine" and "Machine translation" in note.text
    assert "armistice" in "".join(div.itertext())
    # again: a record already translated is skipped
    again = subprocess.run([sys.executable, "-m", "opis", "translate", rid, "--url", service, "--db", store_url,
                            "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert json.loads(again.stdout)["records"][0]["status"] == "skipped"


def test_tei_with_a_translation_is_valid(service, memo, tei_schema):
    from opis.ingest.build import build_record

    record = build_record(memo, enrich=False)
    translate_document(record.documents[0], LibreTranslateBackend(service))
    data = tei_bytes(record)
    assert tei_schema.validate(etree.fromstring(data)), str(tei_schema.error_log)[:2000]


def test_a_service_that_refuses_is_reported_plainly(service):
    backend = LibreTranslateBackend(service)
    with pytest.raises(Unavailable, match="answered 400: ru->de is not available"):
        backend.translate(["Секретно"], "ru", "de")


def test_an_unreachable_service_is_reported_plainly():
    with pytest.raises(Unavailable, match="cannot be reached"):
        LibreTranslateBackend("http://127.0.0.1:9", timeout=2).translate(["Секретно"], "ru", "en")


def test_without_argos_or_a_url_opis_says_so_and_carries_on(memo, tmp_path, store_url):
    try:
        ArgosBackend.check("ru", "en")
    except Unavailable as exc:
        assert "Argos Translate" in str(exc)
    else:
        pytest.skip("an Argos ru→en model is installed here")
    with pytest.raises(Unavailable, match="no machine translation is available"):
        choose_backend(None)
    db = store_url
    proc = subprocess.run([sys.executable, "-m", "opis", "translate", "--all", "--db", str(db)],
                          capture_output=True, text=True, cwd=ROOT, env={**__import__("os").environ,
                                                                         "OPIS_TRANSLATE_URL": ""})
    assert proc.returncode == 1
    assert "opis cannot translate" in proc.stderr and "Traceback" not in proc.stderr
    ingest = subprocess.run([sys.executable, "-m", "opis", "ingest", str(memo), "--db", str(db)],
                            capture_output=True, text=True, cwd=ROOT)
    assert ingest.returncode == 0 and "1 added" in ingest.stdout + ingest.stderr
