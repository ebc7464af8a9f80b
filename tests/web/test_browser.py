"""The archive in a real Chromium: search, a facet, a document, the view switch, an
entity page, and a transcription that tries to run a script. Screenshots go to
test-output/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

pytestmark = pytest.mark.browser

KIM = "Ким Ир Сен"


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_then_open_seed_001(page, archive):
    page.goto("/")
    shot(page, "home")
    box = page.get_by_label("Search the archive").first
    box.fill(KIM)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    hit = page.locator(f'.hit-title a[href="/documents/{archive.seed001}"]')
    assert hit.count() == 1
    assert page.locator(".hit mark").first.inner_text().startswith("Ким Ир Сен")
    shot(page, "search-kim-il-sung")
    hit.click()
    page.wait_for_url(f"**/documents/{archive.seed001}")
    facts = page.locator("dl.facts")
    assert "23 September 1956" in facts.inner_text()
    assert "Top secret" in facts.inner_text()
    author = facts.locator("div", has=page.locator("dt", has_text="Author")).locator("dd").inner_text()
    assert "Mikoyan" in author or "Микоян" in author, author
    shot(page, "document-seed-001")


def test_view_switch(page, archive):
    page.goto(f"/documents/{archive.seed001}")
    assert page.locator(".transcription del").count() == 0
    page.get_by_role("link", name="Diplomatic").click()
    page.wait_for_url(re.compile(r"view=diplomatic"))
    struck = page.locator(".transcription del").first
    assert struck.is_visible()
    assert "line-through" in struck.evaluate("e => getComputedStyle(e).textDecorationLine")
    raised = page.locator(".transcription .add-above").first
    assert raised.evaluate("e => getComputedStyle(e).verticalAlign") != "baseline"
    shot(page, "document-seed-001-diplomatic")
    page.goto(f"/documents/{archive.seed000}?view=diplomatic")
    folio = page.locator(".transcription .folio").first
    assert folio.evaluate("e => getComputedStyle(e).float") == "left"
    shot(page, "document-seed-000-diplomatic")
    page.get_by_role("link", name="Reading").click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]+(#.*)?$"))
    assert page.locator(".transcription .folio").count() == 0


def test_facet_click_narrows_results(page):
    page.goto("/search?q=" + KIM)
    total = int(page.locator("[data-total]").get_attribute("data-total"))
    link = page.locator('a[data-facet="doc_type"]').first
    count = int(link.locator(".count").inner_text())
    link.click()
    page.wait_for_url(re.compile(r"doc_type="))
    narrowed = int(page.locator("[data-total]").get_attribute("data-total"))
    assert narrowed == count <= total
    assert page.locator("li.hit").count() == min(count, 20)
    assert page.locator(".active-filters .chip").count() == 1
    shot(page, "search-facet-doc-type")


def test_person_facet_click(page):
    """Needs the entities stage for the person facet."""
    page.goto("/search?q=" + KIM)
    total = int(page.locator("[data-total]").get_attribute("data-total"))
    people = page.locator('a[data-facet="person"]')
    assert people.count() > 0, "no person facet: no mentions in the archive"
    counts = [int(c.strip()) for c in people.locator(".count").all_text_contents()]
    # a person in some but not all of the results, so the click must narrow them
    i = next(i for i, c in enumerate(counts) if c < total)
    link, count = people.nth(i), counts[i]
    if not link.is_visible():
        link.locator("xpath=ancestor::details[1]/summary").click()
    link.click()
    page.wait_for_url(re.compile(r"person="))
    assert int(page.locator("[data-total]").get_attribute("data-total")) == count < total
    assert page.locator("li.hit").count() == min(count, 20)
    shot(page, "search-facet-person")


def test_entity_page_from_a_mention(page, archive):
    """Needs the entities stage: mentions are links."""
    page.goto(f"/documents/{archive.seed001}")
    mention = page.locator(".transcription a.mention-per").first
    assert mention.count() == 1, "no linked mentions in the text"
    name = mention.inner_text()
    mention.click()
    page.wait_for_url(re.compile(r"/entities/"))
    assert page.locator("h1").inner_text()
    assert page.locator(f'.doc-list a[href="/documents/{archive.seed001}"]').count() == 1
    shot(page, "entity")
    assert name


def test_hostile_transcription_runs_nothing(page, archive):
    for url in (f"/documents/{archive.hostile}", f"/documents/{archive.hostile}?view=diplomatic",
                "/search?q=проверка"):
        page.goto(url)
        page.wait_for_load_state("load")
    page.goto(f"/documents/{archive.hostile}")
    text = page.locator(".transcription").inner_text()
    assert "<script>alert(1)</script>" in text
    assert '<img src=x onerror="alert(2)">' in text
    assert page.locator(".transcription script, .transcription img").count() == 0
    page.wait_for_timeout(300)  # give a smuggled handler the chance to fire
    assert page.dialogs == []
    shot(page, "hostile-transcription")


def test_keyboard_skip_link_and_focus(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_copy_citation_button(page, archive):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/documents/{archive.seed001}")
    button = page.get_by_role("button", name="Copy citation")
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
    status = page.locator(".copy-status").inner_text()
    assert "copied" in status.lower() or "ctrl+c" in status.lower()


def test_phone_layout(browser, server, archive):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    pg = context.new_page()
    for name, url in (("phone-home", "/"), ("phone-search", "/search?q=" + KIM),
                      ("phone-document", f"/documents/{archive.seed001}?view=diplomatic")):
        pg.goto(url)
        # nothing wider than the screen
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390, name
        pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
    context.close()
