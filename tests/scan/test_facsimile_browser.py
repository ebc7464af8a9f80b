"""The facsimile view in a real Chromium: the three pages of the rendered memo beside
their text; hovering a word lights its box on the image, which lies over that word's ink;
zoom widens the image. Screenshot in test-output/screenshots/facsimile.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from opis.ingest.runner import ingest_paths
from opis.web.app import create_app
from opis.web.iiif import iiif_router
from tests.scan.render import image_pdf, memo_images
from tests.support.live import BROWSER_ARGS, require_chromium, serve_in_thread

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def test_pages_show_beside_the_text_and_words_light_up(tmp_path, store_url, make_store):
    pw = require_chromium()
    pdf = tmp_path / "memo_1957.pdf"
    pdf.write_bytes(image_pdf(memo_images()))
    store = make_store()
    rid = ingest_paths([pdf], store).outcomes[0].record_id
    app = create_app(store_url)
    app.include_router(iiif_router(lambda: store))
    with serve_in_thread(app) as base, pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/iiif/{rid}/facsimile")
            images = page.locator(".fx-image img")
            assert images.count() == 3
            images.first.wait_for()
            page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            img_box = images.first.bounding_box()
            text_box = page.locator(".fx-text").first.bounding_box()
            assert text_box["x"] >= img_box["x"] + img_box["width"] - 1  # beside, not below
            word = page.locator(".fx-tword", has_text="Пхеньяна").first
            word.hover()
            lit = page.locator(".fx-word.on")
            assert lit.count() == 1
            box = lit.bounding_box()
            img_box = images.first.bounding_box()  # again: hovering may have scrolled
            assert img_box["x"] <= box["x"] and box["x"] + box["width"] <= img_box["x"] + img_box["width"]
            assert img_box["y"] <= box["y"] <= img_box["y"] + img_box["height"] / 2  # first page, upper half
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "facsimile.png"))
            page.mouse.move(0, 0)
            assert page.locator(".fx-word.on").count() == 0
            before = images.first.bounding_box()["width"]
            page.get_by_label("Zoom in").click()
            assert images.first.bounding_box()["width"] > before
        finally:
            browser.close()
