"""IIIF: the manifest of a scanned record validated against the Presentation 3 schema
(through iiif-prezi3's models, which are generated from the official iiif_3_0.json), level
0 images, and nothing of a restricted record."""

from __future__ import annotations

import copy
import io
import json
from contextlib import contextmanager

import jsonschema
import pydantic
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from iiif_prezi3 import skeleton
from PIL import Image

from opis.ingest.runner import ingest_paths
from opis.model import Page, Record, Zone
from opis.web.iiif import iiif_router, manifest
from tests.scan.htr_pages import ALTO_XML, PAGE_XML


@contextmanager
def _schema_only():
    """iiif-prezi3's models, without its authoring helpers. The package registers
    "defaulters" on its classes that fill in what an author leaves out (an empty `items`, a
    made-up `id`, a bare string turned into a language map); they run on validation too, so
    a manifest missing `items` would pass. Off while we validate, back on afterwards."""
    saved = {cls: cls.__dict__["_defaulters"] for cls in vars(skeleton).values()
             if isinstance(cls, type) and "_defaulters" in cls.__dict__}
    try:
        for cls in saved:
            cls._defaulters = []
        yield
    finally:
        for cls, defaulters in saved.items():
            cls._defaulters = defaulters


def validate_presentation3(doc: dict) -> None:
    """Raise unless `doc` is a valid Presentation 3 manifest by the schema's models, read
    back exactly as written: a key the models drop (misspelt or unknown: the schema forbids
    them on the manifest itself) or fill in (a `type` left out) and a value they coerce (a
    width given as a string) fail too."""
    with _schema_only():
        model = skeleton.Manifest.model_validate(copy.deepcopy(doc))
    read = json.loads(model.json())
    if read != doc:
        raise AssertionError(f"manifest not read back as written: {_first_difference(doc, read)}")


def _first_difference(a, b, path="") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}/{k} only in {'ours' if k in a else 'the models reading'}"
            if a[k] != b[k]:
                return _first_difference(a[k], b[k], f"{path}/{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}/{i}")
    return f"{path}: {a!r} read as {b!r}"


# What the generated models lose from the schema (datamodel-codegen drops the canvas's
# `anyOf`/`dependencies` on width and height and the dimensions' `exclusiveMinimum`): each
# canvas sized, width and height above 0. And what opis promises viewers (Mirador, Universal
# Viewer) beyond the schema: at least one canvas, the painted image with a level 0 service.
SIZED_CANVASES = {
    "type": "object", "required": ["items"],
    "properties": {"items": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["width", "height"],
        "properties": {"width": {"type": "integer", "minimum": 1},
                       "height": {"type": "integer", "minimum": 1}}}}},
}
PAINTED_IMAGE = {
    "type": "object", "required": ["id", "type", "format", "width", "height"],
    "properties": {"type": {"const": "Image"}, "format": {"enum": ["image/jpeg", "image/png"]},
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
    c.store = store
    assert c.public_id and c.restricted_id
    return c


def test_manifest_validates_and_paints_each_page(client):
    r = client.get(f"/iiif/{client.public_id}/manifest.json")
    assert r.status_code == 200
    assert "application/ld+json" in r.headers["content-type"]
    m = r.json()
    validate_presentation3(m)
    jsonschema.validate(m, SIZED_CANVASES)
    canvas = m["items"][0]
    assert (canvas["width"], canvas["height"]) == (1200, 1600)
    painting = canvas["items"][0]["items"][0]
    assert painting["motivation"] == "painting" and painting["target"] == canvas["id"]
    jsonschema.validate(painting["body"], PAINTED_IMAGE)
    lines = [a["body"]["value"] for a in canvas["annotations"][0]["items"]]
    assert lines[0] == "Москва, 3 мая 1952 г."
    assert canvas["annotations"][0]["items"][0]["target"].endswith("#xywh=700,100,400,60")


def _without_items(m):
    del m["items"]


def _wrong_type(m):
    m["type"] = "Collection"


def _label_a_string(m):
    m["label"] = "Записка Молотову"


def _label_values_not_lists(m):
    m["label"] = {"ru": "Записка Молотову"}


def _canvas_without_id(m):
    del m["items"][0]["id"]


def _annotation_page_without_items(m):
    del m["items"][0]["items"][0]["items"]


def _width_a_string(m):
    m["items"][0]["width"] = "1200"


def _id_not_a_uri(m):
    m["id"] = "manifest.json"


def _without_type(m):
    del m["type"]


def _misspelt_key(m):
    m["metdata"] = m.pop("metadata")


@pytest.mark.parametrize("break_it", [
    _without_items, _wrong_type, _label_a_string, _label_values_not_lists, _canvas_without_id,
    _annotation_page_without_items, _width_a_string, _id_not_a_uri, _without_type, _misspelt_key,
], ids=lambda f: f.__name__.strip("_"))
def test_broken_manifest_is_rejected(client, break_it):
    m = client.get(f"/iiif/{client.public_id}/manifest.json").json()
    validate_presentation3(m)  # whole, it passes
    break_it(m)
    with pytest.raises((pydantic.ValidationError, AssertionError)):
        validate_presentation3(m)


def test_models_are_left_as_they_were():
    """The helpers iiif-prezi3 runs for authors are back after a validation."""
    with pytest.raises(pydantic.ValidationError):
        validate_presentation3({"id": "https://example.org/m", "type": "Manifest", "label": {"en": ["x"]}})
    assert skeleton.Manifest(id="https://example.org/m", label="x").items == []


def test_canvas_without_size_is_caught_by_our_own_schema(client):
    m = client.get(f"/iiif/{client.public_id}/manifest.json").json()
    del m["items"][0]["width"]
    validate_presentation3(m)  # the models leave a canvas's size optional
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(m, SIZED_CANVASES)


def test_manifest_of_pages_without_image_or_lines_validates():
    """A page known only by its text (no image kept, no line boxes) and one with its image."""
    record = Record("memo.pdf", b"", "utf-8", "scan", "Первая страница.\nВторая страница.")
    pages = [Page(0, 0, 16, 800, 1000, media_type="", label="л. 1"),
             Page(1, 17, 34, 800, 1000, image=b"x", media_type="image/jpeg",
                  zones=[Zone(17, 34, 10, 20, 300, 40, kind="line")])]
    m = manifest(record, pages, "http://archive.example")
    validate_presentation3(m)
    jsonschema.validate(m, SIZED_CANVASES)
    assert m["items"][0]["items"] == [] and "annotations" not in m["items"][0]


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


@pytest.mark.parametrize("with_image", [True, False], ids=["image beside", "no image"])
def test_alto_without_page_size_still_gives_sized_canvases(tmp_path, make_store, with_image):
    """ALTO's Page WIDTH and HEIGHT are optional: a canvas then takes its image's size, or
    without an image the extent of its boxes, never 0 (which the schema forbids)."""
    folder = tmp_path / "alto"
    folder.mkdir()
    (folder / "folio_12.xml").write_text(ALTO_XML.replace(' WIDTH="1200" HEIGHT="1600"', ""), encoding="utf-8")
    if with_image:
        Image.new("L", (1240, 1754), 255).save(folder / "folio_12.png")
    store = make_store()
    outcome = ingest_paths([folder / "folio_12.xml"], store).outcomes[0]
    assert outcome.status == "added", outcome
    rid = outcome.record_id
    app = FastAPI()
    app.include_router(iiif_router(lambda: store))
    c = TestClient(app)
    m = c.get(f"/iiif/{rid}/manifest.json").json()
    validate_presentation3(m)
    jsonschema.validate(m, SIZED_CANVASES)
    canvas = m["items"][0]
    if with_image:
        assert (canvas["width"], canvas["height"]) == (1240, 1754)
        jsonschema.validate(canvas["items"][0]["items"][0]["body"], PAINTED_IMAGE)
        assert c.get(f"/iiif/{rid}/0/info.json").json()["width"] == 1240
        assert 'data-box="' in c.get(f"/iiif/{rid}/facsimile").text  # boxes placed on the image
    else:
        assert (canvas["width"], canvas["height"]) == (1100, 440)  # the lines' right and bottom edges
        assert canvas["items"] == []


def test_page_images_are_revalidated_so_a_new_scan_or_a_closed_record_shows_at_once(client):
    """A page image keeps its address when a new scan replaces it or its record is closed,
    so caches are told to ask every time: its sha256 as ETag, 304 while unchanged, and
    the 404 of a closed record whatever the cache holds."""
    from opis.access.policy import ADMIN, Viewer
    from opis.model import content_hash
    from opis.review import service

    path = f"/iiif/{client.public_id}/0/full/max/0/default.png"
    r = client.get(path)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    assert r.headers["etag"] == f'"{content_hash(r.content)}"'
    again = client.get(path, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == r.headers["etag"]
    assert client.get(path, headers={"If-None-Match": '"0000"'}).status_code == 200
    service.set_access(client.store, Viewer("boss", ADMIN), client.public_id, "restricted")
    assert client.get(path, headers={"If-None-Match": r.headers["etag"]}).status_code == 404
