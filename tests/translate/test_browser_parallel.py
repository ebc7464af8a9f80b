"""The side-by-side view in a real Chromium: hovering or focusing a row marks the original
and its translation together. Screenshot in test-output/screenshots/."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from opis.ingest.runner import ingest_paths
from opis.store.repository import Store
from tests.support.live import BROWSER_ARGS, require_chromium, serve_in_thread
from tests.web.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PAIR = Path(__file__).resolve().parents[2] / "tests" / "gold" / "parallel" / "01_puzanov_kim_telegram_1956"


@pytest.fixture(scope="module")
def parallel_server(tmp_path_factory, make_database_url):
    from opis.web.app import create_app

    folder = tmp_path_factory.mktemp("parallel")
    for suffix in (".txt", ".en.txt"):
        shutil.copy(PAIR.with_name(PAIR.name + suffix), folder / (PAIR.name + suffix))
    db = make_database_url("parallel-browser")
    with Store.open(db) as store:
        assert not ingest_paths([folder], store).failed
        rid = store.record_ids()[0]
    with serve_in_thread(create_app(db)) as url:
        yield url, rid


def test_rows_light_up_together(parallel_server):
    pw = require_chromium()
    # in a thread of its own: the web tests' browser may hold this thread's event loop
    failure: list[BaseException] = []

    def run() -> None:
        try:
            _check_rows(pw, *parallel_server)
        except BaseException as exc:  # handed back to the test
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the browser did not finish"
    if failure:
        raise failure[0]


def _check_rows(pw, base: str, rid: str) -> None:
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/documents/{rid}")
        page.get_by_role("link", name="Side by side").click()
        page.wait_for_url("**view=parallel**")
        row = page.locator("#pair-6")
        cells = row.locator(".pair-cell")
        assert "Ким Ир Сен сказал" in cells.nth(0).inner_text()
        assert "Kim Il Sung said" in cells.nth(1).inner_text()
        left, right = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
        assert right["x"] > left["x"] + left["width"] - 1  # side by side, not stacked

        def background(sel: str) -> str:
            return page.locator(sel).evaluate("e => getComputedStyle(e).backgroundColor")

        plain = background("#pair-6")
        page.locator("#pair-6 .translation").hover()
        lit = background("#pair-6")
        assert lit != plain and background("#pair-3") == plain
        # both texts are inside the lit row
        box = row.bounding_box()
        for cell in (left, right):
            assert box["y"] <= cell["y"] and cell["y"] + cell["height"] <= box["y"] + box["height"] + 1
        page.mouse.move(5, 5)
        page.locator("#pair-3").focus()  # keyboard readers get the same mark
        assert background("#pair-3") == lit and background("#pair-6") == plain
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#pair-6 .translation").hover()
        page.screenshot(path=str(SCREENSHOTS / "document-parallel.png"), full_page=True)
        browser.close()
