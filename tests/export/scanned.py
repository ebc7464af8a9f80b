"""Scanned records for the export tests: pages rendered by `tests.scan.render` (never copied
scans), read from PAGE XML or ALTO beside them or by Tesseract, ingested as any scan is,
and the IIIF routes that show them."""

from __future__ import annotations

import io
from hashlib import sha256
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from opis.ingest.runner import ingest_paths
from opis.web.iiif import iiif_router
from tests.scan.htr_pages import PAGE_XML
from tests.scan.render import MEMO_PAGES, image_bytes, render_page

FOLIO = (1200, 1600)  # the page size PAGE_XML and ALTO_XML give


def rendered_png(seed: int) -> bytes:
    """A page of the memo, rendered with its own noise, at the size the HTR files name."""
    return image_bytes(render_page(MEMO_PAGES[seed % len(MEMO_PAGES)], seed=seed).resize(FOLIO), "PNG")


def rendered_tiff(seeds: tuple[int, ...]) -> bytes:
    """A multi-page TIFF of memo pages, as a scanner writes one (Tesseract reads it)."""
    pages = [render_page(MEMO_PAGES[s % len(MEMO_PAGES)], seed=s) for s in seeds]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")
    return buf.getvalue()


def htr_scan(folder: Path, image: bytes, xml: str = PAGE_XML, name: str = "folio_12.xml") -> Path:
    """An HTR file and the page image it names (folio_12.png) in `folder`; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "folio_12.png").write_bytes(image)
    (folder / name).write_text(xml, encoding="utf-8")
    return folder / name


def ingest_one(store, path: Path, **kw) -> str:
    """Ingest one file; its record id."""
    outcome = ingest_paths([path], store, **kw).outcomes[0]
    assert outcome.status == "added" and outcome.record_id, outcome
    return outcome.record_id


def digest(data: bytes) -> str:
    return sha256(data).hexdigest()


def iiif_client(store) -> TestClient:
    """The IIIF routes of the web app over `store`, as a reader calls them."""
    app = FastAPI()
    app.include_router(iiif_router(lambda: store))
    return TestClient(app)
