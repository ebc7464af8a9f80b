"""The editors' pages and forms (opis.web.review) through the ASGI app, on the backend under
test: who may see them, the CSRF check, every form once, and hostile text kept inert.

Each test gets an archive of its own (seed 001 and a transcription full of markup), with
an editor, an admin and a reader account, since most tests change what they look at."""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from opis.access.accounts import create_user
from opis.ingest.runner import ingest_paths
from opis.model import record_id
from opis.store.schema import corrections, events, records
from tests.web.conftest import HOSTILE_TEXT, SEED001

PASSWORD = "a long enough password"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Site:
    store: object
    app: object
    rid: str
    hostile: str
    seed: Path

    def client(self, name: str | None = None) -> Browser:
        c = Browser(TestClient(self.app))
        if name:
            c.login(name)
        return c

    def count_events(self) -> int:
        with self.store.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(events)).scalar_one()

    def record(self, rid: str | None = None):
        return self.store.get_record(rid or self.rid, include_restricted=True, include_deleted=True)

    def row(self, rid: str | None = None):
        with self.store.engine.connect() as conn:
            return conn.execute(select(records).where(records.c.id == (rid or self.rid))).mappings().first()


class Browser:
    """A TestClient with a session, that fills in the CSRF token the way a form does."""

    def __init__(self, client: TestClient):
        self.http = client

    def login(self, name: str) -> None:
        token = CSRF.search(self.http.get("/login").text)[1]
        r = self.http.post("/login", data={"name": name, "password": PASSWORD, "csrf": token, "next": "/review"},
                           follow_redirects=False)
        assert r.status_code == 303, r.text

    def token(self) -> str:
        return CSRF.search(self.http.get("/").text)[1]  # the sign-out form carries it on every page

    def get(self, url: str, **kw):
        return self.http.get(url, follow_redirects=False, **kw)

    def post(self, url: str, data: dict | None = None, csrf: bool = True):
        data = dict(data or {})
        if csrf:
            data["csrf"] = self.token()
        return self.http.post(url, data=data, follow_redirects=False)


@pytest.fixture
def site(store_url, make_store, seed001, tmp_path):
    store = make_store()
    summary = ingest_paths([seed001], store, collection="default")
    assert not summary.failed
    own = tmp_path / "own"
    own.mkdir()
    (own / "hostile_markup.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    assert not ingest_paths([own / "hostile_markup.txt"], store, collection="web-tests").failed
    for name, role in (("ed", "editor"), ("boss", "admin"), ("rita", "reader")):
        create_user(store, name, role, PASSWORD)
    from opis.web.app import create_app

    app = create_app(store_url)
    yield Site(store, app, record_id("default", SEED001), record_id("web-tests", "hostile_markup.txt"), seed001)
    app.state.store.close()


def review_json(c: Browser, rid: str, number: int = 1) -> dict:
    r = c.get(f"/review/{rid}/{number}.json")
    assert r.status_code == 200, r.text
    return r.json()


def text_of(page: str) -> str:
    """The visible text of a page's main part, tags dropped, entities decoded."""
    main = page[page.index("<main"):page.index("</main>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


# --- who may come in ----------------------------------------------------------------------------

def test_anonymous_readers_are_sent_to_sign_in(site):
    c = site.client()
    for url in ("/review", f"/review/{site.rid}", f"/review/{site.rid}/1", f"/review/{site.rid}/history"):
        r = c.get(url)
        assert r.status_code == 303, url
        assert r.headers["location"].startswith("/login?next=%2Freview"), url
    r = c.get("/review.json")
    assert r.status_code == 401 and r.json()["error"]["status"] == 401
    before = site.count_events()
    r = c.post(f"/review/{site.rid}/reviewed", {"on": "1"}, csrf=False)
    assert r.status_code == 401
    assert site.count_events() == before and site.row()["reviewed_at"] is None


def test_readers_may_not_review(site):
    c = site.client("rita")
    for url in ("/review", f"/review/{site.rid}", f"/review/{site.rid}/history", "/review.json"):
        assert c.get(url).status_code == 403, url
    before = site.count_events()
    r = c.post(f"/review/{site.rid}/1/correct", {"field": "author", "value": "Хрущев"})
    assert r.status_code == 403
    assert "may not" in text_of(r.text)
    assert site.count_events() == before
    # and the public page has no editors' notice for her
    assert "Review this record" not in c.get(f"/documents/{site.rid}").text


def test_a_post_without_the_csrf_token_changes_nothing(site):
    c = site.client("ed")
    before = site.count_events()
    for data in ({"field": "author", "value": "Хрущев"}, {"field": "author", "value": "Хрущев", "csrf": "forged"}):
        r = c.post(f"/review/{site.rid}/1/correct", data, csrf=False)
        assert r.status_code == 403
        assert "did not come from this site" in text_of(r.text)
    for url in (f"/review/{site.rid}/reextract", f"/review/{site.rid}/delete", f"/review/{site.rid}/reviewed"):
        assert c.post(url, {}, csrf=False).status_code == 403
    assert site.count_events() == before
    with site.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(corrections)).scalar_one() == 0
    assert site.row()["deleted_at"] is None and site.row()["reviewed_at"] is None


# --- the pages ----------------------------------------------------------------------------------

def test_queue_review_page_and_history_with_their_json(site):
    c = site.client("ed")
    r = c.get("/review")
    assert r.status_code == 200
    assert f'href="/review/{site.rid}"' in r.text
    queue = c.get("/review.json").json()
    assert {row["id"] for row in queue["queue"]} == {site.rid, site.hostile}
    confidences = [row["confidence"] for row in queue["queue"]]
    assert confidences == sorted(confidences)  # least sure first
    seed = next(row for row in queue["queue"] if row["id"] == site.rid)
    assert seed["weakest_field"] and seed["access"]["state"] == "public"

    page = c.get(f"/review/{site.rid}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Микоян (Anastas Mikoyan)" in text
    data = review_json(c, site.rid)
    author = next(f for f in data["fields"] if f["field"] == "author")
    assert author["machine"][0]["display"] == "Микоян (Anastas Mikoyan)" and author["correction"] is None
    doc_type = next(f for f in data["fields"] if f["field"] == "doc_type")
    assert doc_type["kind"] == "choice" and {"value": "telegram", "label": "Telegram"} in doc_type["options"]
    assert [f["field"] for f in data["fields"]] == ["date", "doc_type", "classification", "author", "recipient",
                                                    "signatory", "title_en", "title_ru", "place"]
    assert data["mentions"] and data["suspects"]
    assert c.get(f"/review/{site.rid}.json").json() == data
    hist = c.get(f"/review/{site.rid}/history.json").json()
    assert [e["action"] for e in hist["events"]] == ["ingest"]
    assert len(hist["versions"]) == 1 and hist["versions"][0]["current"]

    assert c.get("/review/000000000000").status_code == 404
    assert c.get(f"/review/{site.rid}/9").status_code == 404
    spec = c.get("/openapi.json").json()
    assert not [p for p in spec["paths"] if p.startswith("/review")]


def test_editors_see_a_review_link_and_the_access_state_on_the_public_page(site):
    c = site.client("ed")
    page = c.get(f"/documents/{site.rid}").text
    assert f'href="/review/{site.rid}"' in page and "Review this record" in page
    assert "Public: readers see it" in text_of(page)
    c.post(f"/review/{site.rid}/access", {"visibility": "restricted"})
    assert "Restricted: only editors see it" in text_of(c.get(f"/documents/{site.rid}").text)
    assert "Review this record" not in site.client().get(f"/documents/{site.hostile}").text


# --- every form once ----------------------------------------------------------------------------

def test_correct_a_field_then_back_to_the_machine(site):
    c = site.client("ed")
    r = c.post(f"/review/{site.rid}/1/correct", {"field": "author", "value": "Хрущев"})
    assert r.status_code == 303 and r.headers["location"] == f"/review/{site.rid}?done=corrected"
    assert "The correction is saved." in c.get(r.headers["location"]).text
    author = next(f for f in review_json(c, site.rid)["fields"] if f["field"] == "author")
    assert author["correction"]["values"] == ["Хрущев (Nikita Khrushchev)"] and author["correction"]["actor"] == "ed"
    assert author["machine"][0]["display"] == "Микоян (Anastas Mikoyan)"
    assert "Khrushchev" in site.client().get(f"/documents/{site.rid}").text
    # several names, one per line or separated by ";"
    c.post(f"/review/{site.rid}/1/correct", {"field": "recipient", "value": "ЦК КПСС\nХрущев; Булганин"})
    names = [v.value["name"] for v in site.record().documents[0].shown("recipient")]
    assert names[:2] == ["ЦК КПСС", "Хрущев"] and len(names) == 3
    c.post(f"/review/{site.rid}/1/correct", {"field": "doc_type", "value": "letter"})
    assert site.record().documents[0].first("doc_type").value == "letter"

    r = c.post(f"/review/{site.rid}/1/withdraw", {"field": "author"})
    assert r.status_code == 303
    assert site.record().documents[0].first("author").value["name"] == "Микоян"

    # an empty field says the document has none: the public page and its JSON show none
    for field in ("date", "doc_type", "classification", "author", "place", "title_en"):
        assert c.post(f"/review/{site.rid}/1/correct", {"field": field, "value": ""}).status_code == 303
    public = site.client().get(f"/documents/{site.rid}.json")
    assert public.status_code == 200, public.text
    facts = public.json()["document"]
    assert facts["date"] is None and facts["doc_type"] is None and facts["authors"] == []
    assert "Undated" in site.client().get(f"/documents/{site.rid}").text
    shown = {f["field"]: f for f in review_json(c, site.rid)["fields"]}
    assert shown["author"]["shown"] == [] and shown["author"]["correction"]["values"] == []

    bad = c.post(f"/review/{site.rid}/1/correct", {"field": "date", "value": "23.09.1956"})
    assert bad.status_code == 400
    assert "YYYY" in text_of(bad.text) and "Traceback" not in bad.text
    assert c.post(f"/review/{site.rid}/1/correct", {"field": "sha256", "value": "x"}).status_code == 400
    assert c.post(f"/review/{site.rid}/7/correct", {"field": "author", "value": "x"}).status_code == 404


def test_reject_a_mention_link(site):
    c = site.client("ed")
    mention = next(m for m in review_json(c, site.rid)["mentions"] if m["authority_id"] == "kim-il-sung")
    r = c.post(f"/review/{site.rid}/1/mention", {"key": mention["key"], "action": "reject"})
    assert r.status_code == 303
    layer, span = mention["key"].split(":")
    start, end = map(int, span.split("-"))
    m = next(m for m in site.record().documents[0].mentions if (m.layer, m.start, m.end) == (layer, start, end))
    assert m.authority_id is None and m.name == m.as_written
    after = next(x for x in review_json(c, site.rid)["mentions"] if x["key"] == mention["key"])
    assert after["decision"] == "reject" and after["decided_by"] == "ed"
    assert c.post(f"/review/{site.rid}/1/mention", {"key": "reading:0-1", "action": "reject"}).status_code == 404
    assert c.post(f"/review/{site.rid}/1/mention", {"key": mention["key"], "action": "explode"}).status_code == 400
    assert c.post(f"/review/{site.rid}/1/mention", {"key": mention["key"], "action": "relink"}).status_code == 400


def test_accept_an_ocr_suggestion_or_a_reading_typed(site):
    c = site.client("ed")
    first, second = review_json(c, site.rid)["suspects"][:2]
    r = c.post(f"/review/{site.rid}/1/suspect", {"key": first["key"], "action": "accept",
                                                  "reading": first["suggestions"][0]})
    assert r.status_code == 303
    c.post(f"/review/{site.rid}/1/suspect", {"key": second["key"], "action": "accept",
                                              "reading": second["suggestions"][0], "other": "иначе"})
    spans = {f"{s.start}-{s.end}": s.attrs for s in site.record().documents[0].reading.spans if s.kind == "ocr_suspect"}
    assert spans[first["key"]]["decision"] == "accept" and spans[first["key"]]["reading"] == first["suggestions"][0]
    assert spans[second["key"]]["reading"] == "иначе"
    shown = {s["key"]: s for s in review_json(c, site.rid)["suspects"]}
    assert shown[first["key"]]["decision"] == "accept" and shown[first["key"]]["decided_by"] == "ed"


def test_mark_reviewed_and_back(site):
    c = site.client("ed")
    assert c.post(f"/review/{site.rid}/reviewed", {"on": "1"}).status_code == 303
    assert site.row()["reviewed_by"] == "ed"
    assert site.rid not in {r["id"] for r in c.get("/review.json").json()["queue"]}
    assert site.rid in {r["id"] for r in c.get("/review.json?reviewed=true").json()["queue"]}
    c.post(f"/review/{site.rid}/reviewed", {"on": "0"})
    assert site.row()["reviewed_at"] is None


def test_access_form(site):
    c, anonymous = site.client("ed"), site.client()
    assert c.post(f"/review/{site.rid}/access", {"visibility": "restricted"}).status_code == 303
    assert anonymous.get(f"/documents/{site.rid}").status_code == 404
    assert review_json(c, site.rid)["record"]["access"]["state"] == "restricted"
    c.post(f"/review/{site.rid}/access", {"visibility": "public", "embargo_until": "2999-01-01"})
    assert anonymous.get(f"/documents/{site.rid}").status_code == 404
    access = review_json(c, site.rid)["record"]["access"]
    assert access["state"] == "embargoed" and access["embargo_until"] == "2999-01-01"
    c.post(f"/review/{site.rid}/access", {"visibility": "public", "embargo_until": ""})
    assert anonymous.get(f"/documents/{site.rid}").status_code == 200
    before = site.count_events()
    for bad in ({"visibility": "secret"}, {"visibility": "public", "embargo_until": "next year"}):
        r = c.post(f"/review/{site.rid}/access", bad)
        assert r.status_code == 400 and "Traceback" not in r.text
    assert site.count_events() == before


def test_delete_hides_and_undelete_brings_back(site):
    c, anonymous = site.client("ed"), site.client()
    assert c.post(f"/review/{site.rid}/delete", {"on": "1"}).status_code == 303
    assert anonymous.get(f"/documents/{site.rid}").status_code == 404
    assert c.get(f"/documents/{site.rid}").status_code == 404  # hidden from editors too
    page = c.get(f"/review/{site.rid}")
    assert page.status_code == 200 and "Undelete" in page.text and "deleted (hidden)" in text_of(page.text)
    assert site.rid not in {r["id"] for r in c.get("/review.json").json()["queue"]}
    assert "Purge" not in page.text  # an editor is not offered the purge
    c.post(f"/review/{site.rid}/delete", {"on": "0"})
    assert anonymous.get(f"/documents/{site.rid}").status_code == 200


def test_purge_needs_an_admin_a_deleted_record_and_its_id(site):
    editor, admin = site.client("ed"), site.client("boss")
    editor.post(f"/review/{site.rid}/delete", {"on": "1"})
    assert editor.post(f"/review/{site.rid}/purge", {"confirm": site.rid}).status_code == 403
    assert admin.post(f"/review/{site.hostile}/purge", {"confirm": site.hostile}).status_code == 400  # not deleted
    assert "Purge for good" in admin.get(f"/review/{site.rid}").text
    wrong = admin.post(f"/review/{site.rid}/purge", {"confirm": "yes"})
    assert wrong.status_code == 400 and "type the record" in text_of(wrong.text)
    assert site.row() is not None
    r = admin.post(f"/review/{site.rid}/purge", {"confirm": site.rid})
    assert r.status_code == 303 and r.headers["location"] == "/review?done=purged"
    assert site.row() is None
    assert admin.get(f"/review/{site.rid}").status_code == 404
    history = admin.get(f"/review/{site.rid}/history")
    assert history.status_code == 200 and "purged" in text_of(history.text)


def test_revert_a_correction_from_the_history(site):
    c = site.client("ed")
    c.post(f"/review/{site.rid}/1/correct", {"field": "author", "value": "Хрущев"})
    history = c.get(f"/review/{site.rid}/history")
    text = text_of(history.text)
    assert "Микоян (Anastas Mikoyan)" in text and "Хрущев (Nikita Khrushchev)" in text
    event = next(e for e in c.get(f"/review/{site.rid}/history.json").json()["events"] if e["action"] == "correct")
    assert event["revertible"] and event["actor"] == "ed" and event["at"].endswith("Z")
    # an event of this record reverted through another record's address is not found
    assert c.post(f"/review/{site.hostile}/history/{event['id']}/revert").status_code == 404
    r = c.post(f"/review/{site.rid}/history/{event['id']}/revert")
    assert r.status_code == 303 and r.headers["location"] == f"/review/{site.rid}/history?done=reverted"
    assert site.record().documents[0].first("author").value["name"] == "Микоян"
    actions = [e["action"] for e in c.get(f"/review/{site.rid}/history.json").json()["events"]]
    assert actions[:2] == ["withdraw", "correct"]  # newest first; the revert is an event itself


def test_reverting_after_an_empty_correction_brings_the_empty_field_back(site):
    c = site.client("ed")
    c.post(f"/review/{site.rid}/1/correct", {"field": "place", "value": ""})
    c.post(f"/review/{site.rid}/1/correct", {"field": "place", "value": "Пхеньян"})
    event = next(e for e in c.get(f"/review/{site.rid}/history.json").json()["events"] if e["action"] == "correct")
    assert c.post(f"/review/{site.rid}/history/{event['id']}/revert").status_code == 303
    doc = site.record().documents[0]
    assert doc.first("place") is None and [v.value for v in doc.all("place") if v.origin == "human"] == [None]


def test_restore_an_earlier_version(site, tmp_path):
    c = site.client("ed")
    old_sha = site.record().sha256
    newer = tmp_path / "v2" / SEED001
    newer.parent.mkdir()
    shutil.copy(site.seed, newer)
    newer.write_text(newer.read_text(encoding="utf-8") + "\nПриписка второй версии.\n", encoding="utf-8")
    assert not ingest_paths([newer], site.store, collection="default").failed
    assert site.record().sha256 != old_sha
    versions = c.get(f"/review/{site.rid}/history.json").json()["versions"]
    assert len(versions) == 2 and [v["current"] for v in versions] == [True, False]
    assert c.get(f"/review/{site.rid}/history").text.count("Restore this version") == 1
    r = c.post(f"/review/{site.rid}/restore", {"sha256": old_sha})
    assert r.status_code == 303
    assert site.record().sha256 == old_sha
    assert c.post(f"/review/{site.rid}/restore", {"sha256": "0" * 64}).status_code == 404


def test_rerun_extraction_keeps_the_correction(site):
    c = site.client("ed")
    c.post(f"/review/{site.rid}/1/correct", {"field": "author", "value": "Хрущев"})
    r = c.post(f"/review/{site.rid}/reextract")
    assert r.status_code == 303 and r.headers["location"] == f"/review/{site.rid}?done=reextracted"
    assert site.record().documents[0].first("author").value["name"] == "Хрущев"


def test_merge_entities(site):
    c = site.client("ed")
    names = {m["name"] for m in review_json(c, site.rid)["mentions"] if m["type"] == "PER"}
    assert "Нам Ир" in names
    r = c.post("/review/entities/merge", {"type": "PER", "name": "Нам Ир", "into": "Ким Ир Сен",
                                          "next": f"/review/{site.rid}"})
    assert r.status_code == 303 and r.headers["location"] == f"/review/{site.rid}?done=merged"
    assert "Нам Ир" not in {m.name for m in site.record().documents[0].mentions}
    assert c.post("/review/entities/merge", {"type": "XYZ", "name": "a", "into": "b"}).status_code == 400
    r = c.post("/review/entities/merge", {"type": "PER", "name": "Ким Ир Сен", "into": "Нам Ир",
                                          "next": "https://elsewhere.example/"})
    assert r.headers["location"].startswith("/review")  # never off the site


# --- hostile text -------------------------------------------------------------------------------

def test_hostile_text_is_escaped_on_the_review_pages(site):
    c = site.client("ed")
    page = c.get(f"/review/{site.hostile}").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b onclick" not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page or "&lt;b onclick" in page
    evil = '<img src=x onerror="alert(9)">'
    c.post(f"/review/{site.hostile}/1/correct", {"field": "title_en", "value": evil})
    c.post(f"/review/{site.hostile}/1/correct", {"field": "author", "value": "<script>alert(8)</script>"})
    for url in (f"/review/{site.hostile}", f"/review/{site.hostile}/history", "/review",
                f"/documents/{site.hostile}"):
        body = c.get(url).text
        assert "<img src=x" not in body and "<script>alert" not in body, url
        assert "&lt;img src=x" in body or "&lt;script&gt;" in body, url
    assert evil in text_of(c.get(f"/review/{site.hostile}").text)


def test_collections_page_shows_access_and_only_an_admin_changes_it(site):
    editor, admin = site.client("ed"), site.client("boss")
    page = editor.get("/review/collections")
    assert page.status_code == 200 and "web-tests" in page.text and "Only an admin" in page.text
    listed = {c["name"]: c for c in editor.get("/review/collections.json").json()["collections"]}
    assert listed["default"]["records"] == 1 and listed["default"]["state"] == "public"
    assert editor.post("/review/collections/access", {"name": "web-tests", "visibility": "restricted"}).status_code == 403
    assert site.store.count_records() == 2
    r = admin.post("/review/collections/access", {"name": "web-tests", "visibility": "public",
                                                   "embargo_until": "2999-01-01"})
    assert r.status_code == 303 and r.headers["location"] == "/review/collections?done=access"
    assert site.store.count_records() == 1  # the embargoed collection's record is hidden from readers
    listed = {c["name"]: c for c in admin.get("/review/collections.json").json()["collections"]}
    assert listed["web-tests"]["state"] == "embargoed" and listed["web-tests"]["embargo_until"] == "2999-01-01"
    assert admin.post("/review/collections/access", {"name": "web-tests", "visibility": "public",
                                                     "embargo_until": "soon"}).status_code == 400
    assert site.client().get("/review/collections").status_code == 303  # anonymous: to the login form


def test_names_are_grouped_by_entity_doubtful_groups_first_and_open(site):
    """Seed 001 names Микоян, Ким Ир Сен and others many times: the page shows one group per
    entity (every mention still has its own decision form), groups with an undecided
    doubtful mention first and open, the sure ones folded; deciding every doubtful
    mention of a group folds it."""
    from opis.web.review import SURE

    c = site.client("ed")
    data = review_json(c, site.rid)
    mentions = data["mentions"]
    page = c.get(f"/review/{site.rid}/1").text
    groups = re.findall(r'<details class="mention-group"( open)?>(.*?)</details>', page, re.S)
    entities = {(m["type"], m["name"]) for m in mentions}
    assert len(groups) == len(entities) < len(mentions)
    assert sum(g.count('class="mention-form"') for _, g in groups) == len(mentions)
    opened = [bool(o) for o, _ in groups]
    assert opened == sorted(opened, reverse=True)  # every open group before every folded one
    by_entity: dict = {}
    for m in mentions:
        by_entity.setdefault((m["type"], m["name"]), []).append(m)
    doubtful = {e for e, ms in by_entity.items() if any(m["confidence"] < SURE for m in ms)}
    assert sum(opened) == len(doubtful) > 0
    # the open groups come lowest confidence first
    lows = [min(m["confidence"] for m in by_entity[e]) for e in doubtful]
    shown = [float(x) for x in re.findall(r"· lowest ([\d.]+) ·", page)[: len(doubtful)]]
    assert shown == sorted(shown) and sorted(shown) == sorted(round(x, 2) for x in lows)
    # deciding the doubtful mentions of one group folds it
    entity = next(iter(sorted(doubtful)))
    for m in by_entity[entity]:
        if m["confidence"] < SURE:
            assert c.post(f"/review/{site.rid}/1/mention", {"key": m["key"], "action": "accept"}).status_code == 303
    page = c.get(f"/review/{site.rid}/1").text
    groups = re.findall(r'<details class="mention-group"( open)?>(.*?)</details>', page, re.S)
    assert sum(bool(o) for o, _ in groups) == len(doubtful) - 1


def test_withdraw_a_decision_on_an_ocr_reading(site):
    """A decided reading offers "Withdraw decision"; afterwards the word is open again, the
    history says so in words, and withdrawing twice is refused."""
    c = site.client("ed")
    first = review_json(c, site.rid)["suspects"][0]
    page = c.get(f"/review/{site.rid}/1").text
    assert 'value="withdraw"' not in page  # nothing to withdraw yet
    c.post(f"/review/{site.rid}/1/suspect", {"key": first["key"], "action": "accept",
                                              "reading": first["suggestions"][0]})
    assert 'value="withdraw"' in c.get(f"/review/{site.rid}/1").text
    r = c.post(f"/review/{site.rid}/1/suspect", {"key": first["key"], "action": "withdraw"})
    assert r.status_code == 303
    shown = {s["key"]: s for s in review_json(c, site.rid)["suspects"]}
    assert shown[first["key"]]["decision"] is None and shown[first["key"]]["reading"] is None
    assert "OCR decision withdrawn" in text_of(c.get(f"/review/{site.rid}/history").text)
    assert c.post(f"/review/{site.rid}/1/suspect", {"key": first["key"], "action": "withdraw"}).status_code == 400
