"""An anonymous reader walks every route of the site and never meets a hidden record.

The archive holds a few public records and one record for each way of being hidden:
restricted, embargoed until a day to come, in a restricted collection, in a collection
under embargo, deleted, and a scanned page under embargo. Each hidden transcription has
its own rare word, person and title. A record whose embargo has already ended must be
shown everywhere (so the test also fails when the rule hides too much).

The walk starts at `/`, `/sitemap.xml` and `/openapi.json`, follows every same-site link it
finds in pages, JSON, XML and redirects, asks OAI-PMH every verb (resumption tokens
followed), searches for every hidden word, opens the hidden records' own addresses, and
runs the command line's exports. No answer may name a hidden record's id, title, rare
word or person, unless the reader typed it into the request (a search box or an address
shows what was asked); and an address with a hidden id must answer exactly as the same
address with an id that never existed.
"""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, unquote_plus, urlencode, urlsplit

import pytest
from PIL import Image

from tests.scan.htr_pages import ALTO_XML, PAGE_XML

from opis.access.policy import ADMIN, Viewer
from opis.export.record_json import record_title
from opis.ingest.runner import ingest_paths
from opis.model import record_id
from opis.review import service
from opis.store.repository import Store
from opis.web.queries import entity_id

ADMIN_VIEWER = Viewer("archivist", ADMIN)
FUTURE, PAST = "2099-01-01", "2001-05-09"
FAKE_ID = "0f0f0f0f0f0f"  # the same shape as a record id; no record has it
MAX_URLS = 4000
SEARCH_KEYS = ("q", "sort", "page")

# --- the archive ------------------------------------------------------------------------

PUBLIC_TEXTS = {
    "letter_gromyko_1952.txt": """Секретно

Письмо посла А.А. Громыко министру иностранных дел о переговорах в Лондоне

Лондон, 17 апреля 1952 г.

Сообщаю, что переговоры о торговом соглашении продолжаются. Английская сторона
просит отсрочки до конца месяца.

Посол СССР А. Громыко
""",
    "note_suslov_1955.txt": """Записка товарища Суслова М.А. в Президиум ЦК КПСС об издании журнала

12 января 1955 г.

Предлагаю утвердить состав редакции журнала и выделить бумагу на первый квартал.

М. Суслов
""",
    "report_novikov_1948.txt": """Донесение генерального консула Новикова К.В. из Шанхая

Шанхай, 2 сентября 1948 г.

В городе продолжается рост цен на рис. Консульство сократило расходы на треть.

Генеральный консул К. Новиков
""",
}


@dataclass
class Hidden:
    """A record no reader may see: how it is hidden and the words that give it away."""

    key: str
    source: str
    collection: str
    text: str | None  # None: a scanned page (ALTO with its image)
    rare: str
    persons: tuple[str, ...]  # stems, matched in any case ending (Cyrillic and Latin)
    title_words: tuple[str, ...]
    id: str = ""
    titles: list[str] = field(default_factory=list)  # as extracted, filled once stored
    names: list[str] = field(default_factory=list)  # names of people, places... only it mentions
    entities: list[str] = field(default_factory=list)  # the ids their entity pages would have
    markers: list[str] = field(default_factory=list)  # everything above that gives it away


HIDDEN = [
    Hidden("restricted", "spravka_kolobrodov_1951.txt", "fond-5", """Совершенно секретно
Экз. № 2

Справка о беседе с товарищем Колобродовым И.С. о снабжении зимовки Полыньевка

14 февраля 1951 г.

Тов. Колобродов сообщил, что запасы угля на зимовке Полыньевка исчерпаны, а ледокол
задерживается во льдах. Просит ускорить отправку партии. Слово для проверки: куропаткинизм.

Зам. начальника отдела В. Трегубович
""", "куропаткинизм", ("Колоброд", "Kolobrod", "Трегубович", "Tregubovich"), ("Полыньевк",)),
    Hidden("embargoed", "zapis_shelestyuk_1956.txt", "fond-5", """Строго секретно

Запись беседы посла Шелестюка Н.Ф. с министром иностранных дел Бирмы

Рангун, 9 июня 1956 г.

Посол передал министру ноту о рыбной ловле в заливе. Министр обещал ответить в течение
недели. Проверочное слово: гиперборейщина.

Посол СССР Н. Шелестюк
""", "гиперборейщина", ("Шелестюк", "Shelestyuk", "Shelestiuk"), ()),
    Hidden("restricted-collection", "postanovlenie_bzdykhalsky_1949.txt", "osobaya-papka-7", """Особая папка

Постановление о командировании товарища Бздыхальского П.Т. в Улан-Батор

22 августа 1949 г.

Направить т. Бздыхальского в Улан-Батор сроком на два месяца для помощи в составлении
бюджета. Проверочное слово: шмелеведение.

Секретарь ЦК М. Суслов
""", "шмелеведение", ("Бздыхальск", "Bzdykhalsk", "Bzdyhalsk"), ("osobaya-papka-7",)),
    Hidden("embargoed-collection", "pismo_ukhvatov_1953.txt", "kremlevsky-fond-2090", """Секретно

Письмо товарища Ухватова Д.Е. в Совет Министров о строительстве моста через Амур

Хабаровск, 3 марта 1953 г.

Прошу выделить металл для пролётов моста до начала навигации. Проверочное слово:
пустоцветица.

Д. Ухватов
""", "пустоцветица", ("Ухватов", "Ukhvatov", "Uhvatov"), ("kremlevsky-fond-2090",)),
    Hidden("deleted", "dokladnaya_puzyrkov_1958.txt", "fond-5", """Для служебного пользования

Докладная записка инженера Пузырькова А.А. о порче архивных фондов сыростью

5 октября 1958 г.

В хранилище номер три обнаружена плесень на делах фонда. Проверочное слово: ледорубство.

Инженер А. Пузырьков
""", "ледорубство", ("Пузырьк", "Puzyrk"), ()),
    Hidden("embargoed-scan", "folio_12.xml", "skany-zakrytye", None, "Жмыхарев",
           ("Жмыхарев", "Zhmykharev"), ("skany-zakrytye",)),
]
# shown again: its embargo ended years ago, so the rule has lifted itself
LIFTED_SOURCE, LIFTED_COLLECTION, LIFTED_WORD = "telegramma_sundukevich_1950.txt", "fond-5", "верблюжатник"
LIFTED_TEXT = """Секретно

Телеграмма товарища Сундукевича Р.О. из Харбина о движении поездов

Харбин, 11 ноября 1950 г.

Движение поездов на линии восстановлено. Проверочное слово: верблюжатник.

Р. Сундукевич
"""
LIFTED_ID = record_id(LIFTED_COLLECTION, LIFTED_SOURCE)


@dataclass
class Built:
    db: str
    public_ids: list[str]
    hidden: list[Hidden]
    visible_documents: int
    visible_records: int


def _ingest(store: Store, folder: Path, collection: str, **kw) -> str:
    summary = ingest_paths([folder], store, collection=collection, **kw)
    assert not summary.failed, [o.message for o in summary.failed]
    assert len(summary.outcomes) == 1, summary.outcomes
    return summary.outcomes[0].record_id


@pytest.fixture(scope="module")
def built(tmp_path_factory, make_database_url) -> Built:
    base = tmp_path_factory.mktemp("crawl")
    db = make_database_url("crawl")
    store = Store.open(db)
    try:
        public_ids = []
        for name, text in PUBLIC_TEXTS.items():
            (base / name).write_text(text, encoding="utf-8")
            public_ids.append(_ingest(store, base / name, "fond-5"))
        scans = base / "scans"
        scans.mkdir()
        Image.new("L", (1200, 1600), 255).save(scans / "folio_12.png")
        (scans / "folio_12.xml").write_text(PAGE_XML, encoding="utf-8")
        public_ids.append(_ingest(store, scans / "folio_12.xml", "skany"))
        (base / LIFTED_SOURCE).write_text(LIFTED_TEXT, encoding="utf-8")
        public_ids.append(_ingest(store, base / LIFTED_SOURCE, LIFTED_COLLECTION))
        service.set_access(store, ADMIN_VIEWER, LIFTED_ID, "public", PAST)

        for h in HIDDEN:
            folder = base / h.key
            folder.mkdir()
            if h.text is None:
                Image.new("L", (1200, 1600), 255).save(folder / "folio_12.png")
                (folder / h.source).write_text(ALTO_XML.replace("Молотову", "Жмыхареву"), encoding="utf-8")
            else:
                (folder / h.source).write_text(h.text, encoding="utf-8")
            h.id = _ingest(store, folder / h.source, h.collection)
        by = {h.key: h for h in HIDDEN}
        service.set_access(store, ADMIN_VIEWER, by["restricted"].id, "restricted")
        service.set_access(store, ADMIN_VIEWER, by["embargoed"].id, "public", FUTURE)
        service.set_collection_access(store, ADMIN_VIEWER, "osobaya-papka-7", "restricted")
        service.set_collection_access(store, ADMIN_VIEWER, "kremlevsky-fond-2090", "public", "2090-06-30")
        service.delete_record(store, ADMIN_VIEWER, by["deleted"].id)
        service.set_access(store, ADMIN_VIEWER, by["embargoed-scan"].id, "public", FUTURE)

        # what readers may see, counted from the records themselves (not the rule)
        public = [store.get_record(i, include_restricted=True) for i in public_ids]
        seen_text = " ".join(r.text + " " + record_title(r) for r in public).lower()
        public_names = {n.lower() for r in public for d in r.documents for m in d.mentions
                        for n in (m.name, m.name_en, m.as_written) if n}
        for h in HIDDEN:
            record = store.get_record(h.id, include_restricted=True, include_deleted=True)
            titles = {record_title(record)} | {
                str(v.value) for d in record.documents for f in ("title_ru", "title_en")
                for v in [d.first(f)] if v is not None and isinstance(v.value, str)}
            # a title is a giveaway when no public record could have put it on a page
            h.titles = [t for t in titles if len(t) >= 12 and t.lower() not in seen_text]
            h.names = sorted({n for d in record.documents for m in d.mentions for n in (m.name, m.name_en)
                              if n and len(n) >= 4 and n.lower() not in public_names
                              and n.lower() not in seen_text})
            h.entities = sorted({entity_id(m.authority_id, m.name) for d in record.documents
                                 for m in d.mentions if m.name in h.names})
            h.markers = [h.id, h.rare, *h.persons, *h.title_words, *h.titles, *h.names]
            assert h.rare.lower() not in seen_text
        assert store.count_records(include_restricted=False) == len(public_ids)
        return Built(db, public_ids, HIDDEN, sum(len(r.documents) for r in public), len(public))
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(built):
    from fastapi.testclient import TestClient

    from opis.web.app import create_app

    mp = pytest.MonkeyPatch()
    mp.setenv("OPIS_OAI_PAGE_SIZE", "2")  # so that resumption tokens are followed too
    with TestClient(create_app(built.db), follow_redirects=False) as c:
        yield c
    mp.undo()


# --- reading answers --------------------------------------------------------------------

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def readable(body: bytes) -> str:
    """An answer as a reader would read it: entities, %-escapes and JSON escapes undone,
    lower case."""
    text = body.decode("utf-8", errors="replace")
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    return html.unescape(unquote(html.unescape(text))).lower()


def leaks(url: str, body: bytes, hidden: list[Hidden]) -> list[str]:
    """Hidden markers in an answer that the request itself did not carry."""
    asked = readable(unquote_plus(url).encode())
    text = readable(body)
    return [f"{h.key}: {m!r}" for h in hidden for m in h.markers
            if m.lower() in text and m.lower() not in asked]


_LINK_ATTR = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']+)["']""", re.I)
_SITE_URL = re.compile(r"https?://testserver(/[^\s\"'<>]*)")
_JSON_PATH = re.compile(r'"(/[^"\s]*)"')
_TOKEN = re.compile(r"<resumptionToken[^>]*>([^<]+)</resumptionToken>")
_LOC = re.compile(r"<(?:loc|identifier)>([^<]+)</")


def links_in(body: str, content_type: str) -> list[str]:
    found = [html.unescape(u) for u in _LINK_ATTR.findall(body)]
    found += [html.unescape(u) for u in _SITE_URL.findall(body)]
    if "json" in content_type:
        found += _JSON_PATH.findall(body)
    found += [u for u in _LOC.findall(body) if u.startswith("http://testserver")]
    out = []
    for u in found:
        parts = urlsplit(u)
        if parts.scheme and parts.netloc != "testserver":
            continue
        if not parts.path.startswith("/") or u.startswith("//"):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def worth_following(url: str) -> bool:
    """Every page, but the search only to a depth a reader would go: facet links make
    endless combinations of the same few documents."""
    parts = urlsplit(url)
    if parts.path.startswith(("/static/", "/fonts/")):
        return False
    if parts.path in ("/search", "/search.json"):
        params = parse_qsl(parts.query)
        filters = [k for k, _ in params if k not in SEARCH_KEYS]
        page = next((int(v) for k, v in params if k == "page" and v.isdigit()), 1)
        return len(filters) <= 2 and page <= 3
    return True


class Crawl:
    def __init__(self, client, hidden: list[Hidden]):
        self.client, self.hidden = client, hidden
        self.seen: dict[str, int] = {}
        self.bodies: dict[str, bytes] = {}
        self.problems: list[str] = []
        self.queue: deque[str] = deque()

    def add(self, url: str) -> None:
        if url not in self.seen and url not in self.queue and worth_following(url):
            self.queue.append(url)

    def fetch(self, url: str):
        response = self.client.get(url)
        self.seen[url] = response.status_code
        if response.status_code >= 500:
            self.problems.append(f"{url}: server error {response.status_code}")
        for leak in leaks(url, response.content, self.hidden):
            self.problems.append(f"{url} ({response.status_code}) names {leak}")
        location = response.headers.get("location")
        if location:
            for leak in leaks(url, location.encode(), self.hidden):
                self.problems.append(f"{url} redirects to a page naming {leak}")
        return response

    def run(self, limit: int = MAX_URLS) -> None:
        while self.queue:
            assert len(self.seen) < limit, f"the crawl passed {limit} addresses; is a link looping?"
            url = self.queue.popleft()
            if url in self.seen:
                continue
            response = self.fetch(url)
            kind = response.headers.get("content-type", "")
            for link in links_in(f'href="{response.headers.get("location", "")}"', ""):
                self.add(link)
            if kind.startswith(("text/", "application/json", "application/xml", "application/ld+json",
                                "application/tei+xml")) or "json" in kind or "xml" in kind:
                self.bodies[url] = response.content
                for link in links_in(response.text, kind):
                    self.add(link)
            token = _TOKEN.search(response.text) if url.startswith("/oai?") else None
            if token:
                verb = dict(parse_qsl(urlsplit(url).query))["verb"]
                self.add(f"/oai?{urlencode({'verb': verb, 'resumptionToken': html.unescape(token[1])})}")


def openapi_urls(client, built: Built, entity_ids: list[str]) -> list[str]:
    """Every GET path the API describes, filled with hidden and public ids."""
    spec = client.get("/openapi.json").json()
    urls = []
    for path, ops in spec["paths"].items():
        if "get" not in ops:
            continue
        names = re.findall(r"{(\w+)(?::\w+)?}", path)
        fillings = [{}]
        for name in names:
            if name == "record_id":
                choices = [h.id for h in built.hidden] + built.public_ids[:2] + [FAKE_ID]
            elif name == "entity_id":
                choices = entity_ids
            elif name == "number":
                choices = ["1", "2"]
            else:
                choices = ["1"]
            fillings = [dict(f, **{name: c}) for f in fillings for c in choices]
        for f in fillings:
            url = re.sub(r"{(\w+)(?::\w+)?}", lambda m, f=f: quote(f[m[1]], safe=""), path)
            urls.append(url)
    return urls


def hidden_addresses(rid: str) -> list[str]:
    return [f"/documents/{rid}", f"/documents/{rid}.json", f"/documents/{rid}/1", f"/documents/{rid}/1.json",
            f"/documents/{rid}/2", f"/documents/{rid}?view=diplomatic", f"/documents/{rid}?view=parallel",
            f"/documents/{rid}/source", f"/documents/{rid}/tei.xml", f"/documents/{rid}/1.bib",
            f"/documents/{rid}/1.ris", f"/documents/{rid}/1.csl.json",
            f"/iiif/{rid}/manifest.json", f"/iiif/{rid}/facsimile", f"/iiif/{rid}/0/info.json",
            f"/iiif/{rid}/0/full/max/0/default.png", f"/iiif/{rid}/0/full/max/0/default.jpg",
            f"/review/{rid}", f"/review/{rid}.json", f"/review/{rid}/history", f"/review/{rid}/history.json",
            f"/review/{rid}/1", f"/history/{rid}", f"/records/{rid}", f"/records/{rid}.json"]


def searches(h: Hidden) -> list[str]:
    # the words themselves, a prefix search and a misspelling (no suggestion may help)
    words = [h.rare, h.rare[:-3] + "*", h.rare[:-1], *h.persons, *h.title_words, h.id, h.source, *h.titles]
    urls = []
    for w in words:
        for path in ("/search", "/search.json"):
            urls.append(f"{path}?{urlencode({'q': w})}")
            urls.append(f"{path}?{urlencode({'q': w, 'sort': 'date'})}")
        urls.append(f"/search.json?{urlencode({'person': w})}")
    urls.append(f"/search.json?{urlencode({'collection': h.collection})}")
    urls.append(f"/search?{urlencode({'collection': h.collection})}")
    urls.append(f"/entities/{quote(h.persons[0].lower())}")
    for eid in h.entities:
        urls += [f"/entities/{quote(eid, safe='')}", f"/entities/{quote(eid, safe='')}.json"]
    for name in h.names:
        urls.append(f"/search.json?{urlencode({'person': name})}")
        urls.append(f"/search?{urlencode([('place', name), ('org', name)])}")
    return urls


def oai_urls(client, built: Built) -> list[str]:
    base = ["/oai?verb=Identify", "/oai?verb=ListMetadataFormats", "/oai?verb=ListSets"]
    formats = re.findall(r"<metadataPrefix>([^<]+)<", client.get("/oai?verb=ListMetadataFormats").text)
    assert formats, "OAI-PMH lists no metadata formats"
    listed = client.get(f"/oai?verb=ListIdentifiers&metadataPrefix={formats[0]}").text
    ident = re.search(r"<identifier>([^<]+)</identifier>", listed)
    assert ident, listed
    prefix = next(ident[1][: -len(i)] for i in built.public_ids if ident[1].endswith(i))
    for fmt in formats:
        base += [f"/oai?verb=ListIdentifiers&metadataPrefix={fmt}", f"/oai?verb=ListRecords&metadataPrefix={fmt}",
                 f"/oai?verb=ListRecords&metadataPrefix={fmt}&from=2000-01-01&until=2100-01-01"]
        for h in built.hidden:
            base.append(f"/oai?{urlencode({'verb': 'GetRecord', 'metadataPrefix': fmt, 'identifier': prefix + h.id})}")
            base.append(f"/oai?{urlencode({'verb': 'ListRecords', 'metadataPrefix': fmt, 'set': h.collection})}")
    for h in built.hidden:
        base.append(f"/oai?{urlencode({'verb': 'ListMetadataFormats', 'identifier': prefix + h.id})}")
    return base


# --- the walk ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def crawl(client, built) -> Crawl:
    c = Crawl(client, built.hidden)
    for start in ("/", "/index.json", "/sitemap.xml", "/openapi.json", "/search", "/search.json", "/entities",
                  "/entities.json", "/sitemap/1.xml", "/login", "/review", "/review.json", "/review/queue", "/history",
                  "/robots.txt"):
        c.add(start)
    c.run()
    # what the walk learnt of entity ids, plus the hidden people's own spellings
    entity_ids = sorted({unquote(u.split("/entities/", 1)[1]).removesuffix(".json")
                         for u in c.seen if u.startswith("/entities/")})[:3]
    entity_ids += [p.lower() for h in built.hidden for p in h.persons]
    for url in openapi_urls(client, built, entity_ids):
        c.add(url)
    for url in oai_urls(client, built):
        c.add(url)
    for h in built.hidden:
        for url in searches(h) + hidden_addresses(h.id):
            c.add(url)
    c.run()
    return c


def test_the_walk_reaches_every_kind_of_page(crawl, built):
    paths = {urlsplit(u).path for u in crawl.seen}
    for rid in built.public_ids:
        assert f"/documents/{rid}" in paths
        assert f"/documents/{rid}.json" in paths
        assert f"/documents/{rid}/1.bib" in paths and f"/documents/{rid}/1.csl.json" in paths
        assert f"/documents/{rid}/tei.xml" in paths and f"/documents/{rid}/source" in paths
    assert any(p.startswith("/entities/") for p in paths)
    assert any(p.startswith("/iiif/") and p.endswith("manifest.json") for p in paths)
    assert any("resumptionToken=" in u for u in crawl.seen), "no OAI-PMH list was followed past its first page"
    assert any(urlsplit(u).path == "/search" and "person=" in u for u in crawl.seen), "no facet link followed"
    assert len(crawl.seen) > 300, len(crawl.seen)


def test_no_answer_names_a_hidden_record(crawl):
    assert not crawl.problems, f"{len(crawl.problems)} problem(s) in {len(crawl.seen)} addresses:\n" + \
        "\n".join(crawl.problems[:200])


def _same_answer(client, template: str, rid: str, **headers: str) -> tuple[int, str]:
    r = client.get(template.replace("{id}", rid), headers=headers)
    text = re.sub(r'name="csrf[^"]*" value="[^"]*"', "", r.text)
    for form in (rid, unquote(rid), html.escape(unquote(rid))):
        text = text.replace(form, "{id}")
    return r.status_code, text


def test_a_hidden_id_answers_as_an_id_that_never_existed(client, built):
    """Not found, forbidden or a sign-in: whatever it is, the same as for no record at all."""
    for h in built.hidden:
        for template in hidden_addresses("{id}"):
            assert _same_answer(client, template, h.id) == _same_answer(client, template, FAKE_ID), \
                (h.key, template)
        for template in hidden_addresses("{id}"):  # the JSON twins asked for by header
            hidden, fake = (_same_answer(client, template, i, accept="application/json") for i in (h.id, FAKE_ID))
            assert hidden == fake, (h.key, template, "Accept: application/json")
            assert not leaks(template.replace("{id}", h.id), hidden[1].encode(), built.hidden)
        assert client.get(f"/documents/{h.id}").status_code == 404
        for eid in h.entities:
            for template in ("/entities/{id}", "/entities/{id}.json"):
                hidden, fake = (_same_answer(client, template, quote(e, safe=""))
                                for e in (eid, "nobody-at-all"))
                assert hidden[0] == 404 and hidden == fake, (h.key, eid)


def test_counts_are_the_visible_documents(client, built):
    home = client.get("/index.json").json()
    assert home["documents"] == built.visible_documents
    assert home["records"] == built.visible_records
    assert sum(c["records"] for c in home["collections"]) == built.visible_records
    assert sum(c["documents"] for c in home["collections"]) == built.visible_documents
    assert {c["name"] for c in home["collections"]} == {"fond-5", "skany"}
    assert client.get("/search.json").json()["total"] == built.visible_documents
    assert len(client.get("/sitemap.xml").text.split("<loc>http://testserver/documents/")) - 1 \
        == built.visible_documents
    listed = client.get("/search.json", params={"sort": "date"}).json()
    facets = listed["facets"]
    assert sum(e["count"] for e in facets["collection"]) == built.visible_documents
    # no year is counted that only hidden documents have
    years = {h["date"][:4] for h in listed["hits"] if h["date"]}
    assert {str(e["value"]) for e in facets["year"] if e["count"]} <= years
    assert {str(y["year"]) for y in home["per_year"] if y["documents"]} <= years
    assert sum(y["documents"] for y in home["per_year"]) == sum(e["count"] for e in facets["year"])


def test_searching_for_a_hidden_record_finds_nothing_at_all(client, built):
    """Not even a count: no total, no facet value, no year for what only hidden records hold."""
    for h in built.hidden:
        assert h.names, f"{h.key}: extraction found no names of its own to look for"
        asks = [{"q": w} for w in (h.rare, h.rare[:-3] + "*", *h.persons, *h.names)]
        asks += [{"person": n} for n in h.names] + [{"place": n} for n in h.names]
        asks += [{"org": n} for n in h.names]
        if h.collection != LIFTED_COLLECTION:  # a collection of hidden records only
            asks.append({"collection": h.collection})
        for params in asks:
            found = client.get("/search.json", params=params).json()
            assert found["total"] == 0 and not found["hits"], (h.key, params)
            counted = {k: [e for e in v if e["count"]] for k, v in found["facets"].items()}
            assert not any(counted.values()), (h.key, params, counted)


def test_a_shared_name_is_labelled_from_visible_records_only(client, built):
    """Суслов signs a hidden decision and a public note: the hidden record's English
    spelling of his name must not label the public facet."""
    from sqlalchemy import select, update

    from opis.store.schema import documents, mentions

    spelling = "Zzz Hidden Spelling"
    hidden = next(h for h in built.hidden if h.key == "restricted-collection")
    store = Store.open(built.db)
    try:
        with store.engine.begin() as conn:
            docs = select(documents.c.id).where(documents.c.record_id == hidden.id)
            changed = conn.execute(update(mentions).where(mentions.c.document_id.in_(docs),
                                                          mentions.c.name.like("Суслов%"))
                                   .values(name_en=spelling)).rowcount
    finally:
        store.close()
    assert changed
    for url in ("/search.json", "/search?q=Суслов", "/entities.json", "/index.json"):
        assert spelling.lower() not in client.get(url).text.lower(), url
    assert "суслов" in client.get("/search.json").text.lower()


def test_oai_by_post_is_as_closed(client, built):
    listed = client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").text
    prefix = re.search(r"<identifier>([^<]+)</identifier>", listed)[1][:-12]
    for h in built.hidden:
        for verb in ("GetRecord", "ListMetadataFormats"):
            r = client.post("/oai", data={"verb": verb, "metadataPrefix": "oai_dc", "identifier": prefix + h.id}
                            if verb == "GetRecord" else {"verb": verb, "identifier": prefix + h.id})
            assert "idDoesNotExist" in r.text
            assert not leaks(prefix + h.id, r.content, built.hidden)


def test_a_lifted_embargo_shows_the_record_everywhere(client, crawl, built):
    """The other way round: the rule lifts itself, so this record is found by every route."""
    found = client.get("/search.json", params={"q": LIFTED_WORD}).json()
    assert [h["record_id"] for h in found["hits"]] == [LIFTED_ID]
    assert client.get(f"/documents/{LIFTED_ID}").status_code == 200
    assert LIFTED_WORD in client.get(f"/documents/{LIFTED_ID}/tei.xml").text
    assert f"/documents/{LIFTED_ID}" in client.get("/sitemap.xml").text
    assert any(LIFTED_ID in crawl.bodies[u].decode() for u in crawl.bodies if "verb=ListRecords" in u)
    assert any(u.startswith("/entities/") and "сундукевич" in unquote(u).lower() for u in crawl.seen)


def test_sitemap_lists_public_documents_only(client, built):
    from lxml import etree

    response = client.get("/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    text = response.text
    locs = re.findall(r"<loc>http://testserver([^<]+)</loc>", text)
    docs = {u for u in locs if u.startswith("/documents/")}
    assert len(docs) == built.visible_documents
    assert {u.split("/")[2] for u in docs} == set(built.public_ids)


@pytest.mark.parametrize("fmt", ["tei", "jsonl", "csv"])
def test_exports_without_the_option_hold_no_hidden_record(built, tmp_path, fmt):
    from typer.testing import CliRunner

    from opis.cli import app

    out = tmp_path / ("dump.jsonl" if fmt == "jsonl" else "out")
    result = CliRunner().invoke(app, ["export", str(out), "--format", fmt, "--db", built.db])
    assert result.exit_code == 0, result.output
    files = [out] if out.is_file() else sorted(p for p in out.rglob("*") if p.is_file())
    assert files
    everything = b"\n".join(p.read_bytes() for p in files)
    assert not leaks("", everything, built.hidden)
    assert LIFTED_WORD.encode() in everything
    for rid in built.public_ids:
        assert rid.encode() in everything


def test_exports_with_the_option_still_leave_deleted_records_out(built, tmp_path):
    from typer.testing import CliRunner

    from opis.cli import app

    out = tmp_path / "all.jsonl"
    result = CliRunner().invoke(app, ["export", str(out), "--include-restricted", "--db", built.db])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    deleted = next(h for h in built.hidden if h.key == "deleted")
    assert deleted.id not in text and deleted.rare not in text
    for h in built.hidden:
        if h is not deleted:
            assert h.id in text, h.key


def test_a_long_sitemap_becomes_an_index_of_files(built):
    """Past the protocol's limit (2 here) /sitemap.xml names files that hold, between them,
    the fixed pages and every visible document once, in order."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from opis.web.sitemap import FIXED, sitemap_router

    store = Store.open(built.db)
    try:
        app = FastAPI()
        app.include_router(sitemap_router(lambda: store, max_urls=2))
        c = TestClient(app)
        index = c.get("/sitemap.xml").text
        files = re.findall(r"<loc>http://testserver(/sitemap/\d+\.xml)</loc>", index)
        assert "<sitemapindex" in index and len(files) == -(-(len(FIXED) + built.visible_documents) // 2)
        locs = [u for f in files for u in re.findall(r"<loc>http://testserver([^<]+)</loc>", c.get(f).text)]
        assert locs[:len(FIXED)] == list(FIXED)
        assert sorted(u.split("/")[2] for u in locs[len(FIXED):]) == sorted(built.public_ids)
        assert c.get(f"/sitemap/{len(files) + 1}.xml").status_code == 404
    finally:
        store.close()
