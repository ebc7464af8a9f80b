"""Dumps: JSONL → empty database → JSONL is the same file; CSV likewise; restricted stays out."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from opis.export.dump import export_csv, export_jsonl, import_jsonl
from opis.ingest.runner import ingest_paths
from opis.model import Value
from opis.store.repository import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def source_db(tmp_path_factory, make_database_url) -> Store:
    """Examples, a second version of one file, a human correction, restricted records."""
    tmp = tmp_path_factory.mktemp("dump")
    store = Store.open(make_database_url("dump"))
    ingest_paths([EXAMPLES], store)
    work = tmp / "edited"
    work.mkdir()
    target = work / "104_ulbricht_letter_1953.txt"
    shutil.copy(EXAMPLES / target.name, target)
    ingest_paths([work], store, collection="edits")
    target.write_bytes(target.read_bytes() + "\n\n[Второй вариант расшифровки]\n".encode())
    assert ingest_paths([work], store, collection="edits").count("updated") == 1
    secret = tmp / "secret"
    secret.mkdir()
    shutil.copy(EXAMPLES / "110_puzanov_telegram_1957.txt", secret / "secret_puzanov.txt")
    ingest_paths([secret], store, visibility="restricted")
    rid = store.record_ids()[0]
    record = store.get_record(rid)
    record.documents[0].values.append(Value("title_en", "A title an editor wrote", origin="human",
                                            method="editor"))
    record.original += b"\n"  # a new version so the store writes it
    record.text += "\n"
    assert store.save_record(record) == "updated"
    yield store
    store.close()


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_dump_import_dump_is_identical(source_db, tmp_path, make_store):
    first = tmp_path / "first.jsonl"
    n = export_jsonl(source_db, first, include_restricted=True)
    assert n == source_db.count_records(include_restricted=True)
    target = make_store()
    counts = import_jsonl(target, first)
    assert counts == {"added": n, "updated": 0, "unchanged": 0}
    second = tmp_path / "second.jsonl"
    export_jsonl(target, second, include_restricted=True)
    assert second.read_bytes() == first.read_bytes()
    # the copy is a working archive: same records, same versions, searchable text
    for rid in source_db.record_ids(include_restricted=True):
        a = source_db.get_record(rid, include_restricted=True)
        b = target.get_record(rid, include_restricted=True)
        assert (a.original, a.text, a.metadata, a.visibility) == (b.original, b.text, b.metadata, b.visibility)
        assert [d.values for d in a.documents] == [d.values for d in b.documents]
        assert [d.mentions for d in a.documents] == [d.mentions for d in b.documents]
        assert source_db.versions(rid, include_restricted=True) == target.versions(rid, include_restricted=True)
    # importing again changes nothing
    assert import_jsonl(target, first) == {"added": 0, "updated": 0, "unchanged": n}
    third = tmp_path / "third.jsonl"
    export_jsonl(target, third, include_restricted=True)
    assert third.read_bytes() == first.read_bytes()
    target.close()


def test_dump_holds_every_version_and_the_originals(source_db, tmp_path):
    out = tmp_path / "d.jsonl"
    export_jsonl(source_db, out, include_restricted=True)
    rows = _lines(out)
    assert rows[0] == {"format": "opis-dump", "table": "header", "version": 3}
    originals = {r["sha256"]: base64.b64decode(r["bytes"]) for r in rows if r["table"] == "original"}
    edited = next(r for r in rows if r["table"] == "record" and r["collection"] == "edits")
    versions = [r for r in rows if r["table"] == "version" and r["record_id"] == edited["id"]]
    assert len(versions) == 2
    assert all(v["sha256"] in originals for v in versions)
    assert originals[edited["sha256"]].endswith("[Второй вариант расшифровки]\n".encode())
    kinds = {r["table"] for r in rows}
    assert kinds == {"header", "original", "record", "version", "document", "layer", "value", "mention", "event"}
    human = [r for r in rows if r["table"] == "value" and r["origin"] == "human"]
    assert [h["value"] for h in human] == ["A title an editor wrote"]


def test_restricted_records_only_on_request(source_db, tmp_path):
    public, everything = tmp_path / "public.jsonl", tmp_path / "all.jsonl"
    n_public = export_jsonl(source_db, public)
    n_all = export_jsonl(source_db, everything, include_restricted=True)
    assert n_public == source_db.count_records() == n_all - 1
    hidden = set(source_db.record_ids(include_restricted=True)) - set(source_db.record_ids())
    text = public.read_text(encoding="utf-8")
    for rid in hidden:
        assert rid not in text
    secret = source_db.get_record(next(iter(hidden)), include_restricted=True)
    assert base64.b64encode(secret.original).decode() in everything.read_text(encoding="utf-8")
    # the public dump's originals are exactly those of public records: the restricted copy
    # of 110 has its own bytes only when no public record shares them
    shas = {r["sha256"] for r in _lines(public) if r["table"] == "original"}
    public_shas = {source_db.get_record(rid).sha256 for rid in source_db.record_ids()}
    assert public_shas <= shas
    assert not [r for r in _lines(public) if r["table"] == "record" and r["visibility"] != "public"]


def test_csv_per_table_and_identical_after_import(source_db, tmp_path, make_store):
    first = export_csv(source_db, tmp_path / "csv1", include_restricted=True)
    assert [p.name for p in first] == ["records.csv", "versions.csv", "originals.csv", "documents.csv",
                                       "layers.csv", "values.csv", "mentions.csv", "collections.csv",
                                       "corrections.csv", "merges.csv", "events.csv", "pages.csv",
                                       "images.csv"]
    import csv

    with open(tmp_path / "csv1" / "records.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == source_db.count_records(include_restricted=True)
    assert json.loads(rows[0]["metadata"]) is not None
    dump = tmp_path / "d.jsonl"
    export_jsonl(source_db, dump, include_restricted=True)
    target = make_store()
    import_jsonl(target, dump)
    second = export_csv(target, tmp_path / "csv2", include_restricted=True)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    target.close()


def test_import_refuses_other_files(tmp_path, make_store):
    store = make_store()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"table": "header", "format": "something-else", "version": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError):
        import_jsonl(store, bad)
    bad.write_text('{"table": "header", "format": "opis-dump", "version": 1}\n{"table": "document"}\n',
                   encoding="utf-8")
    with pytest.raises(ValueError):
        import_jsonl(store, bad)
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(ValueError):
        import_jsonl(store, bad)
    assert store.count_records(include_restricted=True) == 0
    store.close()


def test_tei_files_of_a_store_import_into_another(source_db, tmp_path, make_store):
    from opis.export.tei import export_tei, tei_bytes
    from opis.export.tei_import import TEIImportError, import_tei

    paths = export_tei(source_db, tmp_path / "tei")
    assert len(paths) == source_db.count_records()
    target = make_store()
    assert import_tei(target, paths) == {"added": len(paths), "updated": 0, "unchanged": 0}
    assert sorted(target.record_ids()) == sorted(source_db.record_ids())
    for path in paths:
        rid = path.stem
        assert tei_bytes(target.get_record(rid)) == path.read_bytes()
    assert import_tei(target, paths)["unchanged"] == len(paths)
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"<not-tei/>")
    with pytest.raises(TEIImportError, match="junk.xml"):
        import_tei(target, [junk])
    target.close()


def test_a_full_dump_moves_corrections_merges_and_history(source_db, tmp_path, make_store, make_database_url):
    from uuid import uuid4

    from opis.access.policy import Viewer
    from opis.review import service

    editor, admin = Viewer("vera", "editor"), Viewer("anna", "admin")
    start = tmp_path / "start.jsonl"
    export_jsonl(source_db, start, include_restricted=True)
    source = make_store()  # a copy to edit: source_db is shared by this module's tests
    import_jsonl(source, start)
    rid = source.record_ids()[0]
    service.correct_field(source, editor, rid, 1, "date", "1956-09-24")
    person = next(m for d in source.get_record(rid).documents for m in d.mentions if m.type == "PER")
    service.merge_entities(source, editor, "PER", person.name, "Сталин")
    service.set_collection_access(source, admin, "elsewhere", "restricted")
    first = tmp_path / "full.jsonl"
    export_jsonl(source, first, include_restricted=True)
    kinds = [json.loads(line)["table"] for line in first.read_text(encoding="utf-8").splitlines()]
    assert {"correction", "merge", "event"} <= set(kinds)
    target = make_store(make_database_url(f"full-{uuid4().hex[:8]}"))
    import_jsonl(target, first)
    second = tmp_path / "again.jsonl"
    export_jsonl(target, second, include_restricted=True)
    assert second.read_bytes() == first.read_bytes()
    # the correction is a decision in the new archive too: extraction there keeps it
    service.rerun_extraction(target, editor, rid)
    assert target.get_record(rid).documents[0].first("date").value["iso"] == "1956-09-24"
    old_history = [(e["actor"], e["action"], e["target"]) for e in service.history(source, rid)]
    assert [(e["actor"], e["action"], e["target"]) for e in service.history(target, rid)][:-1] == old_history
    # a reader's dump carries no history (the admin who closed a collection is not named)
    public = tmp_path / "public.jsonl"
    export_jsonl(source, public)
    text = public.read_text(encoding="utf-8")
    assert '"table": "event"' not in text and '"table": "merge"' not in text and "anna" not in text
    fresh = make_store(make_database_url(f"public-{uuid4().hex[:8]}"))
    import_jsonl(fresh, public)
    assert [e["action"] for e in service.history(fresh, rid)] == ["import"]
