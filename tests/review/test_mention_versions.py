"""An editor's decision on a name mention follows its words into a new version of the file.

Real store (both backends), real pipeline (natasha, the authority file): a telegram of our
own naming Микоян and Ким Ир Сен several times, beside the seed 001 that names them too.
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from opis.access.policy import Viewer
from opis.ingest.runner import ingest_paths
from opis.review import service
from opis.search.engine import search
from opis.store.schema import corrections
from tests.review.folder import beside_seed

EDITOR = Viewer("vera", "editor")

TELEGRAM = """ШИФРОТЕЛЕГРАММА

Пхеньян. ЦК КПСС.

Сов. секретно

Сегодня тов. Микоян принял тов. Ким Ир Сена по его просьбе. На беседе присутствовал посол Ли Сан Чо. Ким Ир Сен сообщил, что Президиум ЦК ТПК обсудил наши замечания и согласен созвать пленум в ближайшие дни.

Тов. Микоян указал, что решения пленума должны быть опубликованы в печати. Ким Ир Сен ответил, что он доложит об этом Политсовету. Посол Ли Сан Чо поддержал это предложение.

В конце беседы тов. Микоян передал Ким Ир Сену приветствие от руководства КПСС.

МИКОЯН

21 сентября 1956 г.
"""
GONE = "Ким Ир Сен ответил, что он доложит об этом Политсовету. "  # a later version drops it


@pytest.fixture
def archive(tmp_path, seed001, store):
    rid, seed, path, folder = beside_seed(tmp_path, seed001, store, "pyongyang_1956.txt", TELEGRAM)
    return store, rid, seed, path, folder


def _mentions(store, rid, written):
    """The mentions of the telegram written so, in the order of the text."""
    doc = store.get_record(rid).documents[0]
    return sorted((m for m in doc.mentions if m.as_written == written), key=lambda m: m.start)


def _key(m) -> str:
    return f"{m.layer}:{m.start}-{m.end}"


def _rows(store, rid) -> dict[str, dict]:
    with store.engine.connect() as conn:
        return {r.key: r.value for r in conn.execute(
            select(corrections.c.key, corrections.c.value).where(corrections.c.record_id == rid,
                                                                  corrections.c.kind == "mention"))}


def _people(store, name) -> list[str]:
    return sorted(h.record_id for h in search(store, None, filters={"person": [name]}, limit=50).hits)


def _stamped(text: str, length: int) -> str:
    """`text` with a line of an archive's receipt stamp under its title, `length`
    characters with its blank line. (Above the title it would be read as a document of
    its own.)"""
    line = "Вх. № 1451-1456. Поступила 22 сентября 1956 г. в 03 ч. 40 мин. Расшифровал 8-й отдел. Отметка: "
    assert len(line) + 2 <= length
    title = "ШИФРОТЕЛЕГРАММА\n\n"
    return text.replace(title, title + line + "_" * (length - len(line) - 2) + "\n\n", 1)


def test_decisions_on_mentions_follow_their_words_into_new_versions(archive):
    store, rid, seed, path, folder = archive
    mik, kim = _mentions(store, rid, "Микоян"), _mentions(store, rid, "Ким Ир Сен")
    assert len(mik) == 3 and len(kim) == 2 and all(m.authority_id == "mikoyan-anastas" for m in mik)
    head = _mentions(store, rid, "ШИФРОТЕЛЕГРАММА")[0]
    service.decide_mention(store, EDITOR, rid, 1, _key(mik[0]), "accept")
    service.decide_mention(store, EDITOR, rid, 1, _key(mik[1]), "reject")
    service.decide_mention(store, EDITOR, rid, 1, _key(kim[1]), "relink", "Ким Ду Бон")
    service.decide_mention(store, EDITOR, rid, 1, _key(head), "remove")
    assert service.merge_entities(store, EDITOR, "PER", "Политсовету", "Политсовет ЦК ТПК") == 1
    assert _rows(store, rid)[_key(mik[1])] == {"action": "reject", "as_written": "Микоян", "type": "PER"}
    assert _people(store, "Ким Ду Бон") == [rid] and _people(store, "Политсовет ЦК ТПК") == [rid]

    # a receipt line under the title moves every word after it by exactly the distance
    # between the first two Микоян: the second's old place now holds the first, so a
    # decision kept by place (or sent to the nearest Микоян) would land on the wrong one
    shift = mik[1].start - mik[0].start
    path.write_text(_stamped(TELEGRAM, shift), encoding="utf-8")
    assert ingest_paths([folder], store).count("updated") == 1
    mik2, kim2 = _mentions(store, rid, "Микоян"), _mentions(store, rid, "Ким Ир Сен")
    assert [m.start for m in mik2] == [m.start + shift for m in mik] and mik2[0].start == mik[1].start
    first, second, third = mik2
    assert first.authority_id == "mikoyan-anastas" and first.method.endswith("+editor:vera") and first.confidence == 1.0
    assert second.authority_id is None and second.name == "Микоян" and second.method == "editor:vera"
    assert third.authority_id == "mikoyan-anastas" and "editor" not in third.method
    assert [(m.name, m.authority_id) for m in kim2] == [("Ким Ир Сен", "kim-il-sung"), ("Ким Ду Бон", "kim-tu-bong")]
    assert _mentions(store, rid, "ШИФРОТЕЛЕГРАММА") == []  # still not an entity
    # the stored keys are those of the words now, nothing else
    assert sorted(_rows(store, rid)) == sorted(_key(m) for m in (first, second, kim2[1], head))
    assert _people(store, "Ким Ду Бон") == [rid] and _people(store, "Политсовет ЦК ТПК") == [rid]
    assert _people(store, "Ким Ир Сен") == sorted([rid, seed])
    # the new version's event says what happened; moving a decision is no event of its own
    assert [e["action"] for e in service.history(store, rid)] == [
        "ingest", "mention.accept", "mention.reject", "mention.relink", "mention.remove", "entity.merge", "update"]
    # saving again (a correction, extraction run again) keeps everything where it is
    keys = _rows(store, rid)
    service.rerun_extraction(store, EDITOR, rid)
    assert _rows(store, rid) == keys and _mentions(store, rid, "Микоян")[1].authority_id is None

    # a version without the sentence that named Ким Ир Сен the second time (and a date
    # added on the line of the first Микоян): that decision stays stored, unapplied, and
    # goes to no other Ким Ир Сен
    added = ", 21 сентября,"
    path.write_text(path.read_text(encoding="utf-8").replace(GONE, "").replace("Сегодня тов.", f"Сегодня{added} тов."),
                    encoding="utf-8")
    assert ingest_paths([folder], store).count("updated") == 1
    kim3 = _mentions(store, rid, "Ким Ир Сен")
    assert [(m.name, m.authority_id) for m in kim3] == [("Ким Ир Сен", "kim-il-sung")]
    doc = store.get_record(rid).documents[0]
    assert not [m for m in doc.mentions if m.authority_id == "kim-tu-bong" or m.name == "Политсовет ЦК ТПК"]
    rows = _rows(store, rid)
    assert [v for v in rows.values() if v["action"] == "relink"] == [
        {"action": "relink", "as_written": "Ким Ир Сен", "type": "PER", "name": "Ким Ду Бон",
         "name_en": "Kim Tu-bong", "authority_id": "kim-tu-bong", "kind": "person"}]
    assert _key(kim3[0]) not in rows
    # the rest follow their words
    mik3 = _mentions(store, rid, "Микоян")
    assert [m.start for m in mik3[:2]] == [m.start + len(added) for m in mik2[:2]]
    assert mik3[0].method.endswith("+editor:vera") and mik3[1].authority_id is None
    assert mik3[2].authority_id == "mikoyan-anastas"
    assert _people(store, "Ким Ду Бон") == [] and _people(store, "Политсовет ЦК ТПК") == []
    assert _people(store, "Ким Ир Сен") == sorted([rid, seed]) and _people(store, "Микоян") == sorted([rid, seed])
    # an editor can still decide on what is there
    service.decide_mention(store, EDITOR, rid, 1, _key(kim3[0]), "accept")
    assert _mentions(store, rid, "Ким Ир Сен")[0].method.endswith("+editor:vera")


def test_a_decision_made_before_the_words_were_kept_holds_by_position(archive):
    store, rid, _, path, folder = archive
    third = _mentions(store, rid, "Микоян")[2]
    with store.engine.begin() as conn:  # as decide_mention stored it before: no words, no type
        conn.execute(insert(corrections).values(record_id=rid, seq=0, kind="mention", key=_key(third),
                                                value={"action": "reject"}, actor="vera",
                                                at=service._now()))
    service.rerun_extraction(store, EDITOR, rid)
    assert _mentions(store, rid, "Микоян")[2].authority_id is None
    path.write_text(_stamped(TELEGRAM, 120), encoding="utf-8")
    assert ingest_paths([folder], store).count("updated") == 1
    assert list(_rows(store, rid)) == [_key(third)]  # not moved
    assert all(m.authority_id == "mikoyan-anastas" for m in _mentions(store, rid, "Микоян"))


def test_followed_through_the_edits_in_order_and_parked_when_gone():
    from opis.model import Mention, Record
    from opis.read.document import document_from_text
    from opis.review.corrections import MENTION, Decision, moved_decisions

    def record(text: str) -> Record:
        doc = document_from_text(text)
        at = -1
        while (at := doc.reading.text.find("Микоян", at + 1)) >= 0:
            doc.mentions.append(Mention(at, at + 6, "PER", "Микоян", "Микоян"))
        return Record("t.txt", text.encode(), "utf-8", "transcription", text, documents=[doc])

    def keys(r: Record) -> list[str]:
        return [f"reading:{m.start}-{m.end}" for m in r.documents[0].mentions]

    body = "Тов. Микоян сообщил.\nТов. Микоян согласен.\nМИКОЯН"
    old = record(body)
    was = old.documents[0].reading.text
    k = keys(old)
    decided = [Decision(0, MENTION, k[1], {"action": "reject", "as_written": "Микоян", "type": "PER"}, "vera"),
               Decision(0, MENTION, k[0], {"action": "accept", "as_written": "Микоян", "type": "PER"}, "vera")]
    before = {(0, "reading"): was}
    assert moved_decisions(old, decided, MENTION, before) == []
    # text as long as the distance between the two: each follows its own, not the nearest
    new = record("Вх. № 1." + " " * (len("Тов. Микоян сообщил.\n") - 9) + "\n" + body)
    now = keys(new)
    assert now[0] == k[1]
    assert [(d.value["action"], key) for d, key in moved_decisions(new, decided, MENTION, before)] == [
        ("accept", now[0]), ("reject", now[1])]
    # without the old text it can only go by the place, and the two change words
    assert [(d.value["action"], key) for d, key in moved_decisions(new, decided, MENTION)] == [("accept", now[1])]
    # looked for by its words, a decision goes only to a mention of its type
    other = Decision(0, MENTION, k[0], {"action": "reject", "as_written": "Микоян", "type": "ORG"}, "vera")
    assert moved_decisions(new, [other], MENTION) == []
    assert [key for _, key in moved_decisions(new, decided[1:], MENTION)] == [now[0]]
    # the first word corrected in the file: its decision stays where the word was, and
    # goes to no other Микоян (which only a guess by place, without the old text, does)
    gone = record(body.replace("Тов. Микоян сообщил.", "Тов. Хрущев сообщил."))
    assert moved_decisions(gone, decided, MENTION, before) == []
    assert [(d.value["action"], key) for d, key in moved_decisions(gone, decided[1:], MENTION)] == [
        ("accept", keys(gone)[0])]
    # the first line deleted: the second word is at the first's place, the first's decision
    # waits where its line was, under a key of its own when that place is another's
    cut = record(body.split("\n", 1)[1])
    legacy = Decision(0, MENTION, "reading:0-6", {"action": "remove"}, "vera")
    assert [(d.value["action"], key) for d, key in moved_decisions(cut, decided + [legacy], MENTION, before)] == [
        ("accept", "reading:0-6~1"), ("reject", keys(cut)[0])]


def test_the_review_page_shows_a_decision_only_on_its_own_words():
    from opis.model import Mention
    from opis.read.document import document_from_text
    from opis.web.review import mention_rows

    doc = document_from_text("Тов. Хрущев сообщил, что тов. Микоян согласен.")
    doc.mentions = [Mention(5, 11, "PER", "Хрущев", "Хрущев"), Mention(29, 35, "PER", "Микоян", "Микоян")]
    waiting = {"value": {"action": "reject", "as_written": "Микоян", "type": "PER"}, "actor": "vera", "at": None}
    older = {"value": {"action": "accept"}, "actor": "vera", "at": None}  # made before the words were kept
    rows = mention_rows(doc, {(0, "mention", "reading:5-11"): waiting, (0, "mention", "reading:29-35"): older})
    assert [(r["as_written"], r["decision"]) for r in rows] == [("Хрущев", None), ("Микоян", "accept")]
    rows = mention_rows(doc, {(0, "mention", "reading:29-35"): waiting})
    assert [(r["as_written"], r["decision"]) for r in rows] == [("Хрущев", None), ("Микоян", "reject")]
