"""Exports carry access with them: a JSONL dump moves embargo dates and collection settings
to the next database, importing never opens a record up, and TEI says when a record is
under embargo (still valid against tei_all)."""

from __future__ import annotations

import copy
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
    assert rows[0]["version"] == 2
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
    # read back, an embargoed record is never more open than it was
    assert tei_to_record(data).visibility == RESTRICTED

    record.embargo_until = "2001-05-09"  # over: the record is free, and the date is told
    data = tei_bytes(record)
    assert tei_schema.validate(etree.fromstring(data)), str(tei_schema.error_log)[:2000]
    root = etree.fromstring(data)
    assert root.xpath("//tei:availability/@status", namespaces=NS) == ["free"]
    assert "ended" in "".join(root.xpath("//tei:availability//text()", namespaces=NS))


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
