"""Editors' corrections, history, access and deletion, on a real store (both backends)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from opis.access.policy import ANONYMOUS, Viewer
from opis.ingest.build import build_record
from opis.ingest.runner import ingest_paths
from opis.review import service
from opis.review.corrections import CorrectionError
from opis.store.schema import originals

EDITOR = Viewer("vera", "editor")
ADMIN = Viewer("anna", "admin")
READER = Viewer("ivan", "reader")


@pytest.fixture
def telegram(tmp_path, seed001, store):
    """The Mikoyan telegram, ingested from a folder of its own (so it can be changed)."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / seed001.name
    shutil.copy(seed001, path)
    ingest_paths([folder], store)
    rid = build_record(path, folder, enrich=False).id
    return store, rid, folder, path


def _authors(store, rid, **kw):
    doc = store.get_record(rid, include_restricted=True, **kw).documents[0]
    return [(v.value["name"] if v.value else None, v.origin) for v in doc.all("author")]


def test_a_correction_is_kept_beside_the_machine_value_and_survives_every_rerun(telegram):
    store, rid, folder, path = telegram
    assert _authors(store, rid) == [("Микоян", "machine")]
    ev = service.correct_field(store, EDITOR, rid, 1, "author", "Хрущев")
    assert ev["old"]["values"][0]["name"] == "Микоян" and ev["new"]["values"][0]["name_en"] == "Nikita Khrushchev"
    assert _authors(store, rid) == [("Микоян", "machine"), ("Хрущев", "human")]
    assert store.get_record(rid).documents[0].first("author").value["name"] == "Хрущев"
    service.rerun_extraction(store, EDITOR, rid)
    assert _authors(store, rid) == [("Микоян", "machine"), ("Хрущев", "human")]
    # a new version of the file: extraction runs on it, the editor's decision stands
    path.write_text(path.read_text(encoding="utf-8") + "\nПометка архива: сверено.\n", encoding="utf-8")
    assert ingest_paths([folder], store).count("updated") == 1
    assert _authors(store, rid) == [("Микоян", "machine"), ("Хрущев", "human")]
    actions = [e["action"] for e in service.history(store, rid)]
    assert actions == ["ingest", "correct", "extract", "update"]


def test_the_facets_follow_the_correction(telegram):
    from opis.search.engine import search

    store, rid, _, _ = telegram
    service.correct_field(store, EDITOR, rid, 1, "doc_type", "letter")
    service.correct_field(store, EDITOR, rid, 1, "date", "1956-09-24")
    hits = search(store, None, filters={"doc_type": ["letter"]}).hits
    assert [(h.record_id, h.date) for h in hits] == [(rid, "1956-09-24")]
    with pytest.raises(CorrectionError, match="real date"):
        service.correct_field(store, EDITOR, rid, 1, "date", "1956-02-30")
    with pytest.raises(CorrectionError, match="field must be"):
        service.correct_field(store, EDITOR, rid, 1, "text", "anything")


def test_withdrawing_and_reverting_are_events_too(telegram):
    store, rid, _, _ = telegram
    service.correct_field(store, EDITOR, rid, 1, "author", "Хрущев")
    service.correct_field(store, EDITOR, rid, 1, "author", "Булганин")
    second = service.history(store, rid)[-1]
    service.revert_event(store, EDITOR, second["id"])  # back to Хрущев
    assert _authors(store, rid)[-1] == ("Хрущев", "human")
    service.withdraw_correction(store, EDITOR, rid, 1, "author")
    assert _authors(store, rid) == [("Микоян", "machine")]
    assert [e["action"] for e in service.history(store, rid)][1:] == ["correct", "correct", "correct", "withdraw"]


def test_readers_may_not_change_anything(telegram):
    store, rid, _, _ = telegram
    for who in (ANONYMOUS, READER):
        with pytest.raises(PermissionError):
            service.correct_field(store, who, rid, 1, "author", "Хрущев")
    with pytest.raises(PermissionError):
        service.set_collection_access(store, EDITOR, "default", "restricted")
    assert _authors(store, rid) == [("Микоян", "machine")]


def test_the_history_refuses_updates_and_deletes_in_the_database_itself(telegram):
    store, rid, _, _ = telegram
    for sql in ("UPDATE events SET actor = 'someone else'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(text(sql))
    assert service.history(store, rid)[0]["actor"] == service.MACHINE


def test_mention_and_ocr_decisions_stand_after_extraction_runs_again(telegram):
    store, rid, _, _ = telegram
    doc = store.get_record(rid).documents[0]
    kim = next(m for m in doc.mentions if m.authority_id and "kim" in m.authority_id)
    key = f"{kim.layer}:{kim.start}-{kim.end}"
    service.decide_mention(store, EDITOR, rid, 1, key, "reject")
    suspect = next(s for s in doc.reading.spans if s.kind == "ocr_suspect")
    skey = f"{suspect.start}-{suspect.end}"
    service.decide_suspect(store, EDITOR, rid, 1, skey, "accept", "Микоян")
    service.rerun_extraction(store, EDITOR, rid)
    doc = store.get_record(rid).documents[0]
    m = next(m for m in doc.mentions if (m.start, m.end) == (kim.start, kim.end))
    assert m.authority_id is None and m.name == m.as_written and m.method == "editor:vera"
    s = next(s for s in doc.reading.spans if s.kind == "ocr_suspect" and (s.start, s.end) == (suspect.start, suspect.end))
    assert s.attrs["decision"] == "accept" and s.attrs["reading"] == "Микоян"


def test_a_merge_applies_to_stored_and_later_records(telegram, seed000):
    store, rid, _, _ = telegram
    doc = store.get_record(rid).documents[0]
    person = next(m for m in doc.mentions if m.type == "PER")
    n = service.merge_entities(store, EDITOR, "PER", person.name, "Сталин")
    assert n >= 1
    after = store.get_record(rid).documents[0]
    assert all(m.name == "Сталин" for m in after.mentions if (m.start, m.end) == (person.start, person.end))
    service.rerun_extraction(store, EDITOR, rid)  # the merge is laid over new extraction too
    again = store.get_record(rid).documents[0]
    assert [m.authority_id for m in again.mentions if (m.start, m.end) == (person.start, person.end)] \
        == [after.mentions[[(x.start, x.end) for x in after.mentions].index((person.start, person.end))].authority_id]


def test_embargo_hides_until_its_day_and_collections_hide_their_records(telegram):
    store, rid, _, _ = telegram
    service.set_access(store, EDITOR, rid, "public", "2999-01-01")
    assert store.count_records() == 0 and store.count_records(include_restricted=True) == 1
    with pytest.raises(KeyError):
        store.get_record(rid)
    service.set_access(store, EDITOR, rid, "public", "2000-01-01")  # the day has come
    assert store.get_record(rid).id == rid
    service.set_collection_access(store, ADMIN, "default", "public", "2999-01-01")
    assert store.count_records() == 0
    service.set_collection_access(store, ADMIN, "default", "restricted")
    assert store.count_records() == 0
    service.set_collection_access(store, ADMIN, "default", "public")
    assert store.count_records() == 1
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        service.set_access(store, EDITOR, rid, "public", "soon")


def test_ingesting_again_never_loosens_access(telegram):
    store, rid, folder, path = telegram
    service.set_access(store, EDITOR, rid, "restricted")
    path.write_text(path.read_text(encoding="utf-8") + "\nНовая пометка.\n", encoding="utf-8")
    assert ingest_paths([folder], store).count("updated") == 1
    assert store.count_records() == 0


def test_deleting_hides_from_everyone_and_only_an_admin_purges_with_confirmation(telegram):
    store, rid, _, _ = telegram
    sha = store.get_record(rid).sha256
    with pytest.raises(CorrectionError, match="delete the record first"):
        service.purge_record(store, ADMIN, rid, rid)
    service.delete_record(store, EDITOR, rid)
    with pytest.raises(KeyError):
        store.get_record(rid, include_restricted=True)
    assert store.get_record(rid, include_deleted=True).id == rid
    with pytest.raises(PermissionError):
        service.purge_record(store, EDITOR, rid, rid)
    with pytest.raises(CorrectionError, match="confirm"):
        service.purge_record(store, ADMIN, rid, "yes")
    service.purge_record(store, ADMIN, rid, rid)
    with pytest.raises(KeyError):
        store.get_record(rid, include_deleted=True)
    with store.engine.connect() as conn:
        assert conn.execute(select(originals.c.sha256).where(originals.c.sha256 == sha)).first() is None
    assert [e["action"] for e in service.history(store, rid)][-2:] == ["delete", "purge"]


def test_an_earlier_version_can_be_restored(telegram):
    store, rid, folder, path = telegram
    first = store.get_record(rid).sha256
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("Ким Ир Сен", "Ким Ир Сен (Председатель)", 1), encoding="utf-8")
    ingest_paths([folder], store)
    assert store.get_record(rid).sha256 != first
    service.restore_version(store, EDITOR, rid, first)
    assert store.get_record(rid).sha256 == first
    assert [sha for sha, _ in store.versions(rid)][0] == first and len(store.versions(rid)) == 2


def test_the_review_queue_puts_the_least_sure_first(telegram, seed000):
    store, rid, _, _ = telegram
    ingest_paths([seed000], store)
    queue = service.review_queue(store)
    confidences = [r["confidence"] for r in queue]
    assert len(queue) == 2 and confidences == sorted(confidences)
    service.mark_reviewed(store, EDITOR, queue[0]["id"])
    assert [r["id"] for r in service.review_queue(store)] == [queue[1]["id"]]
    assert [r["id"] for r in service.review_queue(store, include_reviewed=True)][-1] == queue[0]["id"]


def test_a_nul_in_an_editors_text_is_refused_with_a_reason(telegram):
    store, rid, _, _ = telegram
    with pytest.raises(CorrectionError, match="NUL"):
        service.correct_field(store, EDITOR, rid, 1, "author", "Хру\x00щев")
    with pytest.raises(CorrectionError, match="NUL"):
        service.merge_entities(store, EDITOR, "PER", "Ми\x00коян", "Сталин")
    assert _authors(store, rid) == [("Микоян", "machine")]


def test_opening_a_record_up_gives_it_a_new_datestamp_for_harvesters(telegram):
    from opis.store.schema import records

    store, rid, _, _ = telegram

    def stamp():
        with store.engine.connect() as conn:
            return conn.execute(select(records.c.updated_at).where(records.c.id == rid)).scalar_one()

    service.set_access(store, EDITOR, rid, "restricted")
    closed = stamp()
    service.set_access(store, EDITOR, rid, "public")
    assert stamp() > closed
    opened = stamp()
    service.set_collection_access(store, ADMIN, "default", "public")
    assert stamp() > opened


def test_an_ended_embargo_is_cleared_with_a_new_datestamp_and_an_event(telegram):
    from opis.store.schema import records

    store, rid, _, _ = telegram
    service.set_access(store, EDITOR, rid, "public", "2030-05-01")
    service.set_collection_access(store, ADMIN, "default", "public", "2030-06-01")
    with store.engine.connect() as conn:
        before = conn.execute(select(records.c.updated_at).where(records.c.id == rid)).scalar_one()
    assert service.lift_ended_embargoes(store, on="2030-04-30") == 0
    assert service.lift_ended_embargoes(store, on="2030-05-01") == 1  # the record's own
    assert service.lift_ended_embargoes(store, on="2030-06-01") == 1  # its collection's
    with store.engine.connect() as conn:
        row = conn.execute(select(records.c.updated_at, records.c.embargo_until).where(records.c.id == rid)).one()
    assert row.embargo_until is None and row.updated_at > before
    assert [e["old"] for e in service.history(store, rid) if e["action"] == "embargo.ended"] == \
        [{"embargo_until": "2030-05-01"}]
