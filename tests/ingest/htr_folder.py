"""Folders of PAGE/ALTO files and page images, built for the ingest tests: the page the
HTR files describe is rendered here (`tests.scan.render`), never a copied scan."""

from __future__ import annotations

from pathlib import Path

from opis.ingest.runner import ingest_paths
from opis.scan.htr import ALTO, PAGE
from opis.scan.store import load_pages
from tests.scan.htr_pages import ALTO_XML, PAGE_XML
from tests.scan.render import image_bytes, render_page

HTR_TEXT = "Москва, 3 мая 1952 г.\n\nТоварищу Молотову\nПрошу рассмотреть проект ответа."
XML = {PAGE: PAGE_XML, ALTO: ALTO_XML}
_PNG: list[bytes] = []


def page_png() -> bytes:
    """The page the HTR files describe, rendered once: OCR reads it when it stands alone."""
    if not _PNG:
        _PNG.append(image_bytes(render_page(HTR_TEXT, seed=3), "PNG"))
    return _PNG[0]


def htr_file(folder: Path, name: str, image: str, kind: str = PAGE) -> Path:
    path = folder / name
    path.write_text(XML[kind].replace("folio_12.png", image), encoding="utf-8")
    return path


def image_file(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(page_png())
    return path


def run(folder: Path, store, workers: int = 1):
    """Ingest `folder` (no NER, which these tests do not look at), keeping what the
    progress bar is told."""
    seen: list[tuple[str, int, int]] = []
    summary = ingest_paths([folder], store, steps=("metadata",), workers=workers,
                           on_file=lambda o, i, total: seen.append((Path(o.path).name, i, total)))
    return summary, seen


def images(store, rid: str) -> list[bytes]:
    """The page images stored for a record (b"" for a page without one)."""
    return [p.image for p in load_pages(store, rid, with_images=True)]


def by_name(summary) -> dict:
    return {Path(o.path).name: o for o in summary.outcomes}
