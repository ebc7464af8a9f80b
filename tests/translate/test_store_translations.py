"""Translations in the store: an archive from before `paragraphs.layer` catches up, and a
dump keeps translations and their alignment."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from tests.support.oldschema import save_as_before_0004

from opis.export.dump import export_jsonl, import_jsonl
from opis.ingest.build import build_record
from opis.ingest.runner import ingest_paths
from opis.search.engine import search
from opis.store import migrate
from opis.store.repository import Store, make_engine
from opis.store.schema import paragraphs
from opis.translate.layers import alignment, translation

PAIR = Path(__file__).resolve().parents[2] / "tests" / "gold" / "parallel" / "05_trade_delegation_report_1958"


def _pair(folder: Path) -> Path:
    folder.mkdir()
    for suffix in (".txt", ".en.txt"):
        shutil.copy(PAIR.with_name(PAIR.name + suffix), folder / (PAIR.name + suffix))
    return folder


def test_paragraphs_stored_before_0004_are_of_the_reading_layer(blank_database_url, tmp_path):
    migrate.upgrade(blank_database_url, "0003")
    alone = tmp_path / "alone.txt"
    alone.write_text("Секретно\n\nТоварищу Громыко А.А.\n\nТекст записки о вольфраме.\n", encoding="utf-8")
    engine = make_engine(blank_database_url)
    try:
        with engine.begin() as conn:  # written as the store of revision 0003 wrote it
            save_as_before_0004(conn, build_record(alone, enrich=False))
    finally:
        engine.dispose()
    with Store.open(blank_database_url) as store:
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            assert set(conn.execute(select(paragraphs.c.layer)).scalars()) == {"reading"}
        assert ingest_paths([_pair(tmp_path / "pair")], store, steps=()).count("added") == 1
        assert search(store, "tungsten").total == 1 and search(store, "вольфрам").total == 2


def test_a_dump_keeps_translations_and_alignment(store, make_database_url, tmp_path):
    ingest_paths([_pair(tmp_path / "pair")], store, steps=())
    rid = store.record_ids()[0]
    before = store.get_record(rid)
    dump = tmp_path / "dump.jsonl"
    export_jsonl(store, dump)
    with Store.open(make_database_url("translation-dump")) as other:
        import_jsonl(other, dump)
        doc = other.get_record(rid).documents[0]
        layer = translation(doc, "en")
        assert alignment(doc, layer) == alignment(before.documents[0], translation(before.documents[0], "en"))
        assert ((4, 5), (4,)) in alignment(doc, layer)
        assert search(other, "lorries").total == 1
