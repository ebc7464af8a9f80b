"""Every route over a real archive: HTML pages, their JSON twins, errors, escaping."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
import rispy

from opis.search.query import QueryError, parse

KIM = "Ким Ир Сен"


def links_to_documents(html: str) -> list[str]:
    """Document links in the result list, in order."""
    hits = html.split('<ol class="hits"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<h2 class="hit-title"><a href="([^"]+)"', hits)


def visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


# --- home ------------------------------------------------------------------------------

def test_home_page_and_json_agree(client):
    html = client.get("/")
    data = client.get("/index.json").json()
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert f"<strong>{data['documents']}</strong> documents" in html.text
    assert data["records"] >= 13 and data["documents"] > data["records"] - 1
    assert [c["name"] for c in data["collections"]] == ["default", "web-tests"]
    # the chart draws one bar per year with the JSON's count
    for year in data["per_year"]:
        if year["documents"]:
            assert f"{year['year']}: {year['documents']} document" in html.text
    assert "<svg" in html.text
    for doc in data["recent"]:
        assert f'href="{doc["url"]}"' in html.text


def test_accept_header_gives_json(client):
    r = client.get("/", headers={"Accept": "application/json"})
    assert r.headers["content-type"] == "application/json"
    assert r.json() == client.get("/index.json").json()


# --- search ----------------------------------------------------------------------------

def test_search_finds_kim_il_sung_in_seed_001(client, archive):
    html = client.get("/search", params={"q": KIM}).text
    data = client.get("/search.json", params={"q": KIM}).json()
    assert data["total"] >= 1
    ids = [h["record_id"] for h in data["hits"]]
    assert archive.seed001 in ids
    # the page lists the same documents in the same order
    assert links_to_documents(html) == [h["url"] for h in data["hits"]]
    assert f'data-total="{data["total"]}"' in html
    assert "<mark>Ким Ир Сен" in html


def test_latin_name_finds_cyrillic_text(client, archive):
    data = client.get("/search.json", params={"q": "Kim Ir Sen"}).json()
    assert archive.seed001 in [h["record_id"] for h in data["hits"]]


def test_historians_romanisation_finds_cyrillic_text_through_the_authority(client, archive):
    # "Kim Il Sung" is no transliteration of "Ким Ир Сен": only the authority file links them
    data = client.get("/search.json", params={"q": "Kim Il Sung"}).json()
    assert archive.seed001 in [h["record_id"] for h in data["hits"]]
    people = {f["value"]: f["count"] for f in data["facets"]["person"]}
    assert people.get("Ким Ир Сен") == data["total"]  # facets counted with the same expansion


def test_hits_have_the_titles_of_their_document_pages(client, archive):
    hits = client.get("/search.json", params={"collection": "default", "sort": "date"}).json()["hits"]
    for h in hits[:12]:
        page = client.get(h["url"] + ".json").json()
        t = page["document"]["title"]
        assert h["title"] == (t["en"] or t["ru"])


def test_snippet_segments_match_marks(client):
    data = client.get("/search.json", params={"q": "пленум"}).json()
    html = client.get("/search", params={"q": "пленум"}).text
    first = data["hits"][0]["snippet"]
    assert any(s["match"] for s in first)
    for s in first:
        if s["match"]:
            assert f"<mark>{s['text']}</mark>" in html


def test_malformed_query_shows_engine_message(client):
    bad = '"пленум'
    with pytest.raises(QueryError) as exc:
        parse(bad)
    r = client.get("/search", params={"q": bad})
    assert r.status_code == 400
    assert "This search could not be run" in r.text
    assert str(exc.value).replace('"', "&#34;") in r.text or str(exc.value) in unescape(r.text)
    j = client.get("/search.json", params={"q": bad})
    assert j.status_code == 400 and j.json()["error"] == str(exc.value)


@pytest.mark.parametrize("facet,key", [("doc_type", "doc_type"), ("classification", "classification"),
                                       ("year", None), ("language", "language"), ("collection", "collection")])
def test_facet_counts_match_filtered_results(client, facet, key):
    data = client.get("/search.json").json()
    entry = data["facets"][facet][0]
    params = {key: entry["value"]} if key else {"date_from": entry["value"], "date_to": entry["value"]}
    narrowed = client.get("/search.json", params=params).json()
    assert narrowed["total"] == entry["count"]
    html = client.get("/search", params=params).text
    assert f'data-total="{entry["count"]}"' in html


def test_person_facet_narrows_results(client):
    """Needs the entities stage: people mentioned become a facet."""
    data = client.get("/search.json", params={"q": KIM}).json()
    people = data["facets"]["person"]
    assert people, "no person facet: entity recognition has not run"
    first = next(p for p in people if p["count"] < data["total"])
    narrowed = client.get("/search.json", params={"q": KIM, "person": first["value"]}).json()
    assert narrowed["total"] == first["count"] < data["total"]
    active = client.get("/search.json", params={"q": KIM, "person": first["value"]}).json()["facets"]["person"]
    assert [p["value"] for p in active if p["active"]] == [first["value"]]
    html = client.get("/search", params={"q": KIM}).text
    assert f'data-facet="person" data-value="{first["value"]}"' in html


def test_facet_links_add_a_filter(client):
    html = client.get("/search", params={"q": KIM}).text
    hrefs = re.findall(r'<a href="(/search\?[^"]+)" data-facet="doc_type"', html)
    assert hrefs and all("q=" in unescape(h) and "doc_type=" in unescape(h) for h in hrefs)


def test_sort_by_date_orders_hits(client):
    for sort, rev in (("date", False), ("date_desc", True)):
        hits = client.get("/search.json", params={"sort": sort}).json()["hits"]
        dates = [h["date"] for h in hits if h["date"]]
        assert dates == sorted(dates, reverse=rev)


def test_pagination(client):
    total = client.get("/search.json").json()["total"]
    assert total > 20, "the test archive should need two pages"
    p1 = client.get("/search.json", params={"page": 1}).json()["hits"]
    p2 = client.get("/search.json", params={"page": 2}).json()["hits"]
    assert len(p1) == 20 and len(p2) == min(20, total - 20)
    assert not {h["url"] for h in p1} & {h["url"] for h in p2}
    assert 'rel="next"' in client.get("/search").text


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "abc"}, {"sort": "alphabet"},
                                    {"date_from": "March"}])
def test_bad_parameters_are_400_pages(client, params):
    r = client.get("/search", params=params)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html")
    assert "Traceback" not in r.text
    assert client.get("/search.json", params=params).status_code == 400


# --- documents -------------------------------------------------------------------------

def test_document_page_shows_date_author_classification(client, archive):
    r = client.get(f"/documents/{archive.seed001}")
    assert r.status_code == 200
    data = client.get(f"/documents/{archive.seed001}.json").json()
    d = data["document"]
    assert d["date"]["iso"] == "1956-09-23"
    assert "23 September 1956" in r.text
    assert d["classification"]["value"] == "top_secret"
    assert "Top secret" in r.text
    assert d["doc_type"]["value"] == "telegram"
    # the same facts on both
    for fact in (d["date"]["display"], d["classification"]["label"], d["doc_type"]["label"],
                 d["title"]["en"], data["citation"]["text"]):
        assert fact in unescape(r.text)
    for p in d["authors"] + d["recipients"]:
        assert (p["name_en"] or p["name"]) in unescape(r.text)


def test_seed_001_author_is_mikoyan(client, archive):
    """Needs extraction/entities to read the OCR-damaged signature as Mikoyan."""
    d = client.get(f"/documents/{archive.seed001}.json").json()["document"]
    assert [a["name"] for a in d["authors"]] == ["Микоян"]
    html = client.get(f"/documents/{archive.seed001}").text
    assert "Mikoyan" in html or "Микоян" in html.split("<dt>Author</dt>", 1)[1][:400]


def test_document_accept_json(client, archive):
    a = client.get(f"/documents/{archive.seed001}", headers={"Accept": "application/json"}).json()
    b = client.get(f"/documents/{archive.seed001}.json").json()
    assert a == b


def test_multi_document_record(client, archive):
    data = client.get(f"/documents/{archive.seed000}.json").json()
    n = len(data["record"]["documents"])
    assert n == 3
    for i in range(1, n + 1):
        r = client.get(f"/documents/{archive.seed000}/{i}")
        assert r.status_code == 200 and f"document {i} of 3" in r.text
        j = client.get(f"/documents/{archive.seed000}/{i}.json").json()
        assert j["document"]["number"] == i
    assert client.get(f"/documents/{archive.seed000}/1.json").json()["document"] == data["document"]
    assert client.get(f"/documents/{archive.seed000}/4").status_code == 404
    assert client.get(f"/documents/{archive.seed000}/0").status_code == 404


def test_reading_and_diplomatic_views(client, archive):
    reading = client.get(f"/documents/{archive.seed001}").text
    dip = client.get(f"/documents/{archive.seed001}", params={"view": "diplomatic"}).text
    assert '<del class="del"' in dip and '<del class="del"' not in reading
    assert 'class="add add-above"' in dip
    # the struck-out words are in the diplomatic text only
    assert "организационных и административных мер" in dip
    text = reading.split('class="transcription', 1)[1].split("</article>", 1)[0]
    assert "организационных и административных мер" not in text
    folios = client.get(f"/documents/{archive.seed000}", params={"view": "diplomatic"}).text
    assert re.search(r'class="folio"[^>]*><span class="visually-hidden">folio </span>№ 71, I</span>', folios)
    assert client.get(f"/documents/{archive.seed001}", params={"view": "facsimile"}).status_code == 400


def test_previous_and_next_by_date(client, archive):
    data = client.get(f"/documents/{archive.seed001}.json").json()
    me = data["document"]["date"]["iso"]
    assert data["previous"] and data["previous"]["date"] <= me
    assert data["next"] and data["next"]["date"] >= me
    html = client.get(f"/documents/{archive.seed001}").text
    assert f'href="{data["previous"]["url"]}"' in html and f'href="{data["next"]["url"]}"' in html
    later = client.get(data["next"]["url"] + ".json").json()
    assert later["previous"]["url"] == f"/documents/{archive.seed001}"


def test_related_documents_share_people(client, archive):
    """Needs the entities stage: related documents are found through people."""
    data = client.get(f"/documents/{archive.seed001}.json").json()
    assert data["related"], "no related documents: no person mentions stored"
    people = {e["id"] for e in data["entities"]["PER"]}
    first = data["related"][0]
    other = client.get(first["url"] + ".json").json()
    assert people & {e["id"] for e in other["entities"]["PER"]}


def test_unknown_document_is_404_page(client):
    r = client.get("/documents/000000000000")
    assert r.status_code == 404 and "Document not found" in r.text
    assert r.headers["content-type"].startswith("text/html")
    j = client.get("/documents/000000000000.json")
    assert j.status_code == 404 and j.json()["error"]["status"] == 404
    assert client.get("/no/such/page").status_code == 404


def test_source_file_download(client, archive):
    r = client.get(f"/documents/{archive.seed001}/source")
    original = (archive_root() / "examples" / "001_a31a19e8a354493c.txt").read_bytes()
    assert r.status_code == 200 and r.content == original
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["x-content-type-options"] == "nosniff"


def archive_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


# --- citations -------------------------------------------------------------------------

def test_citations(client, archive):
    base = f"/documents/{archive.seed001}/1"
    data = client.get(f"/documents/{archive.seed001}.json").json()
    bib = client.get(base + ".bib")
    assert bib.status_code == 200 and bib.text.startswith("@misc{opis-")
    assert "year = {1956}" in bib.text and "date = {1956-09-23}" in bib.text
    assert bib.text.count("{") == bib.text.count("}")
    entries = rispy.loads(client.get(base + ".ris").text)
    assert entries[0]["title"] == data["document"]["title"]["en"]
    assert entries[0]["year"] == "1956"
    csl = client.get(base + ".csl.json").json()
    assert csl[0]["issued"] == {"date-parts": [[1956, 9, 23]]}
    assert csl[0]["URL"].endswith(f"/documents/{archive.seed001}")
    html = client.get(f"/documents/{archive.seed001}").text
    for ext in (".bib", ".ris", ".csl.json"):
        assert f'href="{base}{ext}"' in html
    assert 'data-copy="citation"' in html


def test_csl_json_formats_with_citeproc(client, archive):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    csl = client.get(f"/documents/{archive.seed001}/1.csl.json").json()
    source = CiteProcJSON(csl)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = CitationStylesBibliography(style, source, formatter.plain)
    bib.register(Citation([CitationItem(csl[0]["id"])]))
    text = str(bib.bibliography()[0])
    assert "1956" in text and csl[0]["title"] in text


# --- entities --------------------------------------------------------------------------

def test_entity_pages(client, archive):
    """Needs the entities stage (mentions)."""
    doc = client.get(f"/documents/{archive.seed001}.json").json()
    people = doc["entities"]["PER"]
    assert people, "no person mentions stored"
    kim = next((p for p in people if p["name"] == KIM), people[0])
    r = client.get(f"/entities/{kim['id']}")
    assert r.status_code == 200
    data = client.get(f"/entities/{kim['id']}.json").json()
    assert data["name"] == kim["name"]
    assert f"/documents/{archive.seed001}" in [d["url"] for d in data["documents"]]
    for d in data["documents"]:
        assert f'href="{d["url"]}"' in r.text
    for t in data["together"]:
        assert client.get(t["url"]).status_code == 200
    # the entity's search lists exactly its documents
    found = client.get(data["search_url"].replace("/search?", "/search.json?")).json()
    assert found["total"] == len(data["documents"])
    # mentions in the text link to entity pages
    assert 'href="/entities/' in client.get(f"/documents/{archive.seed001}").text
    assert client.get("/entities.json").json()["entities"]


def test_unknown_entity_is_404(client):
    assert client.get("/entities/nobody-at-all").status_code == 404
    assert client.get("/entities/nobody-at-all.json").json()["error"]["status"] == 404


# --- safety ----------------------------------------------------------------------------

def test_transcribed_markup_is_shown_as_text(client, archive):
    for view in ("reading", "diplomatic"):
        html = client.get(f"/documents/{archive.hostile}", params={"view": view}).text
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
        assert "<b onclick" not in html
    hits = client.get("/search", params={"q": "проверка"}).text
    assert "<script>alert(1)" not in hits and "<img src=x" not in hits


def test_restricted_records_stay_hidden(client, archive):
    assert client.get(f"/documents/{archive.restricted}").status_code == 404
    assert client.get(f"/documents/{archive.restricted}/source").status_code == 404
    assert client.get(f"/documents/{archive.restricted}/1.bib").status_code == 404
    assert client.get("/search.json", params={"q": "шпицбергенцы"}).json()["total"] == 0
    everything = client.get("/search.json", params={"collection": "web-tests"}).json()
    assert [h["record_id"] for h in everything["hits"]] == [archive.hostile]
    home = client.get("/index.json").json()
    tests = next(c for c in home["collections"] if c["name"] == "web-tests")
    assert tests["records"] == 1
    assert "Зарубышкин" not in json.dumps(client.get("/entities.json").json(), ensure_ascii=False)


def test_security_headers(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script src=\"/static/opis.js\"" in r.text
    assert "http://" not in re.sub(r'href="http://testserver[^"]*"', "", r.text.split("<body>")[0])


def test_static_and_fonts(client):
    assert client.get("/static/opis.css").status_code == 200
    assert client.get("/static/opis.js").status_code == 200
    assert client.get("/fonts/evil.ttf").status_code == 404
    assert client.get("/fonts/..%2Fapp.py").status_code == 404
    from pathlib import Path

    if Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").exists():
        r = client.get("/fonts/DejaVuSerif.ttf")
        assert r.status_code == 200 and r.headers["content-type"] == "font/ttf"


# --- OpenAPI ---------------------------------------------------------------------------

def test_json_answers_match_their_documented_shapes(client, archive):
    from opis.web import schemas

    schemas.Home.model_validate(client.get("/index.json").json())
    schemas.SearchResults.model_validate(client.get("/search.json", params={"q": KIM}).json())
    schemas.SearchResults.model_validate(client.get("/search.json", params={"q": '"x'}).json())
    for rid in (archive.seed000, archive.seed001, archive.hostile):
        schemas.DocumentPage.model_validate(client.get(f"/documents/{rid}.json").json())
    schemas.DocumentPage.model_validate(client.get(f"/documents/{archive.seed000}/2.json").json())
    index = client.get("/entities.json").json()
    schemas.EntityIndex.model_validate(index)
    for e in index["entities"][:5]:
        page = client.get(e["url"] + ".json").json()
        schemas.EntityPage.model_validate(page)
        assert "source" not in (page["authority"] or {})
    schemas.Error.model_validate(client.get("/documents/000000000000.json").json())


def test_openapi_validates(client):
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    for p in ("/search.json", "/documents/{record_id}.json", "/documents/{record_id}/{number}.json",
              "/entities/{entity_id}.json", "/index.json", "/documents/{record_id}/{number}.bib"):
        assert p in paths, p


def test_every_public_page_renders(client):
    """Crawl: every document in both views and every entity page answers 200, and every
    link they make to another document or entity resolves."""
    docs = client.get("/search.json", params={"sort": "date", "page": 1}).json()
    urls = []
    for page_no in range(1, docs["pages"] + 1):
        urls += [h["url"] for h in client.get("/search.json", params={"sort": "date", "page": page_no}).json()["hits"]]
    assert len(urls) == docs["total"]
    linked: set[str] = set()
    for url in urls:
        for view in ("reading", "diplomatic"):
            r = client.get(url, params={"view": view})
            assert r.status_code == 200, (url, view)
            linked.update(re.findall(r'href="(/(?:documents|entities)/[^"?#]+)"', r.text))
    for e in client.get("/entities.json").json()["entities"]:
        assert client.get(e["url"]).status_code == 200, e
    for href in sorted(linked):
        if href.endswith(("/source", ".bib", ".ris", ".csl.json", ".json", "tei.xml")):
            continue
        assert client.get(unescape(href)).status_code == 200, href


def test_tei_download(client, archive):
    r = client.get(f"/documents/{archive.seed000}/tei.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/tei+xml")
    assert r.content.startswith(b"<?xml") and b"http://www.tei-c.org/ns/1.0" in r.content
    assert client.get(f"/documents/{archive.restricted}/tei.xml").status_code == 404


@pytest.mark.sqlite_only("breaks a copy of the database file with sqlite3")
def test_server_errors_are_pages_without_tracebacks(archive, tmp_path):
    """A database that breaks under the app (a table dropped) gives a 500 page, not a trace."""
    import shutil
    import sqlite3

    from fastapi.testclient import TestClient

    from opis.web.app import create_app

    broken = tmp_path / "broken.db"
    shutil.copy(archive.db.removeprefix("sqlite:///"), broken)
    app = create_app(str(broken))
    with sqlite3.connect(broken) as conn:
        conn.execute("DROP TABLE mentions")
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/entities")
        assert r.status_code == 500
        assert "Something went wrong" in r.text and "Traceback" not in r.text and "mentions" not in r.text
        j = c.get("/entities.json")
        assert j.status_code == 500 and j.json()["error"]["status"] == 500


def test_hit_links_to_its_passage(client, archive):
    hit = next(h for h in client.get("/search.json", params={"q": KIM}).json()["hits"]
               if h["record_id"] == archive.seed001)
    assert hit["passage_url"] and hit["passage_url"].endswith("#found")
    for view in ("reading", "diplomatic"):
        html = client.get(hit["passage_url"].split("#")[0] + f"&view={view}").text
        assert html.count('id="found"') == 1
        target = html.split('<span class="target">', 1)[1].split("</p>", 1)[0]
        assert "Ким Ир Сен" in visible_text(target)
    for bad in ("5-2", "x", "1-2-3"):
        assert client.get(f"/documents/{archive.seed001}", params={"at": bad}).status_code == 400
    assert 'class="passage-link"' in client.get("/search", params={"q": KIM}).text


class _Balance(HTMLParser):
    """Every element opened is closed, in order (void elements aside)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr", "path", "rect", "line", "circle"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[tuple[str, tuple[int, int]]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.errors.append((tag, self.getpos()))


def test_pages_are_well_nested(client, archive):
    urls = ["/", "/search", "/search?q=" + KIM, '/search?q="x', "/entities", "/nope",
            f"/documents/{archive.seed001}?view=diplomatic", f"/documents/{archive.seed000}/3?view=diplomatic",
            f"/documents/{archive.hostile}", f"/documents/{archive.hostile}?view=diplomatic"]
    urls += [e["url"] for e in client.get("/entities.json").json()["entities"][:3]]
    for url in urls:
        p = _Balance()
        p.feed(client.get(url).text)
        assert not p.errors and not p.stack, (url, p.errors[:3], p.stack)
