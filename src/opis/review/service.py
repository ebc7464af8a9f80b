"""What editors and admins do to the archive, each change stored with its history event
in one transaction.

Every function takes the acting `Viewer` and refuses (PermissionError) what its role may
not do. Machine values are never edited: a correction is a decision in `corrections`,
laid over the record whenever it is saved (`Store.save_in`), so re-running extraction
keeps it. Nothing is deleted outright: deleting hides a record, and only an admin who
confirms with the record's id purges it; the history (`events`) refuses UPDATE and DELETE.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import and_, case, delete, func, insert, outerjoin, select, update
from sqlalchemy.engine import Connection

from opis.access.policy import Viewer, check_embargo, check_visibility
from opis.model import Record
from opis.review.corrections import (
    FIELD,
    MENTION,
    MENTION_ACTIONS,
    SUSPECT,
    SUSPECT_ACTIONS,
    SUSPECT_KIND,
    CorrectionError,
    Decision,
    clean_input,
    decided_on,
    field_value,
    key_place,
    mention_key,
    moved_decisions,
    party,
    suspect_key,
)
from opis.store.schema import (
    collections,
    corrections,
    documents,
    entity_merges,
    events,
    layers,
    mentions,
    originals,
    pages,
    paragraphs,
    record_versions,
    records,
    values,
)

MACHINE = "opis"  # the actor of ingest and extraction runs


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _require(viewer: Viewer, admin: bool = False) -> str:
    if admin and not viewer.is_admin:
        raise PermissionError("only an admin may do this")
    if not viewer.is_editor:
        raise PermissionError("only editors and admins may change the archive")
    return viewer.name or "?"


# --- history ------------------------------------------------------------------------------

def append_event(conn: Connection, actor: str, action: str, record_id: str | None = None,
                 target: str | None = None, old: Any = None, new: Any = None,
                 at: datetime | None = None) -> int:
    return conn.execute(insert(events).values(at=at or _now(), actor=actor, action=action, record_id=record_id,
                                              target=target, old=old, new=new).returning(events.c.id)).scalar_one()


def history(store: Any, record_id: str) -> list[dict[str, Any]]:
    """Every event of a record, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(events).where(events.c.record_id == record_id)
                            .order_by(events.c.id)).mappings().all()
    return [dict(r) for r in rows]


# --- decisions laid over a record when it is saved ----------------------------------------

def stored_decisions(conn: Connection, record: Record) -> tuple[list[Decision], dict[tuple[str, str], dict[str, Any]]]:
    rows = conn.execute(select(corrections).where(corrections.c.record_id == record.id)
                        .order_by(corrections.c.id)).mappings().all()
    decisions = [Decision(r["seq"], r["kind"], r["key"], r["value"], r["actor"]) for r in rows]
    names = {(m.type, m.name) for doc in record.documents for m in doc.mentions}
    merges: dict[tuple[str, str], dict[str, Any]] = {}
    if names:
        for r in conn.execute(select(entity_merges).where(entity_merges.c.name.in_({n for _, n in names}))).mappings():
            if (r["type"], r["name"]) in names:
                merges[(r["type"], r["name"])] = {"name": r["into_name"], "authority_id": r["into_authority_id"],
                                                  "name_en": r["into_en"]}
    return decisions, merges


def follow_moved_decisions(conn: Connection, record: Record, decisions: list[Decision]) -> None:
    """Decisions on OCR suspects and mentions whose words a new version of the file moved
    are re-keyed to where they stand now, in the caller's transaction (the record is being
    saved, and the version stored until now, which the keys are offsets into, is still
    there). No event: the new version's own event says what changed."""
    places = [(d.seq, key_place(d.kind, d.key)) for d in decisions if d.kind in (SUSPECT, MENTION) and decided_on(d)[0]]
    following = {(seq, place[0]) for seq, place in places if place}
    if not following:
        return
    before = {(seq, name): text for seq, name, text in conn.execute(
        select(documents.c.seq, layers.c.name, layers.c.text).join(layers, layers.c.document_id == documents.c.id)
        .where(documents.c.record_id == record.id, layers.c.name.in_(sorted({name for _, name in following}))))
        if (seq, name) in following}
    moves = moved_decisions(record, decisions, SUSPECT, before) + moved_decisions(record, decisions, MENTION, before)
    rows = [(d, and_(corrections.c.record_id == record.id, corrections.c.seq == d.seq,
                     corrections.c.kind == d.kind)) for d, _ in moves]
    # in two steps, so a key one decision leaves may be taken by another whatever the order
    for d, cond in rows:
        conn.execute(update(corrections).where(cond, corrections.c.key == d.key).values(key=f"~{d.key}"))
    for (d, cond), (_, key) in zip(rows, moves):
        conn.execute(update(corrections).where(cond, corrections.c.key == f"~{d.key}").values(key=key))
        d.key = key


def _put_decision(conn: Connection, record_id: str, seq: int, kind: str, key: str, value: Any,
                  actor: str) -> None:
    """The decision in force for (document, kind, key): the row is state, its past is in
    `events`."""
    cond = and_(corrections.c.record_id == record_id, corrections.c.seq == seq, corrections.c.kind == kind,
                corrections.c.key == key)
    conn.execute(delete(corrections).where(cond))
    if value is not None:
        conn.execute(insert(corrections).values(record_id=record_id, seq=seq, kind=kind, key=key, value=value,
                                                actor=actor, at=_now()))


def _load(store: Any, record_id: str, include_deleted: bool = False) -> Record:
    return store.get_record(record_id, include_restricted=True, include_deleted=include_deleted)


def _document(record: Record, number: int):
    if not 1 <= number <= len(record.documents):
        raise KeyError(f"{record.id}/{number}")
    return record.documents[number - 1]


@contextmanager
def _saving(store: Any, record: Record) -> Iterator[Connection]:
    """A transaction that ends by saving `record` again, the change's event and its
    decision with it; the search paragraphs are analysed before the write lock is taken."""
    from opis.store.repository import paragraph_rows

    rows = paragraph_rows(record)
    with store.engine.begin() as conn:
        yield conn
        store.save_in(conn, record, rows, replace=True)


def _payloads(vals: list[Any]) -> list[Any]:
    return [v.value for v in vals if v.value is not None]


# --- corrections --------------------------------------------------------------------------

def correct_field(store: Any, viewer: Viewer, record_id: str, number: int, field: str, raw: Any) -> dict[str, Any]:
    """Set what a document's field says (date, type, authors, recipients, …); the
    machine's values stay stored beside it. Returns the event."""
    actor = _require(viewer)
    payloads = field_value(field, raw)
    record = _load(store, record_id)
    doc = _document(record, number)
    shown = doc.shown(field)
    # an editor's "none" shows nothing but is still the editor's (so a revert restores it)
    human = any(v.origin == "human" for v in doc.all(field))
    old = {"values": _payloads(shown), "origin": "human" if human else shown[0].origin if shown else None,
           "machine": _payloads([v for v in doc.all(field) if v.origin != "human"])}
    new = {"values": payloads, "origin": "human", "document": number, "field": field}
    with _saving(store, record) as conn:
        _put_decision(conn, record_id, doc.seq, FIELD, field, payloads, actor)
        eid = append_event(conn, actor, "correct", record_id, f"document {number}: {field}", old, new)
    return {"id": eid, "old": old, "new": new}


def withdraw_correction(store: Any, viewer: Viewer, record_id: str, number: int, field: str) -> None:
    """Go back to what the machine found for a field (the correction stays in the history)."""
    actor = _require(viewer)
    record = _load(store, record_id)
    doc = _document(record, number)
    old = {"values": _payloads(doc.shown(field)), "origin": "human"}
    doc.values = [v for v in doc.values if not (v.field == field and v.origin == "human")]
    new = {"values": _payloads(doc.shown(field)), "origin": "machine", "document": number, "field": field}
    with _saving(store, record) as conn:
        _put_decision(conn, record_id, doc.seq, FIELD, field, None, actor)
        append_event(conn, actor, "withdraw", record_id, f"document {number}: {field}", old, new)


def decide_mention(store: Any, viewer: Viewer, record_id: str, number: int, key: str, action: str,
                   target: str | None = None) -> None:
    """Accept or reject an entity link, relink a mention to another entity (a split), or
    say it is not an entity."""
    actor = _require(viewer)
    if action not in MENTION_ACTIONS:
        raise CorrectionError(f"action must be one of {', '.join(MENTION_ACTIONS)}")
    record = _load(store, record_id)
    doc = _document(record, number)
    found = next((m for m in doc.mentions if mention_key(m.layer, m.start, m.end) == key), None)
    if found is None:
        raise KeyError(key)
    # the words and type travel with the decision, so it follows them when a new version of
    # the file moves them (`follow_moved_decisions`)
    value: dict[str, Any] = {"action": action, "as_written": found.as_written, "type": found.type}
    if action == "relink":
        if not (target or "").strip():
            raise CorrectionError("relink needs the name of the entity the mention is of")
        value.update(party(target or ""))
    old = {"as_written": found.as_written, "name": found.name, "authority_id": found.authority_id,
           "method": found.method, "confidence": found.confidence}
    with _saving(store, record) as conn:
        _put_decision(conn, record_id, doc.seq, MENTION, key, value, actor)
        append_event(conn, actor, f"mention.{action}", record_id, f"document {number}: {found.type} “{found.as_written}”",
                     old, value)


def decide_suspect(store: Any, viewer: Viewer, record_id: str, number: int, key: str, action: str,
                   reading: str | None = None) -> None:
    """Accept an OCR suggestion (the reading an editor confirms; search then finds the
    document by it, the text stays as written) or keep the text as it is."""
    actor = _require(viewer)
    if action not in SUSPECT_ACTIONS:
        raise CorrectionError(f"action must be one of {', '.join(SUSPECT_ACTIONS)}")
    record = _load(store, record_id)
    doc = _document(record, number)
    span = _suspect(doc, key)
    suggestions = list((span.attrs or {}).get("suggestions") or [])
    if action == "accept":
        reading = clean_input(reading or (suggestions[0] if suggestions else "")).strip()
        if not reading:
            raise CorrectionError("accepting needs the right reading")
    # the word decided on travels with the decision, so it follows the word when a new
    # version of the file moves it (`follow_moved_decisions`)
    value = {"action": action, "reading": reading if action == "accept" else None,
             "as_written": doc.reading.text[span.start:span.end]}
    with _saving(store, record) as conn:
        _put_decision(conn, record_id, doc.seq, SUSPECT, key, value, actor)
        append_event(conn, actor, f"suspect.{action}", record_id,
                     f"document {number}: “{doc.reading.text[span.start:span.end]}”",
                     {"suggestions": suggestions}, value)


def withdraw_suspect(store: Any, viewer: Viewer, record_id: str, number: int, key: str) -> None:
    """Take back the decision on an OCR suspect: it is open again, and search finds the
    words as written only."""
    actor = _require(viewer)
    record = _load(store, record_id)
    doc = _document(record, number)
    span = _suspect(doc, key)
    attrs = span.attrs or {}
    if not attrs.get("decision"):
        raise CorrectionError("there is no decision on this word to withdraw")
    old = {"action": attrs.get("decision"), "reading": attrs.get("reading")}
    with _saving(store, record) as conn:
        _put_decision(conn, record_id, doc.seq, SUSPECT, key, None, actor)
        append_event(conn, actor, "suspect.withdraw", record_id,
                     f"document {number}: “{doc.reading.text[span.start:span.end]}”", old, None)


def _suspect(doc: Any, key: str) -> Any:
    """The OCR suspect of a document by its key ("start-end"); KeyError if none."""
    span = next((s for s in doc.reading.spans if s.kind == SUSPECT_KIND and suspect_key(s.start, s.end) == key), None)
    if span is None:
        raise KeyError(key)
    return span


def merge_entities(store: Any, viewer: Viewer, type_: str, name: str, into: str) -> int:
    """Every mention of (type, name), in every record and in those ingested later, is
    shown as `into` (linked through the authority file when it knows the name).
    Returns how many mentions changed."""
    actor = _require(viewer)
    if type_ not in ("PER", "ORG", "LOC"):
        raise CorrectionError("type must be PER, ORG or LOC")
    target = party(into)
    if not clean_input(name).strip() or not target["name"]:
        raise CorrectionError("merging needs both names")
    with store.engine.begin() as conn:
        affected = sorted(set(conn.execute(
            select(documents.c.record_id).join(mentions, mentions.c.document_id == documents.c.id)
            .where(mentions.c.type == type_, mentions.c.name == name)).scalars()))
        conn.execute(delete(entity_merges).where(entity_merges.c.type == type_, entity_merges.c.name == name))
        conn.execute(insert(entity_merges).values(type=type_, name=name, into_name=target["name"],
                                                  into_authority_id=target["authority_id"], into_en=target["name_en"],
                                                  actor=actor, at=_now()))
        n = conn.execute(update(mentions).where(mentions.c.type == type_, mentions.c.name == name)
                         .values(name=target["name"], authority_id=target["authority_id"],
                                 name_en=target["name_en"])).rowcount
        for rid in affected:
            append_event(conn, actor, "entity.merge", rid, f"{type_} “{name}”", {"name": name}, target)
        append_event(conn, actor, "entity.merge", None, f"{type_} “{name}”", {"name": name, "records": affected},
                     target)
    return n


# --- machine runs and versions ------------------------------------------------------------

def rebuild(stored: Record, original: bytes | None = None, beside: dict[str, bytes] | None = None) -> Record:
    """Read and extract a stored record again from its bytes (or older bytes of it),
    keeping its identity, access and the translations that came from other files.
    `beside`: files to put next to the source, by name (the page images an HTR file names,
    `page_images_of`), so a PAGE or ALTO record keeps its facsimile."""
    from opis.ingest.build import build_record
    from opis.translate.layers import PREFIX

    data = stored.original if original is None else original
    name = Path(stored.source_name).name or "source.txt"
    with tempfile.TemporaryDirectory(prefix="opis-rebuild-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        for other, content in (beside or {}).items():
            other = Path(other).name
            if other not in ("", ".", "..", name):
                (Path(tmp) / other).write_bytes(content)
        record = build_record(path, Path(tmp), collection=stored.collection)
    record.source_name, record.source_path = stored.source_name, stored.source_path
    record.visibility, record.embargo_until = stored.visibility, stored.embargo_until
    if original is None and len(record.documents) == len(stored.documents):
        # translations read from files beside the source (x.en.txt) are not in its bytes
        for new_doc, old_doc in zip(record.documents, stored.documents):
            have = {layer.name for layer in new_doc.extra_layers}
            new_doc.extra_layers += [layer for layer in old_doc.extra_layers
                                     if layer.name.startswith(PREFIX) and layer.name not in have]
        if "translations" in stored.metadata and "translations" not in record.metadata:
            record.metadata = {**record.metadata, "translations": stored.metadata["translations"]}
    return record


def page_images_of(store: Any, stored: Record) -> dict[str, bytes]:
    """The page images an HTR record was read with, by file name, from the store: from
    its `page_images` list, or (a record saved before that list was kept) the names its
    file gives, matched in order with its stored pages' images."""
    from opis.ingest.scans import PAGE_IMAGES, image_file_name
    from opis.scan.htr import image_names, sniff

    if not sniff(stored.original[:4096]):
        return {}
    entries = [(e.get("file") or "", e.get("sha256")) for e in stored.metadata.get(PAGE_IMAGES) or []]
    if not entries:
        import io

        with store.engine.connect() as conn:
            shas = conn.execute(select(pages.c.image_sha256).where(pages.c.record_id == stored.id)
                                .order_by(pages.c.seq)).scalars().all()
        names = [image_file_name(n) for n in image_names(io.BytesIO(stored.original))]
        entries = list(zip(names, shas))
    wanted = {sha for _, sha in entries if sha}
    if not wanted:
        return {}
    with store.engine.connect() as conn:
        found = dict(conn.execute(select(originals.c.sha256, originals.c.bytes)
                                  .where(originals.c.sha256.in_(sorted(wanted)))).all())
    return {name: bytes(found[sha]) for name, sha in entries if name and sha in found}


def rerun_extraction(store: Any, viewer: Viewer, record_id: str) -> dict[str, Any]:
    """Run reading and extraction again on a stored record; editors' decisions stand."""
    actor = _require(viewer)
    stored = _load(store, record_id)
    record = rebuild(stored, beside=page_images_of(store, stored))
    with _saving(store, record) as conn:
        append_event(conn, actor, "extract", record_id, "extraction run again",
                     {"documents": len(stored.documents)}, {"documents": len(record.documents)})
    return {"documents": len(record.documents)}


def restore_version(store: Any, viewer: Viewer, record_id: str, sha256: str) -> None:
    """Make an earlier version of a record's bytes the current one again (read and
    extracted anew; every version stays stored)."""
    actor = _require(viewer)
    stored = _load(store, record_id)
    with store.engine.connect() as conn:
        known = conn.execute(select(originals.c.bytes).join(record_versions, record_versions.c.sha256 == originals.c.sha256)
                             .where(record_versions.c.record_id == record_id, originals.c.sha256 == sha256)).scalar()
    if known is None:
        raise KeyError(sha256)
    record = rebuild(stored, bytes(known), beside=page_images_of(store, stored))
    with _saving(store, record) as conn:
        append_event(conn, actor, "restore", record_id, "version of the source",
                     {"sha256": stored.sha256}, {"sha256": sha256})


def revert_event(store: Any, viewer: Viewer, event_id: int) -> None:
    """Put a field back to what it was before a correction (itself a new event)."""
    _require(viewer)
    with store.engine.connect() as conn:
        ev = conn.execute(select(events).where(events.c.id == event_id)).mappings().first()
    if ev is None or ev["action"] not in ("correct", "withdraw") or not ev["record_id"]:
        raise KeyError(event_id)
    number, field = (ev["new"] or {}).get("document"), (ev["new"] or {}).get("field")
    if not isinstance(number, int) or not field:
        raise KeyError(event_id)
    old = ev["old"] or {}
    if old.get("origin") == "human":
        # the old payloads are stored forms already; a party's dict is re-read from its name
        raw = [p.get("name") if isinstance(p, dict) and "name" in p else
               p.get("iso") if isinstance(p, dict) else p for p in old.get("values") or []]
        correct_field(store, viewer, ev["record_id"], number, field, raw)
    else:
        withdraw_correction(store, viewer, ev["record_id"], number, field)


# --- review state, access, deletion -------------------------------------------------------

def mark_reviewed(store: Any, viewer: Viewer, record_id: str, reviewed: bool = True) -> None:
    actor = _require(viewer)
    _load(store, record_id)  # KeyError if there is no such record
    with store.engine.begin() as conn:
        old = conn.execute(select(records.c.reviewed_at, records.c.reviewed_by).where(records.c.id == record_id)).first()
        conn.execute(update(records).where(records.c.id == record_id)
                     .values(reviewed_at=_now() if reviewed else None, reviewed_by=actor if reviewed else None))
        append_event(conn, actor, "reviewed" if reviewed else "unreviewed", record_id, "review",
                     {"reviewed_by": old.reviewed_by}, {"reviewed_by": actor if reviewed else None})


def set_access(store: Any, viewer: Viewer, record_id: str, visibility: str,
               embargo_until: str | None = None) -> None:
    actor = _require(viewer)
    visibility, embargo_until = check_visibility(visibility), check_embargo(embargo_until)
    with store.engine.begin() as conn:
        old = conn.execute(select(records.c.visibility, records.c.embargo_until)
                           .where(records.c.id == record_id)).first()
        if old is None:
            raise KeyError(record_id)
        # a new datestamp, so OAI-PMH harvesters asking for changes see a record opened up
        conn.execute(update(records).where(records.c.id == record_id)
                     .values(visibility=visibility, embargo_until=embargo_until, updated_at=_now()))
        append_event(conn, actor, "access", record_id, "visibility",
                     {"visibility": old.visibility, "embargo_until": old.embargo_until},
                     {"visibility": visibility, "embargo_until": embargo_until})


def set_collection_access(store: Any, viewer: Viewer, name: str, visibility: str,
                          embargo_until: str | None = None) -> None:
    actor = _require(viewer, admin=True)
    visibility, embargo_until = check_visibility(visibility), check_embargo(embargo_until)
    with store.engine.begin() as conn:
        old = conn.execute(select(collections).where(collections.c.name == name)).mappings().first()
        conn.execute(delete(collections).where(collections.c.name == name))
        conn.execute(insert(collections).values(name=name, visibility=visibility, embargo_until=embargo_until,
                                                updated_at=_now()))
        conn.execute(update(records).where(records.c.collection == name).values(updated_at=_now()))
        append_event(conn, actor, "collection.access", None, f"collection {name}",
                     {"visibility": old["visibility"], "embargo_until": old["embargo_until"]} if old else None,
                     {"visibility": visibility, "embargo_until": embargo_until})


def lift_ended_embargoes(store: Any, on: str | None = None) -> int:
    """Clear embargoes whose day has come, giving the records a new datestamp, so an
    OAI-PMH harvester asking for changes since its last visit gets the records that have
    just opened up (readers see them from the day on either way). Returns how many
    records opened up; each gets an event."""
    from opis.access.policy import today

    day = on or today()
    now = _now()
    with store.engine.begin() as conn:
        ended = conn.execute(select(records.c.id, records.c.embargo_until)
                             .where(records.c.embargo_until.is_not(None), records.c.embargo_until <= day)).all()
        for rid, until in ended:
            conn.execute(update(records).where(records.c.id == rid).values(embargo_until=None, updated_at=now))
            append_event(conn, MACHINE, "embargo.ended", rid, "visibility", {"embargo_until": until},
                         {"embargo_until": None}, at=now)
        opened = len(ended)
        for name, until in conn.execute(select(collections.c.name, collections.c.embargo_until)
                                        .where(collections.c.embargo_until.is_not(None),
                                               collections.c.embargo_until <= day)).all():
            conn.execute(update(collections).where(collections.c.name == name)
                         .values(embargo_until=None, updated_at=now))
            opened += conn.execute(update(records).where(records.c.collection == name)
                                   .values(updated_at=now)).rowcount
            append_event(conn, MACHINE, "embargo.ended", None, f"collection {name}", {"embargo_until": until},
                         {"embargo_until": None}, at=now)
    return opened


def delete_record(store: Any, viewer: Viewer, record_id: str, deleted: bool = True) -> None:
    """Hide a record from everyone (or bring it back); nothing is removed."""
    actor = _require(viewer)
    with store.engine.begin() as conn:
        old = conn.execute(select(records.c.deleted_at).where(records.c.id == record_id)).first()
        if old is None:
            raise KeyError(record_id)
        conn.execute(update(records).where(records.c.id == record_id)
                     .values(deleted_at=_now() if deleted else None, updated_at=_now()))
        append_event(conn, actor, "delete" if deleted else "undelete", record_id, "record",
                     {"deleted": old.deleted_at is not None}, {"deleted": deleted})


def purge_record(store: Any, viewer: Viewer, record_id: str, confirm: str) -> None:
    """Remove a deleted record for good (admins only, confirmed by typing its id). Its
    history stays; bytes no other record uses go too."""
    actor = _require(viewer, admin=True)
    if confirm != record_id:
        raise CorrectionError("to purge, type the record's id to confirm")
    with store.engine.begin() as conn:
        row = conn.execute(select(records.c.deleted_at, records.c.source_name).where(records.c.id == record_id)).first()
        if row is None:
            raise KeyError(record_id)
        if row.deleted_at is None:
            raise CorrectionError("delete the record first; only a deleted record can be purged")
        shas = set(conn.execute(select(record_versions.c.sha256).where(record_versions.c.record_id == record_id)).scalars())
        shas |= set(conn.execute(select(pages.c.image_sha256).where(pages.c.record_id == record_id,
                                                                    pages.c.image_sha256.is_not(None))).scalars())
        doc_ids = select(documents.c.id).where(documents.c.record_id == record_id)
        for table in (paragraphs, mentions, values, layers):
            conn.execute(delete(table).where(table.c.document_id.in_(doc_ids)))
        conn.execute(delete(documents).where(documents.c.record_id == record_id))
        conn.execute(delete(pages).where(pages.c.record_id == record_id))
        conn.execute(delete(corrections).where(corrections.c.record_id == record_id))
        conn.execute(delete(record_versions).where(record_versions.c.record_id == record_id))
        conn.execute(delete(records).where(records.c.id == record_id))
        for sha in shas:
            used = conn.execute(select(record_versions.c.sha256).where(record_versions.c.sha256 == sha).limit(1)).first() \
                or conn.execute(select(pages.c.seq).where(pages.c.image_sha256 == sha).limit(1)).first()
            if not used:
                conn.execute(delete(originals).where(originals.c.sha256 == sha))
        append_event(conn, actor, "purge", record_id, "record", {"source_name": row.source_name}, None)


# --- the review queue ---------------------------------------------------------------------

def review_queue(store: Any, limit: int = 50, offset: int = 0, include_reviewed: bool = False) -> list[dict[str, Any]]:
    """Records (not deleted) by their least certain machine value, least sure first;
    records nothing was extracted from count as 0. Reviewed records last, or left out."""
    low = func.coalesce(func.min(values.c.confidence), 0.0)
    joined = outerjoin(records, documents, documents.c.record_id == records.c.id).outerjoin(
        values, and_(values.c.document_id == documents.c.id, values.c.origin == "machine"))
    q = (select(records.c.id, records.c.source_name, records.c.collection, records.c.visibility,
                records.c.embargo_until, records.c.reviewed_at, records.c.reviewed_by,
                low.label("confidence"), func.count(func.distinct(documents.c.id)).label("documents"))
         .select_from(joined).where(records.c.deleted_at.is_(None))
         .group_by(records.c.id, records.c.source_name, records.c.collection, records.c.visibility,
                   records.c.embargo_until, records.c.reviewed_at, records.c.reviewed_by))
    if not include_reviewed:
        q = q.where(records.c.reviewed_at.is_(None))
    q = q.order_by(case((records.c.reviewed_at.is_(None), 0), else_=1), low, records.c.id).limit(limit).offset(offset)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
        ids = [r["id"] for r in rows]
        weakest: dict[str, tuple[str, float]] = {}
        if ids:
            for rid, field, conf in conn.execute(
                    select(documents.c.record_id, values.c.field, values.c.confidence)
                    .join(values, values.c.document_id == documents.c.id)
                    .where(documents.c.record_id.in_(ids), values.c.origin == "machine")
                    .order_by(values.c.confidence, values.c.field)):
                weakest.setdefault(rid, (field, conf))
    for r in rows:
        r["weakest_field"] = weakest.get(r["id"], (None, None))[0]
    return rows
