"""OAI-PMH 2.0 over a real server: two independent harvesters, every protocol error."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from lxml import etree
from oaipmh import error as pyoai_error
from oaipmh.client import Client
from oaipmh.metadata import MetadataReader, MetadataRegistry, oai_dc_reader
from sickle import Sickle
from sickle import oaiexceptions as sickle_error

from opis.web.oai import OAIConfig, Tokens, handle, set_spec

OAI = "http://www.openarchives.org/OAI/2.0/"
TEI = "http://www.tei-c.org/ns/1.0"
NS = {"oai": OAI, "tei": TEI, "dc": "http://purl.org/dc/elements/1.1/"}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


RESPONSE_SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).with_name("oai_pmh_response.rng"))))


def check(root: etree._Element) -> etree._Element:
    """The response has the protocol's structure (our own RELAX NG of it)."""
    assert RESPONSE_SCHEMA.validate(root), str(RESPONSE_SCHEMA.error_log)
    return root


def get(url: str, **params) -> etree._Element:
    r = httpx.get(url, params=params, timeout=30)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml")
    root = check(etree.fromstring(r.content))
    assert root.tag == f"{{{OAI}}}OAI-PMH"
    assert STAMP.match(root.findtext(f"{{{OAI}}}responseDate"))
    assert root.findtext(f"{{{OAI}}}request") == url
    return root


def error_code(url: str, **params) -> str:
    root = get(url, **params)
    codes = root.xpath("oai:error/@code", namespaces=NS)
    assert len(codes) == 1, etree.tostring(root)
    return codes[0]


@pytest.fixture(scope="module")
def public_ids(oai_archive) -> set[str]:
    return {f"oai:opis:{rid}" for rid in oai_archive.record_ids()}


@pytest.fixture(scope="module")
def restricted_ids(oai_archive) -> set[str]:
    every = set(oai_archive.record_ids(include_restricted=True))
    return {f"oai:opis:{rid}" for rid in every - set(oai_archive.record_ids())}


class CountingSickle(Sickle):
    """Sickle that counts the HTTP requests a harvest makes."""

    requests = 0

    def harvest(self, **kwargs):
        CountingSickle.requests += 1
        return super().harvest(**kwargs)


# --- harvesting ---------------------------------------------------------------------------

def _pages(n: int, size: int) -> int:
    return -(-n // size)


@pytest.mark.parametrize("prefix", ["oai_dc", "tei"])
def test_sickle_harvests_every_public_record(oai_url, public_ids, restricted_ids, oai_page_size, prefix):
    assert len(public_ids) > 2 * oai_page_size  # so that resumption tokens are needed
    CountingSickle.requests = 0
    harvester = CountingSickle(oai_url, max_retries=0)
    seen = []
    for rec in harvester.ListRecords(metadataPrefix=prefix):
        seen.append(rec.header.identifier)
        assert STAMP.match(rec.header.datestamp)
        meta = rec.xml.find(f"{{{OAI}}}metadata")[0]
        if prefix == "tei":
            assert meta.tag == f"{{{TEI}}}TEI"
            assert meta.xpath("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title/text()", namespaces=NS)
            assert meta.xpath("tei:text/tei:body/tei:div", namespaces=NS)
        else:
            assert rec.metadata["title"] and rec.metadata["type"][0] == "Text"
    assert len(seen) == len(set(seen))
    assert set(seen) == public_ids
    assert not set(seen) & restricted_ids
    assert CountingSickle.requests == _pages(len(public_ids), oai_page_size)
    ids = [h.identifier for h in harvester.ListIdentifiers(metadataPrefix=prefix)]
    assert sorted(ids) == sorted(public_ids)


class _Evaluator:
    """pyoai 2.5.0 (the latest release) calls `XPathEvaluator.evaluate`, an alias lxml 6
    removed; this gives it back, the real lxml evaluator doing the work."""

    def __init__(self, *args, **kwargs):
        self._ev = etree.XPathEvaluator(*args, **kwargs)

    def evaluate(self, path, **kwargs):
        return self._ev(path, **kwargs)

    __call__ = evaluate


class _EtreeForPyoai:
    XPathEvaluator = _Evaluator

    def __getattr__(self, name):
        return getattr(etree, name)


@pytest.fixture(scope="module", autouse=True)
def _pyoai_on_lxml6():
    import oaipmh.client
    import oaipmh.metadata

    with pytest.MonkeyPatch.context() as mp:
        if not hasattr(etree.XPathEvaluator(etree.Element("x")), "evaluate"):
            for module in (oaipmh.client, oaipmh.metadata):
                mp.setattr(module, "etree", _EtreeForPyoai())
        yield


def _pyoai_client(url: str) -> Client:
    registry = MetadataRegistry()
    registry.registerReader("oai_dc", oai_dc_reader)
    registry.registerReader("tei", MetadataReader(
        fields={
            "title": ("textList", "tei:TEI/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title/text()"),
            "opis_id": ("textList", "tei:TEI/tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:idno/text()"),
            "divs": ("textList", "tei:TEI/tei:text/tei:body/tei:div/@n"),
        },
        namespaces={"tei": TEI},
    ))
    return Client(url, registry)


@pytest.mark.parametrize("prefix", ["oai_dc", "tei"])
def test_pyoai_harvests_every_public_record(oai_url, public_ids, restricted_ids, prefix):
    client = _pyoai_client(oai_url)
    identify = client.identify()
    assert identify.protocolVersion() == "2.0"
    assert identify.granularity() == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.deletedRecord() == "no"
    seen = []
    for header, metadata, _about in client.listRecords(metadataPrefix=prefix):
        seen.append(header.identifier())
        assert header.setSpec() in (["default"], ["second"])
        if prefix == "tei":
            assert metadata.getField("opis_id") == [header.identifier().rsplit(":", 1)[1]]
            assert metadata.getField("divs")
        else:
            assert metadata.getField("title")
    assert sorted(seen) == sorted(public_ids)
    assert not set(seen) & restricted_ids
    assert sorted(h.identifier() for h in client.listIdentifiers(metadataPrefix=prefix)) == sorted(public_ids)


def test_pyoai_sets_formats_and_single_records(oai_url, oai_archive, public_ids):
    client = _pyoai_client(oai_url)
    assert sorted((spec, name) for spec, name, _ in client.listSets()) == [("default", "default"),
                                                                           ("second", "second")]
    assert [f[0] for f in client.listMetadataFormats()] == ["oai_dc", "tei"]
    some = sorted(public_ids)[0]
    header, metadata, _ = client.getRecord(identifier=some, metadataPrefix="tei")
    assert header.identifier() == some
    record = oai_archive.get_record(some.rsplit(":", 1)[1])
    assert metadata.getField("divs") == [str(d.seq) for d in record.documents]
    second = [h.identifier() for h in client.listIdentifiers(metadataPrefix="oai_dc", set="second")]
    assert len(second) == 3


def test_first_page_carries_a_token_and_the_last_an_empty_one(oai_url, public_ids, oai_page_size):
    root = get(oai_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(root.xpath("//oai:header", namespaces=NS)) == oai_page_size
    token = root.xpath("//oai:resumptionToken", namespaces=NS)[0]
    assert token.get("cursor") == "0" and token.get("completeListSize") == str(len(public_ids))
    pages = 1
    while token.text:
        root = get(oai_url, verb="ListIdentifiers", resumptionToken=token.text)
        token = root.xpath("//oai:resumptionToken", namespaces=NS)[0]
        pages += 1
    assert token.get("cursor") == str((pages - 1) * oai_page_size)
    assert pages == _pages(len(public_ids), oai_page_size)


def test_identify_sets_and_dublin_core(oai_url):
    root = get(oai_url, verb="Identify")
    ident = root.find(f"{{{OAI}}}Identify")
    assert ident.findtext(f"{{{OAI}}}baseURL") == oai_url
    assert ident.findtext(f"{{{OAI}}}adminEmail") == "test@example.org"
    assert STAMP.match(ident.findtext(f"{{{OAI}}}earliestDatestamp"))
    specs = root = get(oai_url, verb="ListSets").xpath("//oai:setSpec/text()", namespaces=NS)
    assert specs == ["default", "second"]  # the restricted collection is no set
    assert set_spec("Архив / fond 3") != set_spec("Архив / fond 4")
    assert re.match(r"^[A-Za-z0-9\-_.!~*'()]+$", set_spec("Архив / fond 3"))


def test_dublin_core_of_a_published_record(oai_url, oai_archive):
    rid = next(r for r in oai_archive.iter_records() if r.source_name.startswith("000_"))
    root = get(oai_url, verb="GetRecord", identifier=f"oai:opis:{rid.id}", metadataPrefix="oai_dc")
    dc = root.xpath("//oai:metadata/*", namespaces=NS)[0]
    assert dc.xpath("dc:title/text()", namespaces=NS) == [rid.metadata["title"]]
    assert "1952-11-03" in dc.xpath("dc:date/text()", namespaces=NS)
    assert rid.metadata["url"] in dc.xpath("dc:identifier/text()", namespaces=NS)
    assert f"http://archive.test/r/{rid.id}" in dc.xpath("dc:identifier/text()", namespaces=NS)
    assert dc.xpath("dc:language/text()", namespaces=NS) == ["ru"]


def test_from_and_until_select_by_datestamp(oai_url, oai_archive, public_ids):
    headers = get(oai_url, verb="Identify")
    earliest = headers.findtext(f"{{{OAI}}}Identify/{{{OAI}}}earliestDatestamp")
    stamps: dict[str, str] = {}
    token = None
    while True:
        params = {"resumptionToken": token} if token else {"metadataPrefix": "oai_dc"}
        root = get(oai_url, verb="ListIdentifiers", **params)
        for h in root.xpath("//oai:header", namespaces=NS):
            stamps[h.findtext(f"{{{OAI}}}identifier")] = h.findtext(f"{{{OAI}}}datestamp")
        token = root.xpath("string(//oai:resumptionToken)", namespaces=NS)
        if not token:
            break
    assert min(stamps.values()) == earliest
    latest = max(stamps.values())
    # until is inclusive at the second: from=until=earliest gives exactly those records
    client = Sickle(oai_url)
    got = {h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", **{"from": earliest,
                                                                                   "until": earliest})}
    assert got == {i for i, s in stamps.items() if s == earliest}
    got = {h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", **{"from": latest})}
    assert got == {i for i, s in stamps.items() if s == latest}
    day = earliest[:10]
    got = {h.identifier for h in client.ListIdentifiers(metadataPrefix="tei", **{"from": day, "until": latest[:10]})}
    assert got == public_ids


def test_post_requests_are_answered(oai_url):
    r = httpx.post(oai_url, data={"verb": "ListSets"}, timeout=30)
    root = etree.fromstring(r.content)
    assert root.xpath("//oai:setSpec/text()", namespaces=NS) == ["default", "second"]


# --- errors ------------------------------------------------------------------------------------

def test_bad_verbs(oai_url):
    assert error_code(oai_url) == "badVerb"
    assert error_code(oai_url, verb="ListEverything") == "badVerb"
    r = httpx.get(oai_url + "?verb=Identify&verb=ListSets", timeout=30)
    assert check(etree.fromstring(r.content)).xpath("//oai:error/@code", namespaces=NS) == ["badVerb"]
    root = get(oai_url, verb="Nope", foo="bar")
    assert root.find(f"{{{OAI}}}request").attrib == {}  # no arguments echoed after badVerb


@pytest.mark.parametrize("params", [
    {"verb": "ListRecords"},
    {"verb": "ListIdentifiers", "set": "default"},
    {"verb": "GetRecord", "metadataPrefix": "oai_dc"},
    {"verb": "GetRecord", "identifier": "oai:opis:x"},
    {"verb": "Identify", "foo": "bar"},
    {"verb": "ListSets", "metadataPrefix": "oai_dc"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-01"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2020-01-01T00:00:00"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2021-01-01T00:00:00Z"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-01-02", "until": "2021-01-01"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "two words"},
    {"verb": "ListRecords", "metadataPrefix": "oai dc"},
], ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_bad_arguments(oai_url, params):
    assert error_code(oai_url, **params) == "badArgument"


def test_repeated_argument_is_bad(oai_url):
    r = httpx.get(oai_url + "?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=tei", timeout=30)
    assert check(etree.fromstring(r.content)).xpath("//oai:error/@code", namespaces=NS) == ["badArgument"]


def test_bad_resumption_tokens(oai_url):
    root = get(oai_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.xpath("string(//oai:resumptionToken)", namespaces=NS)
    assert token
    body, mac = token.split(".")
    forged = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + mac
    for bad in ("garbage", "", "a.b.c", forged, token + "x"):
        assert error_code(oai_url, verb="ListIdentifiers", resumptionToken=bad) == "badResumptionToken", bad
    # a token belongs to its verb
    assert error_code(oai_url, verb="ListRecords", resumptionToken=token) == "badResumptionToken"
    assert error_code(oai_url, verb="ListSets", resumptionToken=token) == "badResumptionToken"
    # stateless: the same token is good again, and good for a second server with the same secret
    assert get(oai_url, verb="ListIdentifiers", resumptionToken=token).xpath("//oai:header", namespaces=NS)


def test_tokens_need_the_secret(oai_url, oai_archive):
    root = get(oai_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.xpath("string(//oai:resumptionToken)", namespaces=NS)
    args = [("verb", "ListIdentifiers"), ("resumptionToken", token)]
    same = etree.fromstring(handle(args, oai_url, oai_archive, OAIConfig(page_size=7),
                                   Tokens(b"test-secret"), "oai:opis:"))
    assert same.xpath("//oai:header", namespaces=NS) and not same.xpath("//oai:error", namespaces=NS)
    other = etree.fromstring(handle(args, oai_url, oai_archive, OAIConfig(page_size=7),
                                    Tokens(b"another-secret"), "oai:opis:"))
    assert other.xpath("//oai:error/@code", namespaces=NS) == ["badResumptionToken"]


def test_formats_identifiers_and_empty_lists(oai_url, public_ids, restricted_ids):
    some = sorted(public_ids)[0]
    assert error_code(oai_url, verb="ListRecords", metadataPrefix="marc21") == "cannotDisseminateFormat"
    assert error_code(oai_url, verb="GetRecord", identifier=some, metadataPrefix="mods") == "cannotDisseminateFormat"
    assert error_code(oai_url, verb="GetRecord", identifier="oai:opis:000000000000",
                      metadataPrefix="oai_dc") == "idDoesNotExist"
    assert error_code(oai_url, verb="GetRecord", identifier="urn:other:1", metadataPrefix="oai_dc") == "idDoesNotExist"
    assert error_code(oai_url, verb="ListMetadataFormats", identifier="oai:opis:nope") == "idDoesNotExist"
    for hidden in restricted_ids:  # a restricted record does not exist for harvesters
        assert error_code(oai_url, verb="GetRecord", identifier=hidden, metadataPrefix="tei") == "idDoesNotExist"
        assert error_code(oai_url, verb="ListMetadataFormats", identifier=hidden) == "idDoesNotExist"
    assert error_code(oai_url, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2100-01-01"}) == "noRecordsMatch"
    assert error_code(oai_url, verb="ListIdentifiers", metadataPrefix="oai_dc", until="1999-12-31") == "noRecordsMatch"
    assert error_code(oai_url, verb="ListRecords", metadataPrefix="oai_dc", set="closed") == "noRecordsMatch"
    assert error_code(oai_url, verb="ListRecords", metadataPrefix="tei", set="nothing") == "noRecordsMatch"


def test_an_empty_archive(make_store, oai_url):

    store = make_store()
    tokens = Tokens(b"x")

    def code(**params):
        root = check(etree.fromstring(handle(list(params.items()), "http://h/oai", store, OAIConfig(), tokens,
                                             "oai:opis:")))
        return root.xpath("string(//oai:error/@code)", namespaces=NS)

    assert code(verb="ListSets") == "noSetHierarchy"
    assert code(verb="ListRecords", metadataPrefix="oai_dc") == "noRecordsMatch"
    assert code(verb="Identify") == ""
    store.close()


def test_dublin_core_links_to_the_site_by_default(oai_archive):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from opis.web.oai import oai_router

    rid = oai_archive.record_ids()[0]
    plain, prefixed = FastAPI(), FastAPI()
    plain.include_router(oai_router(lambda: oai_archive))
    prefixed.include_router(oai_router(lambda: oai_archive, path=""), prefix="/oai")
    for app in (plain, prefixed):
        with TestClient(app) as client:
            r = client.get("/oai", params={"verb": "GetRecord", "identifier": f"oai:opis:{rid}",
                                           "metadataPrefix": "oai_dc"})
        root = check(etree.fromstring(r.content))
        assert root.findtext(f"{{{OAI}}}request") == "http://testserver/oai"
        ids = root.xpath("//dc:identifier/text()", namespaces=NS)
        assert f"http://testserver/documents/{rid}" in ids


def test_both_clients_raise_the_protocol_errors(oai_url):
    harvester = Sickle(oai_url, max_retries=0)
    with pytest.raises(sickle_error.CannotDisseminateFormat):
        next(iter(harvester.ListRecords(metadataPrefix="marc21")))
    with pytest.raises(sickle_error.IdDoesNotExist):
        harvester.GetRecord(identifier="oai:opis:000000000000", metadataPrefix="oai_dc")
    with pytest.raises(sickle_error.NoRecordsMatch):
        next(iter(harvester.ListRecords(metadataPrefix="oai_dc", set="closed")))
    with pytest.raises(sickle_error.BadResumptionToken):
        next(iter(harvester.ListRecords(resumptionToken="garbage")))
    with pytest.raises(sickle_error.BadArgument):
        next(iter(harvester.ListRecords(metadataPrefix="oai_dc", **{"from": "not-a-date"})))
    # Sickle raises while iterating; a raw harvest hands back the error element
    response = harvester.harvest(verb="Frobnicate")
    assert response.xml.xpath("//oai:error/@code", namespaces=NS) == ["badVerb"]
    client = _pyoai_client(oai_url)
    with pytest.raises(pyoai_error.CannotDisseminateFormatError):
        list(client.listRecords(metadataPrefix="marc21"))
    with pytest.raises(pyoai_error.IdDoesNotExistError):
        client.getRecord(identifier="oai:opis:000000000000", metadataPrefix="oai_dc")
    with pytest.raises(pyoai_error.NoRecordsMatchError):
        list(client.listIdentifiers(metadataPrefix="oai_dc", set="closed"))
    # pyoai keeps tokens to itself; its request layer still turns the answer into the error
    with pytest.raises(pyoai_error.BadResumptionTokenError):
        client.makeRequestErrorHandling(verb="ListRecords", resumptionToken="garbage")
    with pytest.raises(pyoai_error.BadVerbError):
        client.makeRequestErrorHandling(verb="Frobnicate")
    with pytest.raises(pyoai_error.BadArgumentError):
        client.makeRequestErrorHandling(verb="ListRecords", metadataPrefix="oai_dc", until="soon")


def test_page_size_comes_from_the_environment(oai_archive, monkeypatch, public_ids):
    def page(**params):
        root = check(etree.fromstring(handle(list(params.items()), "http://h/oai", oai_archive, OAIConfig(),
                                             Tokens(b"k"), "oai:opis:")))
        return root.xpath("//oai:header", namespaces=NS), root.xpath("//oai:resumptionToken", namespaces=NS)

    monkeypatch.setenv("OPIS_OAI_PAGE_SIZE", "4")
    headers, token = page(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(headers) == 4 and token[0].text
    monkeypatch.delenv("OPIS_OAI_PAGE_SIZE")
    headers, token = page(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(headers) == min(50, len(public_ids))
    assert (not token) == (len(public_ids) <= 50)
