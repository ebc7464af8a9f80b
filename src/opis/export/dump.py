"""Whole-archive dumps: JSON Lines to move an archive between databases, CSV for spreadsheets.

A JSONL dump is one JSON object per line, in a fixed order so that the same archive
always gives the same file:

1. ``{"table": "header", "format": "opis-dump", "version": 3}``
2. every original file ever saved for a dumped record (``"table": "original"``, bytes in
   base64), by content hash;
3. the access settings of the dumped records' collections (``"table": "collection"``:
   visibility and embargo date), by name, only for collections that have any;
4. in a full dump (``include_restricted=True``) only: editors' entity merges
   (``"table": "merge"``) and the events of the history that belong to no record
   (collection settings, merges), oldest first; the history of deleted and purged
   records stays behind with them;
5. for each record by id: the record (with its timestamps, visibility and embargo date),
   its versions, editors' decisions in force (``"table": "correction"``), in a full dump
   its history (``"table": "event"``), then each document followed by its layers, values
   and mentions, then the pages of a scanned record (``"table": "page"``: text range, size,
   word and line boxes, the sha256 of its image), each page's image (``"table": "image"``,
   bytes in base64) just before the first page that shows it, unless an earlier line of the
   dump already carries those bytes (an original, often the scan itself, or another page).

A full dump moves an archive with its editorial work: corrections stay decisions in the
new archive (so re-running extraction there keeps them) and the history arrives whole
(accounts never travel: they hold password hashes). A reader's dump leaves out the history
and the merges; its records start a history of their own on import. Corrections travel in
both, with the name of the editor who made each, as an edition credits its editors.

Database row ids are never written; documents are named by (record id, seq). Importing
goes through `Store.save_record` (so the search index is rebuilt by the store itself) and
then puts back what saving cannot know: timestamps, older versions and pages. Dump → import
into an empty database → dump gives the same bytes.

Bytes stream: the dump reads originals and page images one at a time, and the importer
checks each against its sha256 and stores it as soon as it is read (keeping only its hash,
size and timestamp), so neither holds more than one file's bytes, whatever the size of the
archive. Damaged bytes (not base64, or not the bytes their hash names) stop the import with
one line naming the record of a page image (or the hash of an original), as any other
damage does: the records before it are in; bytes stored before the stop are reachable from
no record until an import brings it.

Only what a reader may see is dumped unless ``include_restricted=True`` is asked for:
restricted records, records under embargo and records in a closed collection are left
out (deleted records always are). A dump carries access with it, so an archive moved
through one hides the same records: a record's visibility and embargo date, and its
collection's settings, which are written before any record is saved. Importing never
opens a record up: a record already in the database keeps the stricter of its own access
and the dump's. Version 1 dumps (no access settings but the visibility) and version 2
dumps (no pages) still import; their scanned records arrive without page images.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterator

from sqlalchemy import delete, insert, select, update

from opis.access.policy import check_embargo, check_visibility
from opis.model import RESTRICTED, Document, Layer, Mention, OffsetMap, Record, Span, Value, content_hash
from opis.store.repository import visible
from opis.store.schema import (collections, corrections, documents, entity_merges, events, layers, mentions,
                               originals, pages, record_versions, records, values)

FORMAT = "opis-dump"
# 2: collection rows, each record's embargo date, corrections, merges and events
# 3: pages of scanned records and their images
VERSION = 3
READS = (1, 2, 3)  # versions import_jsonl understands
CSV_TABLES = ("records", "versions", "originals", "documents", "layers", "values", "mentions", "collections",
              "corrections", "merges", "events", "pages", "images")
PAGE_KEYS = ("seq", "start", "end", "width", "height", "image_sha256", "media_type", "method", "language",
             "label", "zones")


def _ts(dt: datetime | None) -> str | None:
    """UTC ISO timestamps; SQLite hands them back without a zone."""
    if dt is None:
        return None
    dt = dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    return dt.isoformat()


def _dt(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


# --- reading the database in dump order -------------------------------------------------

def iter_rows(store: Any, include_restricted: bool = False) -> Iterator[dict[str, Any]]:
    """Every dump row, in dump order (see the module docstring)."""
    yield {"table": "header", "format": FORMAT, "version": VERSION}
    with store.engine.connect() as conn:
        rec_rows = conn.execute(
            select(records).where(visible(include_restricted)).order_by(records.c.id)
        ).mappings().all()
        ids = [r["id"] for r in rec_rows]
        versions: dict[str, list[Any]] = {i: [] for i in ids}
        for v in conn.execute(select(record_versions).order_by(
                record_versions.c.record_id, record_versions.c.saved_at, record_versions.c.sha256)).mappings():
            if v["record_id"] in versions:
                versions[v["record_id"]].append(v)
        shas = sorted({r["sha256"] for r in rec_rows} | {v["sha256"] for vs in versions.values() for v in vs})
        for sha in shas:
            yield {"table": "original", **_bytes_row(conn, sha)}
        carried = set(shas)  # bytes already in the dump: an image is written once
        names = sorted({r["collection"] for r in rec_rows})
        for c in conn.execute(select(collections).where(collections.c.name.in_(names))
                              .order_by(collections.c.name)).mappings():
            yield {"table": "collection", "name": c["name"], "visibility": c["visibility"],
                   "embargo_until": c["embargo_until"], "updated_at": _ts(c["updated_at"])}
        if include_restricted:
            for m in conn.execute(select(entity_merges).order_by(entity_merges.c.type, entity_merges.c.name)).mappings():
                yield {"table": "merge", **{k: m[k] for k in m.keys() if k != "at"}, "at": _ts(m["at"])}
            for e in conn.execute(select(events).where(events.c.record_id.is_(None)).order_by(events.c.id)).mappings():
                yield _event_row(e)
        for r in rec_rows:
            yield {"table": "record", "id": r["id"], "source_name": r["source_name"],
                   "source_path": r["source_path"], "collection": r["collection"], "format": r["format"],
                   "encoding": r["encoding"], "sha256": r["sha256"], "visibility": r["visibility"],
                   "embargo_until": r["embargo_until"], "metadata": r["meta"], "warnings": r["warnings"], "text": r["text"],
                   "created_at": _ts(r["created_at"]), "updated_at": _ts(r["updated_at"])}
            for v in versions[r["id"]]:
                yield {"table": "version", "record_id": r["id"], "sha256": v["sha256"], "saved_at": _ts(v["saved_at"])}
            for c in conn.execute(select(corrections).where(corrections.c.record_id == r["id"]).order_by(
                    corrections.c.seq, corrections.c.kind, corrections.c.key)).mappings():
                yield {"table": "correction", "record_id": r["id"], "seq": c["seq"], "kind": c["kind"],
                       "key": c["key"], "value": c["value"], "actor": c["actor"], "at": _ts(c["at"])}
            if include_restricted:
                for e in conn.execute(select(events).where(events.c.record_id == r["id"]).order_by(events.c.id)).mappings():
                    yield _event_row(e)
            docs = conn.execute(select(documents).where(documents.c.record_id == r["id"])
                                .order_by(documents.c.seq)).mappings().all()
            for d in docs:
                key = {"record_id": r["id"], "seq": d["seq"]}
                yield {"table": "document", **key, "language": d["language"],
                       "source_start": d["source_start"], "source_end": d["source_end"]}
                for lr in conn.execute(select(layers).where(layers.c.document_id == d["id"])
                                       .order_by(layers.c.position)).mappings():
                    yield {"table": "layer", **key, "position": lr["position"], "name": lr["name"],
                           "parent": lr["parent"], "language": lr["language"], "text": lr["text"],
                           "offset_map": lr["offset_map"], "spans": lr["spans"]}
                for vr in conn.execute(select(values).where(values.c.document_id == d["id"])
                                       .order_by(values.c.id)).mappings():
                    yield {"table": "value", **key, **{c.key: vr[c.key] for c in values.c
                                                      if c.key not in ("id", "document_id", "created_at")},
                           "created_at": _ts(vr["created_at"])}
                for mr in conn.execute(select(mentions).where(mentions.c.document_id == d["id"])
                                       .order_by(mentions.c.id)).mappings():
                    yield {"table": "mention", **key, **{c.key: mr[c.key] for c in mentions.c
                                                        if c.key not in ("id", "document_id")}}
            yield from _page_rows(conn, r["id"], carried)


def _bytes_row(conn: Any, sha: str) -> dict[str, Any]:
    """Stored bytes by hash, as an original or image row carries them."""
    o = conn.execute(select(originals).where(originals.c.sha256 == sha)).mappings().one()
    return {"sha256": sha, "size": o["size"], "created_at": _ts(o["created_at"]),
            "bytes": base64.b64encode(bytes(o["bytes"])).decode("ascii")}


def _page_rows(conn: Any, rid: str, carried: set[str]) -> Iterator[dict[str, Any]]:
    """A record's pages, each image before the first page showing it (one image read at a
    time); `carried` holds the hashes already written and gains those written here."""
    for p in conn.execute(select(pages).where(pages.c.record_id == rid).order_by(pages.c.seq)).mappings().all():
        sha = p["image_sha256"]
        if sha and sha not in carried:
            yield {"table": "image", "record_id": rid, **_bytes_row(conn, sha)}
            carried.add(sha)
        yield {"table": "page", "record_id": rid, **{k: p[k] for k in PAGE_KEYS}}


def _event_row(e: Any) -> dict[str, Any]:
    return {"table": "event", "at": _ts(e["at"]), "actor": e["actor"], "action": e["action"],
            "record_id": e["record_id"], "target": e["target"], "old": e["old"], "new": e["new"]}


@contextmanager
def _text_out(out: str | Path | IO[str], **kw: Any) -> Iterator[IO[str]]:
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="\n", **kw) as f:
            yield f
    else:
        yield out


def export_jsonl(store: Any, out: str | Path | IO[str], include_restricted: bool = False) -> int:
    """Write the archive as JSON Lines to a path or text stream; returns the record count."""
    n = 0
    with _text_out(out) as f:
        for row in iter_rows(store, include_restricted):
            n += row["table"] == "record"
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    return n


def export_csv(store: Any, out_dir: str | Path, include_restricted: bool = False) -> list[Path]:
    """One CSV per table in `out_dir` (UTF-8 with a byte-order mark, which spreadsheet
    programs need to read Cyrillic); JSON columns hold JSON text. Returns the files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    buffers: dict[str, tuple[io.StringIO, csv.DictWriter | None]] = {t: (io.StringIO(), None) for t in CSV_TABLES}
    table_of = {"record": "records", "version": "versions", "original": "originals", "document": "documents",
                "layer": "layers", "value": "values", "mention": "mentions", "collection": "collections",
                "correction": "corrections", "merge": "merges", "event": "events", "page": "pages",
                "image": "images"}
    for row in iter_rows(store, include_restricted):
        if row["table"] == "header":
            continue
        table = table_of[row["table"]]
        flat = {k: (json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, (dict, list)) else v)
                for k, v in row.items() if k != "table"}
        buf, writer = buffers[table]
        if writer is None:
            writer = csv.DictWriter(buf, fieldnames=list(flat), lineterminator="\n")
            writer.writeheader()
            buffers[table] = (buf, writer)
        writer.writerow(flat)
    paths = []
    for table in CSV_TABLES:
        path = out_dir / f"{table}.csv"
        path.write_text(buffers[table][0].getvalue(), encoding="utf-8-sig", newline="")
        paths.append(path)
    return paths


# --- importing ------------------------------------------------------------------------------

def _read_rows(path: str | Path | IO[str]) -> Iterator[dict[str, Any]]:
    f = open(path, encoding="utf-8") if isinstance(path, (str, Path)) else path
    try:
        for n, line in enumerate(f, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"line {n} of the dump is not JSON ({exc.msg})") from exc
    finally:
        if isinstance(path, (str, Path)):
            f.close()


class _Pending:
    """One record's rows, gathered until the next record starts."""

    def __init__(self, row: dict[str, Any]):
        self.row = row
        self.versions: list[dict[str, Any]] = []
        self.docs: list[dict[str, Any]] = []
        self.corrections: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.pages: list[dict[str, Any]] = []

    def to_record(self, original: bytes) -> Record:
        r = self.row
        record = Record(
            source_name=r["source_name"], original=original,
            encoding=r["encoding"], format=r["format"], text=r["text"], metadata=r["metadata"],
            warnings=list(r["warnings"]), visibility=r["visibility"], collection=r["collection"],
            source_path=r["source_path"], embargo_until=check_embargo(r.get("embargo_until")),
        )
        if record.id != r["id"]:
            raise ValueError(f"record {r['id']}: its collection and source name give id {record.id}")
        for d in self.docs:
            lays = [Layer(name=lr["name"], text=lr["text"], spans=[Span.from_json(s) for s in lr["spans"]],
                          parent=lr["parent"], to_parent=OffsetMap.from_json(lr["offset_map"]),
                          language=lr["language"]) for lr in sorted(d["layers"], key=lambda x: x["position"])]
            value_keys = [c.key for c in values.c if c.key not in ("id", "document_id", "created_at")]
            mention_keys = [c.key for c in mentions.c if c.key not in ("id", "document_id")]
            record.documents.append(Document(
                seq=d["seq"], source_start=d["source_start"], source_end=d["source_end"],
                diplomatic=lays[0], reading=lays[1], language=d["language"],
                values=[Value(**{k: v[k] for k in value_keys}) for v in d["values"]],
                mentions=[Mention(**{k: m[k] for k in mention_keys}) for m in d["mentions"]],
                extra_layers=lays[2:]))
        return record


def _restore(store: Any, pending: _Pending, originals_by_sha: dict[str, dict[str, Any]]) -> None:
    """Put back timestamps and older versions, which saving a record cannot know."""
    rid = pending.row["id"]
    with store.engine.begin() as conn:
        for v in pending.versions:
            _put_bytes(conn, originals_by_sha[v["sha256"]])
            exists = conn.execute(select(record_versions.c.sha256).where(
                record_versions.c.record_id == rid, record_versions.c.sha256 == v["sha256"])).first()
            if exists is None:
                conn.execute(insert(record_versions).values(record_id=rid, sha256=v["sha256"],
                                                            saved_at=_dt(v["saved_at"])))
            else:
                conn.execute(update(record_versions).where(record_versions.c.record_id == rid,
                                                           record_versions.c.sha256 == v["sha256"])
                             .values(saved_at=_dt(v["saved_at"])))
        conn.execute(update(records).where(records.c.id == rid).values(
            created_at=_dt(pending.row["created_at"]), updated_at=_dt(pending.row["updated_at"])))
        doc_ids = dict(conn.execute(select(documents.c.seq, documents.c.id).where(documents.c.record_id == rid)).all())
        for d in pending.docs:
            ids = conn.execute(select(values.c.id).where(values.c.document_id == doc_ids[d["seq"]])
                               .order_by(values.c.id)).scalars().all()
            for vid, v in zip(ids, d["values"]):
                conn.execute(update(values).where(values.c.id == vid).values(created_at=_dt(v["created_at"])))
        _put_pages(conn, pending)


def _put_bytes(conn: Any, row: dict[str, Any], data: bytes | None = None) -> None:
    """`data` into `originals` unless the hash is there already; the row's timestamp either way."""
    if data is not None and conn.execute(
            select(originals.c.sha256).where(originals.c.sha256 == row["sha256"])).first() is None:
        conn.execute(insert(originals).values(sha256=row["sha256"], size=row["size"], bytes=data,
                                              created_at=_dt(row["created_at"])))
    else:
        conn.execute(update(originals).where(originals.c.sha256 == row["sha256"])
                     .values(created_at=_dt(row["created_at"])))


def _named(row: dict[str, Any]) -> str:
    """A record as error messages name it."""
    return f"record {row.get('id')} ({row.get('source_name')})"


def _store_bytes(store: Any, row: dict[str, Any], what: str) -> dict[str, Any]:
    """An original or a page image, checked against its hash and stored at once (the next
    may be large); returns the row without its bytes. `what` names it in errors."""
    try:
        data = base64.b64decode(row["bytes"], validate=True)
        sha, size = row["sha256"], row["size"]
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise ValueError(f"{what} is damaged ({type(exc).__name__}: {exc})") from exc
    if content_hash(data) != sha or len(data) != size:
        raise ValueError(f"{what} {sha} is damaged (its bytes do not match their sha256 and size)")
    with store.engine.begin() as conn:
        _put_bytes(conn, row, data)
    return {k: v for k, v in row.items() if k != "bytes"}


def _stored_bytes(store: Any, row: dict[str, Any]) -> bytes:
    """A record row's original, stored when the dump's original rows were read."""
    with store.engine.connect() as conn:
        data = conn.execute(select(originals.c.bytes).where(originals.c.sha256 == row["sha256"])).scalar()
    if data is None:
        raise ValueError(f"{_named(row)}: its original {row['sha256']} is not in the dump")
    return bytes(data)


def _check_pages(store: Any, pending: _Pending) -> None:
    """Every page's image is stored (it came in an image row or as an original, here or
    before), checked before the record is saved."""
    with store.engine.connect() as conn:
        for p in pending.pages:
            sha = p["image_sha256"]
            if sha and conn.execute(select(originals.c.sha256).where(originals.c.sha256 == sha)).first() is None:
                raise ValueError(f"{_named(pending.row)}: the image of page {p['seq']} ({sha}) is not in the dump")


def _put_pages(conn: Any, pending: _Pending) -> None:
    """A record's pages as the dump has them (their images are stored already)."""
    if not pending.pages:
        return
    rid = pending.row["id"]
    conn.execute(delete(pages).where(pages.c.record_id == rid))
    for p in pending.pages:
        conn.execute(insert(pages).values(record_id=rid, **{k: p[k] for k in PAGE_KEYS}))


def _mend_pages(store: Any, pending: _Pending) -> None:
    """An unchanged record that has no pages (it came through a dump without them) takes
    the dump's; pages it has stay as they are, as everything else of it does."""
    with store.engine.begin() as conn:
        if conn.execute(select(pages.c.seq).where(pages.c.record_id == pending.row["id"]).limit(1)).first() is None:
            _put_pages(conn, pending)


def _put_corrections(store: Any, pending: _Pending) -> None:
    """Editors' decisions go in before the record is saved, which lays them over it."""
    if not pending.corrections:
        return
    with store.engine.begin() as conn:
        for c in pending.corrections:
            conn.execute(delete(corrections).where(
                corrections.c.record_id == c["record_id"], corrections.c.seq == c["seq"],
                corrections.c.kind == c["kind"], corrections.c.key == c["key"]))
            conn.execute(insert(corrections).values(record_id=c["record_id"], seq=c["seq"], kind=c["kind"],
                                                    key=c["key"], value=c["value"], actor=c["actor"], at=_dt(c["at"])))


def _put_events(store: Any, rows: list[dict[str, Any]]) -> None:
    """History from the dump, each event once (importing the same dump again adds none)."""
    if not rows:
        return
    with store.engine.begin() as conn:
        for e in rows:
            at = _dt(e["at"])
            same = conn.execute(select(events.c.id).where(
                events.c.at == at, events.c.actor == e["actor"], events.c.action == e["action"],
                events.c.record_id.is_(None) if e["record_id"] is None else events.c.record_id == e["record_id"],
                events.c.target.is_(None) if e["target"] is None else events.c.target == e["target"]).limit(1)).first()
            if same is None:
                conn.execute(insert(events).values(at=at, actor=e["actor"], action=e["action"], record_id=e["record_id"],
                                                   target=e["target"], old=e["old"], new=e["new"]))


def _put_merge(store: Any, row: dict[str, Any]) -> None:
    with store.engine.begin() as conn:
        conn.execute(delete(entity_merges).where(entity_merges.c.type == row["type"], entity_merges.c.name == row["name"]))
        conn.execute(insert(entity_merges).values(type=row["type"], name=row["name"], into_name=row["into_name"],
                                                  into_authority_id=row.get("into_authority_id"),
                                                  into_en=row.get("into_en"), actor=row["actor"], at=_dt(row["at"])))


def _stricter(a: tuple[str, str | None], b: tuple[str, str | None]) -> tuple[str, str | None]:
    """Of two (visibility, embargo date) pairs, the closed one: restricted if either is,
    under the later embargo if any."""
    visibility = RESTRICTED if RESTRICTED in (a[0], b[0]) else a[0]
    return visibility, max((d for d in (a[1], b[1]) if d), default=None)


def tighten(store: Any, record_id: str, visibility: str, embargo_until: str | None) -> None:
    """A record already stored takes the given access where it is stricter (saving an
    unchanged record writes nothing, and a save never loosens access). Dumps and TEI
    imports both call this after a save that found nothing new."""
    with store.engine.begin() as conn:
        old = conn.execute(select(records.c.visibility, records.c.embargo_until)
                           .where(records.c.id == record_id)).first()
        if old is None:
            return
        vis, until = _stricter((old.visibility, old.embargo_until),
                               (check_visibility(visibility), check_embargo(embargo_until)))
        if (vis, until) != (old.visibility, old.embargo_until):
            conn.execute(update(records).where(records.c.id == record_id).values(visibility=vis, embargo_until=until))


def _put_collection(store: Any, row: dict[str, Any]) -> None:
    """A collection's access from the dump, kept stricter than what is already stored."""
    visibility, until = check_visibility(row["visibility"]), check_embargo(row.get("embargo_until"))
    with store.engine.begin() as conn:
        old = conn.execute(select(collections).where(collections.c.name == row["name"])).mappings().first()
        if old is None:
            conn.execute(insert(collections).values(name=row["name"], visibility=visibility, embargo_until=until,
                                                    updated_at=_dt(row["updated_at"]) or datetime.now(timezone.utc)))
            return
        vis, until = _stricter((old["visibility"], old["embargo_until"]), (visibility, until))
        if (vis, until) != (old["visibility"], old["embargo_until"]):
            conn.execute(update(collections).where(collections.c.name == row["name"])
                         .values(visibility=vis, embargo_until=until, updated_at=datetime.now(timezone.utc)))


def import_jsonl(store: Any, path: str | Path | IO[str]) -> dict[str, int]:
    """Load a dump into `store`; returns how many records were added, updated, unchanged."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    originals_by_sha: dict[str, dict[str, Any]] = {}  # hash -> size and timestamp (bytes are stored)
    pending: _Pending | None = None

    def flush() -> None:
        if pending is None:
            return
        _check_pages(store, pending)
        _put_corrections(store, pending)
        record = pending.to_record(_stored_bytes(store, pending.row))
        # the dump's history is the record's history; a reader's dump has none, so the
        # import starts one
        status = store.save_record(record, history="import" if not pending.events else None)
        _put_events(store, pending.events)
        counts[status] += 1
        if status != "unchanged":
            _restore(store, pending, originals_by_sha)
        else:
            row = pending.row
            tighten(store, row["id"], row["visibility"], row.get("embargo_until"))
            _mend_pages(store, pending)

    for row in _read_rows(path):
        kind = row.get("table")
        if kind == "header":
            if row.get("format") != FORMAT or row.get("version") not in READS:
                raise ValueError(f"not an {FORMAT} file of version {' or '.join(map(str, READS))}")
        elif kind == "original":
            originals_by_sha[row["sha256"]] = _store_bytes(store, row, "original")
        elif kind == "collection":
            if pending is not None:
                raise ValueError("a collection row comes after the records")
            _put_collection(store, row)
        elif kind == "merge":
            if pending is not None:
                raise ValueError("a merge row comes after the records")
            _put_merge(store, row)
        elif kind == "event" and pending is None:
            _put_events(store, [row])
        elif kind == "record":
            flush()
            pending = _Pending(row)
        elif pending is None:
            raise ValueError(f"a {kind} row comes before any record")
        elif kind == "version":
            pending.versions.append(row)
        elif kind == "correction":
            pending.corrections.append(row)
        elif kind == "event":
            pending.events.append(row)
        elif kind == "document":
            pending.docs.append({**row, "layers": [], "values": [], "mentions": []})
        elif kind in ("layer", "value", "mention"):
            pending.docs[-1][kind + "s"].append(row)
        elif kind == "image":
            _store_bytes(store, row, f"{_named(pending.row)}: page image")
        elif kind == "page":
            pending.pages.append(row)
        else:
            raise ValueError(f"unknown row type {kind!r}")
    flush()
    return counts
