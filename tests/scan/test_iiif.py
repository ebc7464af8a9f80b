"""IIIF: the manifest of a scanned record checked against the essentials of the
Presentation 3 JSON schema (written here from the specification, since the official
schema file cannot be fetched offline), level 0 images, and nothing of a restricted record."""

from __future__ import annotations

import io

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from opis.ingest.runner import ingest_paths
from opis.web.iiif import iiif_router
from tests.scan.htr_pages import ALTO_XML, PAGE_XML

LANG_MAP = {"type": "object", "minProperties": 1,
            "additionalProperties": {"type": "array", "items": {"type": "string"}}}
URI = {"type": "string", "pattern": "^https?://"}
ANNOTATION = {
    "type": "object",
    "required": ["id", "type", "motivation", "target"],
    "properties": {"id": URI, "type": {"const": "Annotation"},
                   "motivation": {"enum": ["painting", "supplementing", "commenting"]},
                   "target": URI, "body": {"type": "object", "required": ["type"]}},
}
ANNOTATION_PAGE = {
    "type": "object", "required": ["id", "type"],
    "properties": {"id": URI, "type": {"const": "AnnotationPage"},
                   "items": {"type": "array", "items": ANNOTATION}},
}
CANVAS = {
    "type": "object",
    "required": ["id", "type", "width", "height"],
    "properties": {"id": URI, "type": {"const": "Canvas"}, "label": LANG_MAP,
                   "width": {"type": "integer", "minimum": 1}, "height": {"type": "integer", "minimum": 1},
                   "items": {"type": "array", "items": ANNOTATION_PAGE},
                   "annotations": {"type": "array", "items": ANNOTATION_PAGE}},
}
MANIFEST = {
    "type": "object",
    "required": ["@context", "id", "type", "label", "items"],
    "properties": {
        "@context": {"anyOf": [{"const": "http://iiif.io/api/presentation/3/context.json"},
                               {"type": "array", "contains": {"const": "http://iiif.io/api/presentation/3/context.json"}}]},
        "id": URI, "type": {"const": "Manifest"}, "label": LANG_MAP,
        "metadata": {"type": "array", "items": {"type": "object", "required": ["label", "value"],
                                                "properties": {"label": LANG_MAP, "value": LANG_MAP}}},
        "items": {"type": "array", "minItems": 1, "items": CANVAS},
    },
}
PAINTED_IMAGE = {
    "type": "object", "required": ["id", "type", "format", "width", "height"],
    "properties": {"id": URI, "type": {"const": "Image"}, "format": {"enum": ["image/jpeg", "image/png"]},
                   "service": {"type": "array", "items": {"type": "object", "required": ["id", "type", "profile"],
                                                          "properties": {"type": {"const": "ImageService3"},
                                                                         "profile": {"const": "level0"}}}}},
}


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("iiif")
    public, closed = folder / "public", folder / "closed"
    public.mkdir()
    closed.mkdir()
    Image.new("L", (1200, 1600), 255).save(public / "folio_12.png")
    (public / "folio_12.xml").write_text(PAGE_XML, encoding="utf-8")
    (closed / "folio_12.png").write_bytes((public / "folio_12.png").read_bytes())
    (closed / "folio_12.xml").write_text(ALTO_XML, encoding="utf-8")
    return public, closed


@pytest.fixture()
def client(scans, make_store):
    public, closed = scans
    store = make_store()
    open_ = ingest_paths([public / "folio_12.xml"], store, collection="open")
    shut = ingest_paths([closed / "folio_12.xml"], store, collection="closed", visibility="restricted")
    app = FastAPI()
    app.include_router(iiif_router(lambda: store))
    c = TestClient(app)
    c.public_id = open_.outcomes[0].record_id
    c.restricted_id = shut.outcomes[0].record_id
    assert c.public_id and c.restricted_id
    return c


def test_manifest_validates_and_paints_each_page(client):
    r = client.get(f"/iiif/{client.public_id}/manifest.json")
    assert r.status_code == 200
    assert "application/ld+json" in r.headers["content-type"]
    m = r.json()
    jsonschema.validate(m, MANIFEST)
    canvas = m["items"][0]
    assert (canvas["width"], canvas["height"]) == (1200, 1600)
    painting = canvas["items"][0]["items"][0]
    assert painting["motivation"] == "painting" and painting["target"] == canvas["id"]
    jsonschema.validate(painting["body"], PAINTED_IMAGE)
    lines = [a["body"]["value"] for a in canvas["annotations"][0]["items"]]
    assert lines[0] == "Москва, 3 мая 1952 г."
    assert canvas["annotations"][0]["items"][0]["target"].endswith("#xywh=700,100,400,60")


def test_broken_manifest_fails_the_schema(client):
    m = client.get(f"/iiif/{client.public_id}/manifest.json").json()
    del m["items"][0]["width"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(m, MANIFEST)


def test_level0_image_and_info(client):
    m = client.get(f"/iiif/{client.public_id}/manifest.json").json()
    url = m["items"][0]["items"][0]["items"][0]["body"]["id"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    r = client.get("/" + path)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == (1200, 1600)
    info = client.get(f"/iiif/{client.public_id}/0/info.json").json()
    assert info["profile"] == "level0" and info["width"] == 1200
    assert client.get(f"/iiif/{client.public_id}/0/full/200,/0/default.png").status_code == 400
    assert client.get(f"/iiif/{client.public_id}/7/full/max/0/default.png").status_code == 404


def test_restricted_record_is_never_served(client):
    rid = client.restricted_id
    for path in (f"/iiif/{rid}/manifest.json", f"/iiif/{rid}/0/info.json",
                 f"/iiif/{rid}/0/full/max/0/default.png", f"/iiif/{rid}/facsimile"):
        assert client.get(path).status_code == 404, path


def test_facsimile_view_shows_image_beside_words_with_boxes(client):
    r = client.get(f"/iiif/{client.public_id}/facsimile")
    assert r.status_code == 200
    html = r.text
    assert f"/iiif/{client.public_id}/0/full/max/0/default.png" in html
    assert 'class="fx-tword fx-low" id="p0l1w1">Молотову</span>' in html
    assert 'data-for="p0l1w1" data-box="26.667,18.75,23.333,3.75"' in html
    assert client.get("/iiif/static/facsimile.js").status_code == 200


def test_the_site_links_page_images_and_serves_the_source_with_its_type(scans, make_store):
    from opis.web.app import create_app

    public, _ = scans
    store = make_store()
    rid = ingest_paths([public / "folio_12.xml"], store).outcomes[0].record_id
    site = TestClient(create_app(store.engine.url.render_as_string(hide_password=False)))
    page = site.get(f"/documents/{rid}")
    assert page.status_code == 200
    assert f'href="/iiif/{rid}/facsimile"' in page.text and f"/iiif/{rid}/manifest.json" in page.text
    assert site.get(f"/iiif/{rid}/manifest.json").status_code == 200
    assert site.get(f"/documents/{rid}/source").headers["content-type"].startswith("application/xml")


def test_scan_tei_has_page_breaks_and_validates(scans, make_store, tei_schema):
    from lxml import etree

    from opis.export.tei import tei_bytes

    public, _ = scans
    store = make_store()
    rid = ingest_paths([public / "folio_12.xml"], store).outcomes[0].record_id
    record = store.get_record(rid)
    xml = etree.fromstring(tei_bytes(record))
    pbs = xml.findall(".//{http://www.tei-c.org/ns/1.0}pb")
    assert pbs and pbs[0].get("facs", "").startswith("urn:sha256:")
    assert tei_schema.validate(xml), tei_schema.error_log


def test_pages_survive_a_re_save_with_the_same_bytes(scans, make_store):
    from opis.scan.store import load_pages

    public, _ = scans
    store = make_store()
    rid = ingest_paths([public / "folio_12.xml"], store).outcomes[0].record_id
    assert len(load_pages(store, rid)) == 1
    record = store.get_record(rid)  # loaded without its pages, as an editor's tool would
    assert store.save_record(record, replace=True) == "updated"
    assert len(load_pages(store, rid)) == 1
