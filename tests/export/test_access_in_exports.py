"""Exports carry access with them: a JSONL dump moves embargo dates and collection settings
to the next database, importing never opens a record up, and TEI says when a record is
under embargo (still valid against tei_all)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path

import pytest
from lxml import etree

from opis.access.policy import ADMIN, Viewer
from opis.export.dump import export_csv, export_jsonl, import_jsonl
from opis.export.tei import TEI_NS, export_tei, tei_bytes
from opis.export.tei_import import tei_to_record
from opis.ingest.build import build_record
from opis.ingest.runner import ingest_paths
from opis.model import PUBLIC, RESTRICTED, record_id
from opis.review import service

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "104_ulbricht_letter_1953.txt"
ADMIN_VIEWER = Viewer("archivist", ADMIN)
NS = {"tei": TEI_NS}

# one small transcription per collection, each a file of its own
NOTES = {
    "open": "Записка о ремонте архивного здания, 4 мая 1954 г. Завхоз Р. Лопатин.\n",
    "sealed": "Справка о передаче фонда на хранение, 9 июля 1954 г. Хранитель С. Засовкин.\n",
    "later": "Опись дел отдела печати, 1 октября 1954 г. Составитель Т. Отсрочкина.\n",
}


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def source(tmp_path, make_store):
    """`open` has a public note and one under embargo until 2099; `sealed` is a restricted
    collection; `later` is a collection under embargo until 2090."""
    store = make_store()
    for collection, text in NOTES.items():
        folder = tmp_path / collection
        folder.mkdir()
        (folder / f"{collection}.txt").write_text(text, encoding="utf-8")
        assert not ingest_paths([folder], store, collection=collection).failed
    (tmp_path / "open" / "embargoed.txt").write_text("Донесение о переговорах, 2 марта 1955 г. Посол Ф. Тайнов.\n",
                                                    encoding="utf-8")
    assert not ingest_paths([tmp_path / "open" / "embargoed.txt"], store, collection="open").failed
    service.set_access(store, ADMIN_VIEWER, record_id("open", "embargoed.txt"), PUBLIC, "2099-01-01")
    service.set_collection_access(store, ADMIN_VIEWER, "sealed", RESTRICTED)
    service.set_collection_access(store, ADMIN_VIEWER, "later", PUBLIC, "2090-06-30")
    return store


def test_dump_carries_embargo_and_collection_access(source, tmp_path, make_store, make_database_url):
    dump = tmp_path / "all.jsonl"
    assert export_jsonl(source, dump, include_restricted=True) == 4
    rows = _lines(dump)
    assert rows[0]["version"] == 3
    assert {r["name"]: (r["visibility"], r["embargo_until"]) for r in rows if r["table"] == "collection"} == {
        "sealed": (RESTRICTED, None), "later": (PUBLIC, "2090-06-30")}
    first_record = next(i for i, r in enumerate(rows) if r["table"] == "record")
    assert all(r["table"] != "collection" for r in rows[first_record:])
    embargoed = next(r for r in rows if r["table"] == "record" and r["source_name"] == "embargoed.txt")
    assert embargoed["embargo_until"] == "2099-01-01"

    target = make_store(make_database_url("access_copy"))
    import_jsonl(target, dump)
    # readers of the copy see exactly what readers of the source see
    assert target.record_ids() == source.record_ids() == [record_id("open", "open.txt")]
    assert target.get_record(record_id("open", "embargoed.txt"), include_restricted=True).embargo_until == "2099-01-01"
    again = tmp_path / "again.jsonl"
    export_jsonl(target, again, include_restricted=True)
    assert again.read_bytes() == dump.read_bytes()


def test_reader_dump_names_no_closed_collection(source, tmp_path):
    dump = tmp_path / "public.jsonl"
    assert export_jsonl(source, dump) == 1
    text = dump.read_text(encoding="utf-8")
    for word in ("sealed", "later", "Засовкин", "Отсрочкина", "Тайнов", record_id("open", "embargoed.txt")):
        assert word not in text
    csv_dir = tmp_path / "csv"
    export_csv(source, csv_dir)
    assert "sealed" not in (csv_dir / "collections.csv").read_text(encoding="utf-8-sig")
    assert "Засовкин" not in "".join(p.read_text(encoding="utf-8-sig") for p in csv_dir.glob("*.csv"))


def test_import_never_opens_a_record_up(source, tmp_path, make_store, make_database_url):
    """The dump is stricter than the database it goes into: same bytes (nothing to save)
    or not, the stricter access wins; and a looser dump leaves a closed record closed."""
    dump = tmp_path / "all.jsonl"
    export_jsonl(source, dump, include_restricted=True)
    rows = _lines(dump)
    # a database that already holds the same files, all public
    other = make_store(make_database_url("access_other"))
    for collection in NOTES:
        ingest_paths([tmp_path / collection], other, collection=collection)
    assert len(other.record_ids()) == 4
    counts = import_jsonl(other, dump)
    assert counts["unchanged"] == 4
    assert other.record_ids() == [record_id("open", "open.txt")]
    # a dump that says everything is public changes nothing now
    loose = tmp_path / "loose.jsonl"
    with loose.open("w", encoding="utf-8") as f:
        for r in rows:
            if r["table"] == "collection":
                r.update(visibility=PUBLIC, embargo_until=None)
            if r["table"] == "record":
                r.update(visibility=PUBLIC, embargo_until=None)
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    import_jsonl(other, loose)
    assert other.record_ids() == [record_id("open", "open.txt")]


def test_version_1_dumps_still_import(source, tmp_path, make_store, make_database_url):
    dump = tmp_path / "all.jsonl"
    export_jsonl(source, dump, include_restricted=True)
    old = tmp_path / "v1.jsonl"
    with old.open("w", encoding="utf-8") as f:
        for r in _lines(dump):
            if r["table"] == "collection":
                continue
            if r["table"] == "header":
                r["version"] = 1
            r.pop("embargo_until", None)
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    target = make_store(make_database_url("access_v1"))
    assert import_jsonl(target, old)["added"] == 4


def test_tei_of_an_embargoed_record_says_until_when(tei_schema):
    record = copy.deepcopy(build_record(EXAMPLE))
    record.embargo_until = "2099-01-01"
    data = tei_bytes(record)
    assert tei_schema.validate(etree.fromstring(data)), str(tei_schema.error_log)[:2000]
    root = etree.fromstring(data)
    assert root.xpath("//tei:availability/@status", namespaces=NS) == ["restricted"]
    assert root.xpath("//tei:availability//tei:date[@type='embargo']/@when", namespaces=NS) == ["2099-01-01"]
    # read back, an embargoed record is embargoed until the same day, no more open than it was
    back = tei_to_record(data)
    assert (back.visibility, back.embargo_until) == (PUBLIC, "2099-01-01")
    assert tei_bytes(back) == data
    record.visibility = RESTRICTED  # restricted and embargoed: restricted after the day too
    data = tei_bytes(record)
    back = tei_to_record(data)
    assert (back.visibility, back.embargo_until) == (RESTRICTED, "2099-01-01")
    assert tei_bytes(back) == data
    with pytest.raises(ValueError, match="embargo date"):
        tei_to_record(data.replace(b'when="2099-01-01"', b'when="2099-02-30"'))
    record.visibility = PUBLIC

    record.embargo_until = "2001-05-09"  # over: the record is free, and the date is told
    data = tei_bytes(record)
    assert tei_schema.validate(etree.fromstring(data)), str(tei_schema.error_log)[:2000]
    root = etree.fromstring(data)
    assert root.xpath("//tei:availability/@status", namespaces=NS) == ["free"]
    assert "ended" in "".join(root.xpath("//tei:availability//text()", namespaces=NS))
    back = tei_to_record(data)
    assert (back.visibility, back.embargo_until) == (PUBLIC, "2001-05-09")
    assert tei_bytes(back) == data


def test_tei_export_describes_the_collection_access(source, tmp_path, tei_schema):
    paths = {p.stem: p for p in export_tei(source, tmp_path / "tei", include_restricted=True)}
    status = {}
    for stem, path in paths.items():
        root = etree.parse(str(path)).getroot()
        assert tei_schema.validate(root), str(tei_schema.error_log)[:2000]
        status[stem] = (root.xpath("string(//tei:availability/@status)", namespaces=NS),
                        root.xpath("string(//tei:availability//tei:date/@when)", namespaces=NS))
    assert status == {
        record_id("open", "open.txt"): ("free", ""),
        record_id("open", "embargoed.txt"): ("restricted", "2099-01-01"),
        record_id("sealed", "sealed.txt"): ("restricted", ""),
        record_id("later", "later.txt"): ("restricted", "2090-06-30"),
    }
    assert sorted(p.stem for p in export_tei(source, tmp_path / "public")) == [record_id("open", "open.txt")]


# --- page images of scanned records -------------------------------------------------------

@pytest.fixture
def scans(tmp_path, make_store):
    """A scan of each kind of access, each with its own rendered page image: public,
    restricted, under embargo until 2099, deleted, in a restricted collection, in a
    collection under embargo until 2090."""
    from tests.export.scanned import htr_scan, ingest_one, rendered_png

    store = make_store()
    ids = {}
    for seed, (name, collection) in enumerate((("public", "open"), ("restricted", "open"), ("embargoed", "open"),
                                               ("deleted", "open"), ("sealed", "sealed"), ("later", "later"))):
        path = htr_scan(tmp_path / name, rendered_png(seed), name=f"{name}.xml")
        ids[name] = ingest_one(store, path, collection=collection)
    service.set_access(store, ADMIN_VIEWER, ids["restricted"], RESTRICTED)
    service.set_access(store, ADMIN_VIEWER, ids["embargoed"], PUBLIC, "2099-01-01")
    service.delete_record(store, ADMIN_VIEWER, ids["deleted"])
    service.set_collection_access(store, ADMIN_VIEWER, "sealed", RESTRICTED)
    service.set_collection_access(store, ADMIN_VIEWER, "later", PUBLIC, "2090-06-30")
    store.ids = ids
    return store


def _images(store, rid):
    from opis.scan.store import load_pages

    return [p.image for p in load_pages(store, rid, include_restricted=True, with_images=True)]


def test_reader_dump_carries_no_image_a_reader_may_not_see(scans, tmp_path, make_store, make_database_url):
    from uuid import uuid4

    from tests.export.scanned import iiif_client

    images = {name: _images(scans, rid)[0] for name, rid in scans.ids.items() if name != "deleted"}
    with scans.engine.connect() as conn:  # the deleted record's image is stored, only hidden
        from sqlalchemy import select

        from opis.store.schema import originals, pages

        deleted_sha = conn.execute(select(pages.c.image_sha256).where(pages.c.record_id == scans.ids["deleted"])).scalar()
        images["deleted"] = bytes(conn.execute(select(originals.c.bytes).where(originals.c.sha256 == deleted_sha)).scalar())
    assert len({bytes(v) for v in images.values()}) == 6  # six different images
    dump = tmp_path / "public.jsonl"
    assert export_jsonl(scans, dump) == 1
    text = dump.read_text(encoding="utf-8")
    rows = _lines(dump)
    assert [r["record_id"] for r in rows if r["table"] == "page"] == [scans.ids["public"]]
    for name, data in images.items():
        present = {base64.b64encode(data).decode()[1000:1200] in text, hashlib.sha256(data).hexdigest() in text}
        assert present == {name == "public"}, name
    csv_dir = tmp_path / "csv"
    export_csv(scans, csv_dir)
    csv_text = (csv_dir / "images.csv").read_text(encoding="utf-8-sig") + (csv_dir / "pages.csv").read_text(encoding="utf-8-sig")
    assert [name for name, data in images.items() if hashlib.sha256(data).hexdigest() in csv_text] == ["public"]
    # the full dump carries every image but the deleted record's
    everything = tmp_path / "all.jsonl"
    export_jsonl(scans, everything, include_restricted=True)
    full = everything.read_text(encoding="utf-8")
    assert [name for name, data in images.items() if hashlib.sha256(data).hexdigest() not in full] == ["deleted"]
    # a reader's dump moved into an empty archive shows its readers the same image
    target = make_store(make_database_url(f"reader-{uuid4().hex[:8]}"))
    import_jsonl(target, dump)
    rid = scans.ids["public"]
    a, b = iiif_client(scans), iiif_client(target)
    image = b.get(f"/iiif/{rid}/0/full/max/0/default.png")
    assert image.status_code == 200 and image.content == images["public"] == a.get(f"/iiif/{rid}/0/full/max/0/default.png").content
    assert b.get(f"/iiif/{rid}/manifest.json").json() == a.get(f"/iiif/{rid}/manifest.json").json()


# --- TEI import keeps access ---------------------------------------------------------------

@pytest.fixture
def three(tmp_path, make_store):
    """A public note, a restricted one and one under embargo until 2099, in one collection."""
    store = make_store()
    folder = tmp_path / "three"
    folder.mkdir()
    for name, text in (("public", NOTES["open"]), ("restricted", NOTES["sealed"]), ("embargoed", NOTES["later"])):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    assert not ingest_paths([folder], store, collection="three").failed
    service.set_access(store, ADMIN_VIEWER, record_id("three", "restricted.txt"), RESTRICTED)
    service.set_access(store, ADMIN_VIEWER, record_id("three", "embargoed.txt"), PUBLIC, "2099-01-01")
    return store


def _access(store) -> dict[str, tuple[str, str | None]]:
    out = {}
    for rid in store.record_ids(include_restricted=True):
        r = store.get_record(rid, include_restricted=True)
        out[r.source_name] = (r.visibility, r.embargo_until)
    return out


EXPECTED = {"public.txt": (PUBLIC, None), "restricted.txt": (RESTRICTED, None), "embargoed.txt": (PUBLIC, "2099-01-01")}


def _another(make_store, make_database_url):
    """A second archive beside the test's own (`make_store()` alone opens the same one)."""
    from uuid import uuid4

    return make_store(make_database_url(f"tei-access-{uuid4().hex[:8]}"))


def test_tei_round_trip_keeps_public_restricted_and_embargoed(three, tmp_path, make_store, make_database_url):
    from opis.export.tei_import import import_tei

    assert _access(three) == EXPECTED
    paths = export_tei(three, tmp_path / "tei", include_restricted=True)
    target = _another(make_store, make_database_url)
    assert import_tei(target, paths) == {"added": 3, "updated": 0, "unchanged": 0}
    assert _access(target) == EXPECTED
    assert target.record_ids() == three.record_ids() == [record_id("three", "public.txt")]
    for path in paths:  # and the TEI of the copy is the same file
        assert tei_bytes(target.get_record(path.stem, include_restricted=True)) == path.read_bytes()


def test_tei_import_never_opens_a_stored_record_up(three, tmp_path, make_store, make_database_url):
    """Into an archive that holds the same notes: where it is stricter it stays so, whether
    the file brings new bytes or not; where the file is stricter, the file wins."""
    from opis.export.tei_import import import_tei

    paths = {p.stem: p for p in export_tei(three, tmp_path / "tei", include_restricted=True)}
    other = _another(make_store, make_database_url)
    folder = tmp_path / "three"
    assert not ingest_paths([folder], other, collection="three").failed  # same bytes, all public
    assert set(_access(other).values()) == {(PUBLIC, None)}
    # stricter here: the public note restricted, the embargoed one until later
    service.set_access(other, ADMIN_VIEWER, record_id("three", "public.txt"), RESTRICTED)
    import_tei(other, [paths[record_id("three", "public.txt")]])
    assert _access(other)["public.txt"] == (RESTRICTED, None)
    assert import_tei(other, list(paths.values()))["unchanged"] == 3
    assert _access(other) == {"public.txt": (RESTRICTED, None), "restricted.txt": (RESTRICTED, None),
                              "embargoed.txt": (PUBLIC, "2099-01-01")}
    service.set_access(other, ADMIN_VIEWER, record_id("three", "embargoed.txt"), PUBLIC, "2120-01-01")
    # new bytes in the stored copy: the file's record is saved over it, and still not looser
    (folder / "embargoed.txt").write_text(NOTES["later"] + "Второй экземпляр.\n", encoding="utf-8")
    assert ingest_paths([folder / "embargoed.txt"], other, collection="three").count("updated") == 1
    assert import_tei(other, [paths[record_id("three", "embargoed.txt")]])["updated"] == 1
    assert _access(other)["embargoed.txt"] == (PUBLIC, "2120-01-01")
