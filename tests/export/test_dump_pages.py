"""Dumps carry the pages of scanned records and their images: a full dump imported into an
empty archive gives every page image back byte for byte and the same IIIF answers, each
image is written once beside its record and stored as soon as it is read, version 2 dumps
(no pages) still import, and a damaged image stops the import with one line naming the
record."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from opis.export.dump import export_jsonl, import_jsonl
from opis.scan.store import load_pages
from opis.store.repository import Store
from opis.store.schema import originals
from tests.export.scanned import digest, htr_scan, iiif_client, ingest_one, rendered_png, rendered_tiff
from tests.scan.htr_pages import ALTO_XML

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, make_database_url):
    """An archive of scans and a transcription: PAGE XML beside its image; ALTO naming the
    very same image bytes in another collection; a two-page TIFF read by Tesseract (its
    page images re-encoded); a one-page PNG read by Tesseract (its page image is the file
    itself); a restricted PAGE XML scan with an image of its own."""
    tmp = tmp_path_factory.mktemp("dump_pages")
    store = Store.open(make_database_url("dump_pages"))
    folio = rendered_png(0)
    ids = {
        "page_xml": ingest_one(store, htr_scan(tmp / "letters", folio), collection="letters"),
        "alto": ingest_one(store, htr_scan(tmp / "copies", folio, ALTO_XML), collection="copies"),
        "restricted": ingest_one(store, htr_scan(tmp / "closed", rendered_png(4)), collection="closed",
                                 visibility="restricted"),
        "text": ingest_one(store, ROOT / "examples" / "104_ulbricht_letter_1953.txt", collection="texts"),
    }
    (tmp / "memos").mkdir()
    (tmp / "memos" / "memo.tif").write_bytes(rendered_tiff((1, 2)))
    ids["tiff"] = ingest_one(store, tmp / "memos" / "memo.tif", collection="memos")
    (tmp / "photos").mkdir()
    (tmp / "photos" / "folio.png").write_bytes(rendered_png(2))
    ids["png"] = ingest_one(store, tmp / "photos" / "folio.png", collection="photos")
    store.ids = ids
    yield store
    store.close()


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _pages(store, rid):
    return load_pages(store, rid, include_restricted=True, with_images=True)


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def test_the_fixture_has_what_the_tests_need(scanned):
    """Each kind of page the dump must carry is there, so no test below passes on nothing."""
    pages = {k: _pages(scanned, rid) for k, rid in scanned.ids.items()}
    assert [len(pages[k]) for k in ("page_xml", "alto", "restricted", "text", "tiff", "png")] == [1, 1, 1, 0, 2, 1]
    assert all(p.image for k in ("page_xml", "alto", "restricted", "tiff", "png") for p in pages[k])
    assert pages["page_xml"][0].image == pages["alto"][0].image  # one image, two records
    png = scanned.get_record(scanned.ids["png"])
    assert pages["png"][0].image == png.original  # the scan is its own page image
    tiff = scanned.get_record(scanned.ids["tiff"])
    assert all(p.image != tiff.original for p in pages["tiff"])


def test_full_dump_brings_every_page_image_back(scanned, tmp_path, make_store):
    first = tmp_path / "first.jsonl"
    n = export_jsonl(scanned, first, include_restricted=True)
    target = make_store()
    assert import_jsonl(target, first) == {"added": n, "updated": 0, "unchanged": 0}
    for rid in scanned.record_ids(include_restricted=True):
        before, after = _pages(scanned, rid), _pages(target, rid)
        assert after == before, rid  # every field, the image bytes included
        assert [digest(p.image) for p in after] == [p.image_sha256 for p in before]
    second = tmp_path / "second.jsonl"
    export_jsonl(target, second, include_restricted=True)
    assert second.read_bytes() == first.read_bytes()
    # importing again changes nothing, pages included
    assert import_jsonl(target, first) == {"added": 0, "updated": 0, "unchanged": n}
    export_jsonl(target, second, include_restricted=True)
    assert second.read_bytes() == first.read_bytes()


def test_each_image_is_written_once_beside_its_record(scanned, tmp_path):
    dump = tmp_path / "d.jsonl"
    export_jsonl(scanned, dump, include_restricted=True)
    rows = _lines(dump)
    assert rows[0] == {"format": "opis-dump", "table": "header", "version": 3}
    original_shas = {r["sha256"] for r in rows if r["table"] == "original"}
    image_shas = [r["sha256"] for r in rows if r["table"] == "image"]
    assert len(image_shas) == len(set(image_shas)) == 4  # folio (once for two records), restricted, 2 TIFF pages
    assert not original_shas & set(image_shas)
    png = scanned.get_record(scanned.ids["png"])
    assert png.sha256 in original_shas and png.sha256 not in image_shas
    # an image comes inside its record's lines, before the first page that shows it
    current, seen = None, set(original_shas)
    for r in rows:
        if r["table"] == "record":
            current = r["id"]
        elif r["table"] == "image":
            assert r["record_id"] == current
            assert digest(base64.b64decode(r["bytes"])) == r["sha256"] and len(base64.b64decode(r["bytes"])) == r["size"]
            seen.add(r["sha256"])
        elif r["table"] == "page":
            assert r["record_id"] == current and r["image_sha256"] in seen
    assert sum(r["table"] == "page" for r in rows) == 6


def test_images_are_stored_as_they_are_read(scanned, tmp_path, make_store):
    """The importer keeps no bytes for later: when it asks for the next line, every image
    and original (the one-page PNG's image among them) it has read is in the database."""
    dump = tmp_path / "d.jsonl"
    export_jsonl(scanned, dump, include_restricted=True)
    target = make_store()
    read: list[str] = []
    checked = []

    def lines():
        from sqlalchemy import select

        with dump.open(encoding="utf-8") as f:
            for line in f:
                if read:
                    with target.engine.connect() as conn:
                        stored = set(conn.execute(select(originals.c.sha256)
                                                  .where(originals.c.sha256.in_(read))).scalars())
                    assert stored == set(read)
                    checked.append(len(read))
                row = json.loads(line)
                if row["table"] in ("image", "original"):
                    read.append(row["sha256"])
                yield line

    import_jsonl(target, lines())
    png = scanned.get_record(scanned.ids["png"])
    shas = {scanned.get_record(rid, include_restricted=True).sha256 for rid in scanned.record_ids(include_restricted=True)}
    assert png.sha256 in read and len(read) == 4 + len(shas)  # two records are the same PAGE XML
    assert checked and max(checked) == len(read)


def test_imported_archive_answers_iiif_as_the_original(scanned, tmp_path, make_store):
    dump = tmp_path / "d.jsonl"
    export_jsonl(scanned, dump, include_restricted=True)
    target = make_store()
    import_jsonl(target, dump)
    before, after = iiif_client(scanned), iiif_client(target)
    answered = 0
    for key in ("page_xml", "alto", "tiff", "png"):
        rid = scanned.ids[key]
        manifest = before.get(f"/iiif/{rid}/manifest.json")
        assert manifest.status_code == 200
        paths = [f"/iiif/{rid}/manifest.json", f"/iiif/{rid}/facsimile"]
        for canvas in manifest.json()["items"]:
            body = canvas["items"][0]["items"][0]["body"]
            paths.append("/" + body["id"].split("://", 1)[1].split("/", 1)[1])
            paths.append("/" + body["service"][0]["id"].split("://", 1)[1].split("/", 1)[1] + "/info.json")
        for path in paths:
            a, b = before.get(path), after.get(path)
            assert (b.status_code, b.headers["content-type"], b.content) == (200, a.headers["content-type"], a.content), path
            answered += 1
        for page, stored in zip(manifest.json()["items"], _pages(scanned, rid)):
            image = after.get("/" + page["items"][0]["items"][0]["body"]["id"].split("://", 1)[1].split("/", 1)[1])
            assert digest(image.content) == stored.image_sha256
    assert answered == 4 * 2 + 5 * 2
    rid = scanned.ids["restricted"]  # still nothing for a reader, in either archive
    for path in (f"/iiif/{rid}/manifest.json", f"/iiif/{rid}/0/info.json", f"/iiif/{rid}/0/full/max/0/default.png"):
        assert before.get(path).status_code == after.get(path).status_code == 404


def test_version_2_dump_imports_and_a_newer_one_brings_the_pages(scanned, tmp_path, make_store):
    dump = tmp_path / "v3.jsonl"
    export_jsonl(scanned, dump, include_restricted=True)
    rows = _lines(dump)
    old = _write(tmp_path / "v2.jsonl", [{**r, "version": 2} if r["table"] == "header" else r
                                         for r in rows if r["table"] not in ("page", "image")])
    target = make_store()
    n = len(scanned.record_ids(include_restricted=True))
    assert import_jsonl(target, old) == {"added": n, "updated": 0, "unchanged": 0}
    assert target.record_ids(include_restricted=True) == scanned.record_ids(include_restricted=True)
    assert all(_pages(target, rid) == [] for rid in target.record_ids(include_restricted=True))
    assert iiif_client(target).get(f"/iiif/{scanned.ids['page_xml']}/0/full/max/0/default.png").status_code == 404
    # the same archive dumped by this version: nothing to save, but the pages come in
    assert import_jsonl(target, dump)["unchanged"] == n
    for rid in scanned.record_ids(include_restricted=True):
        assert _pages(target, rid) == _pages(scanned, rid)
    again = tmp_path / "again.jsonl"
    export_jsonl(target, again, include_restricted=True)
    assert again.read_bytes() == dump.read_bytes()


def _bytes_changed(row):
    data = bytearray(base64.b64decode(row["bytes"]))
    data[len(data) // 2] ^= 0xFF
    row["bytes"] = base64.b64encode(bytes(data)).decode("ascii")


def _not_base64(row):
    row["bytes"] = row["bytes"][:100] + "%%%" + row["bytes"][100:]


def _cut_short(row):
    row["bytes"] = row["bytes"][:-400]


def _left_out(row):
    row["table"] = "dropped"


@pytest.mark.parametrize("damage", [_bytes_changed, _not_base64, _cut_short, _left_out],
                         ids=lambda f: f.__name__.strip("_"))
def test_damaged_image_stops_the_import_naming_the_record(scanned, tmp_path, make_store, damage):
    dump = tmp_path / "d.jsonl"
    export_jsonl(scanned, dump, include_restricted=True)
    rows = _lines(dump)
    at = max(i for i, r in enumerate(rows) if r["table"] == "image")  # the last record with an image
    damaged = rows[at]["record_id"]
    damage(rows[at])
    rows = [r for r in rows if r["table"] != "dropped"]
    bad = _write(tmp_path / "bad.jsonl", rows)
    record_order = [r["id"] for r in rows if r["table"] == "record"]
    target = make_store()
    with pytest.raises(ValueError) as caught:
        import_jsonl(target, bad)
    message = str(caught.value)
    assert damaged in message and "\n" not in message
    assert "image" in message
    # as with any damage, the records before it are in, it and those after are not
    assert target.record_ids(include_restricted=True) == sorted(record_order[:record_order.index(damaged)])


def test_damaged_original_stops_the_import_before_any_record(scanned, tmp_path, make_store):
    dump = tmp_path / "d.jsonl"
    export_jsonl(scanned, dump, include_restricted=True)
    rows = _lines(dump)
    png = scanned.get_record(scanned.ids["png"])
    original = next(r for r in rows if r["table"] == "original" and r["sha256"] == png.sha256)
    _bytes_changed(original)
    target = make_store()
    with pytest.raises(ValueError, match=f"original {png.sha256} is damaged"):
        import_jsonl(target, _write(tmp_path / "bad.jsonl", rows))
    assert target.record_ids(include_restricted=True) == []


def test_the_command_line_says_it_in_one_line(scanned, tmp_path, make_store):
    dump = tmp_path / "d.jsonl"
    export_jsonl(scanned, dump, include_restricted=True)
    rows = _lines(dump)
    image = next(r for r in rows if r["table"] == "image")
    _bytes_changed(image)
    bad = _write(tmp_path / "bad.jsonl", rows)
    target = make_store()
    url = target.engine.url.render_as_string(hide_password=False)
    proc = subprocess.run([sys.executable, "-m", "opis", "import", str(bad), "--db", url],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error record " + image["record_id"]), proc.stderr
    assert "Traceback" not in proc.stderr
