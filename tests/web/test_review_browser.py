"""Issue #9's acceptance test in a real Chromium: an editor signs in through the form,
corrects the author of a document, re-runs extraction on the record with the button, and
the correction stands (review page, public page, store); the history shows the machine's
value and the correction. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from opis.access.accounts import create_user
from opis.ingest.runner import ingest_paths
from opis.model import record_id
from tests.support.live import serve_in_thread

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PASSWORD = "editor's long password"

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def editors_site(store_url, make_store, seed001):
    """A live server over an archive of its own (the shared one must keep the machine's
    values), holding seed 001 (../shared/seeds), with one editor account."""
    seed = seed001
    store = make_store()
    assert not ingest_paths([seed], store, collection="default").failed
    create_user(store, "vera", "editor", PASSWORD)
    from opis.web.app import create_app

    app = create_app(store_url)
    with serve_in_thread(app) as url:
        yield url, store, record_id("default", seed.name)
    app.state.store.close()


def test_editor_corrects_the_author_and_re_extraction_keeps_it(browser, editors_site):
    url, store, rid = editors_site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        # the review queue asks for a sign-in first, and comes back after it
        page.goto("/review")
        page.wait_for_url(re.compile(r"/login\?next="))
        page.get_by_label("User name").fill("vera")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/review$"))
        assert page.get_by_role("heading", name="Review queue").is_visible()
        shot(page, "review-queue")

        page.locator(f'a[href="/review/{rid}"]').click()
        page.wait_for_url(f"**/review/{rid}")
        row = page.locator("tr[data-field=author]")
        assert "Микоян" in row.locator("td.machine").inner_text()

        # correct the author of document 1
        row.get_by_label("Correct Author(s)").fill("Хрущев")
        row.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(rf"/review/{rid}\?done=corrected"))
        assert page.locator(".flash").inner_text() == "The correction is saved."
        shown = page.locator("tr[data-field=author] td.shown").inner_text()
        assert "Хрущев" in shown and "corrected by vera" in shown
        shot(page, "review-corrected")

        # run extraction again, with the button on the page
        page.get_by_role("button", name="Re-run extraction").click()
        page.wait_for_url(re.compile(rf"/review/{rid}\?done=reextracted"))
        row = page.locator("tr[data-field=author]")
        assert "Хрущев" in row.locator("td.shown").inner_text()
        assert "Микоян" in row.locator("td.machine").inner_text()  # the machine's value is still there, apart

        # the public page shows the correction, and the store holds it
        page.get_by_role("link", name="Public page of this document").click()
        page.wait_for_url(f"**/documents/{rid}")
        facts = page.locator("dl.facts")
        author = facts.locator("div", has=page.locator("dt", has_text="Author")).locator("dd").inner_text()
        assert "Khrushchev" in author or "Хрущев" in author, author
        assert "Mikoyan" not in author and "Микоян" not in author
        assert page.get_by_role("link", name="Review this record").is_visible()
        shot(page, "document-corrected")
        doc = store.get_record(rid, include_restricted=True).documents[0]
        assert doc.first("author").value["name"] == "Хрущев" and doc.first("author").origin == "human"
        assert any(v.origin == "machine" and v.value["name"] == "Микоян" for v in doc.all("author"))

        # the history shows the machine's value and the correction, and the extraction run
        page.goto(f"/review/{rid}/history")
        correction = page.locator("tr[data-action=correct]")
        assert correction.count() == 1
        before, after = correction.locator("td.old").inner_text(), correction.locator("td.new").inner_text()
        assert "Микоян" in before and "Anastas Mikoyan" in before
        assert "Хрущев" in after
        assert "vera" in correction.inner_text()
        assert page.locator("tr[data-action=extract]").count() == 1
        assert correction.get_by_role("button", name="Revert").is_visible()
        shot(page, "review-history")
        assert dialogs == []
    finally:
        context.close()
