"""The archive store: saves `Record`s with their original bytes and reads them back.

One record is written in one transaction, so a crash never leaves half of it. A record
keeps its id across versions (the id comes from collection and source name); saving new
bytes under the same id replaces its documents but keeps every original ever saved.
Every reading method hides restricted records unless `include_restricted=True`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import (
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from opis.access.policy import visible  # noqa: F401  (re-exported: the store's readers use it)
from opis.model import (
    READING,
    RESTRICTED,
    VISIBILITIES,
    Document,
    Layer,
    Mention,
    OffsetMap,
    Record,
    Span,
    Value,
)
from opis.review.corrections import accepted_readings, apply_corrections
from opis.search import lemmas as lx
from opis.translate.layers import PREFIX as TRANSLATION_PREFIX
from opis.translate.pairing import fingerprint
from opis.search.backend import SearchBackend, backend_for
from opis.store.schema import (
    documents,
    layers,
    mentions,
    originals,
    paragraphs,
    record_versions,
    records,
    values,
)

ADDED, UNCHANGED, UPDATED = "added", "unchanged", "updated"


def database_url(url_or_path: str | Path) -> str:
    """A plain path means an SQLite file; anything with '://' is an SQLAlchemy URL."""
    s = str(url_or_path)
    if "://" in s:
        return s
    return f"sqlite:///{Path(s).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")  # first, so the next ones wait for a busy file
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def make_engine(url_or_path: str | Path) -> Engine:
    """An engine on the archive database, with SQLite set up as the store expects."""
    engine = create_engine(database_url(url_or_path))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Store:
    """A handle on one archive database; cheap to keep open, safe to share in a process."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.backend: SearchBackend = backend_for(engine.dialect.name)

    @classmethod
    def open(cls, url_or_path: str | Path) -> "Store":
        """Open (creating if need be) the archive at a path or URL, migrated to the newest
        schema revision."""
        store = cls(make_engine(url_or_path))
        try:
            store.create()
        except BaseException:
            store.close()
            raise
        return store

    def create(self) -> None:
        """Bring the database to the newest schema revision: tables and full-text
        structures on a new one, pending migrations on an old one (idempotent)."""
        from opis.store.migrate import upgrade_engine

        upgrade_engine(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -------------------------------------------------------------------------

    def save_record(self, record: Record, *, replace: bool = False,
                    paragraphs_of: list[list[dict[str, Any]]] | None = None,
                    history: str | None = "ingest") -> str:
        """Save a record; returns "added", "unchanged" (same id and bytes: nothing is
        written) or "updated" (new bytes: documents replaced, old bytes kept). With
        `replace`, same bytes still replace the documents: an editor's or a machine
        translation's additions to a stored record. A new or changed record gets a history
        event named `history` ("ingest"), unless it is None (the caller writes its own)."""
        if record.visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}, not {record.visibility!r}")
        rid, sha = record.id, record.sha256
        # paragraphs are analysed before the transaction so the write lock is held briefly;
        # parallel ingest analyses them in its workers and passes them in
        rows = paragraphs_of if paragraphs_of is not None else paragraph_rows(record)
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            outcome = self.save_in(conn, record, rows, replace=replace, now=now)
            if outcome != UNCHANGED and history:  # the record's history starts here (or goes on)
                from opis.review.service import MACHINE, append_event

                action = history if outcome == ADDED or replace else "update"
                new = {"sha256": record.sha256, "documents": len(record.documents)}
                if record.metadata.get("page_images"):  # versions of an HTR record may differ by image only
                    new["page_images"] = record.metadata["page_images"]
                append_event(conn, MACHINE, action, record.id, "source", None, new, at=now)
            return outcome

    def save_in(self, conn: Connection, record: Record, rows: list[list[dict[str, Any]]], *,
                replace: bool = False, now: datetime | None = None) -> str:
        """`save_record` inside a transaction the caller holds (the review service saves
        a record and its history event together). Editors' decisions in the store are laid
        over the record before it is written; its access is never loosened by a save (a
        record an editor restricted stays restricted when its file is ingested again).
        `rows` are `paragraph_rows(record)` as the record stands when passed in; the few
        paragraphs whose accepted OCR readings the decisions change are analysed again."""
        from opis.review.service import follow_moved_decisions, stored_decisions

        rid, sha = record.id, record.sha256
        now = now or datetime.now(timezone.utc)
        old = conn.execute(select(records.c.sha256, records.c.meta, records.c.visibility,
                                  records.c.embargo_until).where(records.c.id == rid)).first()
        old_sha = old.sha256 if old is not None else None
        # same bytes and same translation files beside them: nothing to write
        if (not replace and old is not None
                and fingerprint(old.sha256, old.meta) == fingerprint(sha, record.metadata)):
            return UNCHANGED
        if old is not None:
            if old.visibility == RESTRICTED:
                record.visibility = RESTRICTED
            if old.embargo_until and (record.embargo_until or "") < old.embargo_until:
                record.embargo_until = old.embargo_until
        read_before = [accepted_readings(doc) for doc in record.documents]
        decisions, merges = stored_decisions(conn, record)
        follow_moved_decisions(conn, record, decisions)
        # always: a record read back from the store may carry a decision withdrawn since
        apply_corrections(record, decisions, merges)
        rows = _rows_following_readings(record, rows, read_before)
        prepared = list(zip(record.documents, rows))
        if conn.execute(select(originals.c.sha256).where(originals.c.sha256 == sha)).first() is None:
            conn.execute(
                insert(originals).values(
                    sha256=sha, bytes=record.original, size=len(record.original), created_at=now
                )
            )
        row = _record_row(record)
        if old_sha is None:
            conn.execute(insert(records).values(id=rid, created_at=now, updated_at=now, **row))
        else:
            doc_ids = select(documents.c.id).where(documents.c.record_id == rid)
            # explicit deletes, children first, so no database needs cascade support
            for table in (paragraphs, mentions, values, layers):
                conn.execute(delete(table).where(table.c.document_id.in_(doc_ids)))
            conn.execute(delete(documents).where(documents.c.record_id == rid))
            conn.execute(update(records).where(records.c.id == rid).values(updated_at=now, **row))
        seen = select(record_versions.c.sha256).where(
            record_versions.c.record_id == rid, record_versions.c.sha256 == sha
        )
        if conn.execute(seen).first() is None:  # bytes may come back to an old version
            conn.execute(insert(record_versions).values(record_id=rid, sha256=sha, saved_at=now))
        for doc, para_rows in prepared:
            _insert_document(conn, rid, doc, para_rows, now)
        self.backend.sync(conn)  # full-text rows written whole per document (SQLite)
        # new bytes bring their own pages (or none); a record re-saved with the same bytes
        # and no pages loaded (a translation added, say) keeps the pages it has
        if record.pages or (old_sha is not None and old_sha != sha):
            from opis.scan.store import write_pages  # scans: page rows and images

            write_pages(conn, record, now)
        return ADDED if old_sha is None else UPDATED

    # --- reading -------------------------------------------------------------------------

    def get_record(self, record_id: str, *, include_restricted: bool = False,
                   include_deleted: bool = False) -> Record:
        """The full record, originals included; KeyError if absent or not visible
        (`include_deleted`: also a deleted one, for the editors who may restore it)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(records, originals.c.bytes)
                .join(originals, originals.c.sha256 == records.c.sha256)
                .where(records.c.id == record_id,
                       records.c.id.is_not(None) if include_deleted else visible(include_restricted))
            ).mappings().first()
            if row is None:
                raise KeyError(record_id)
            return _load_record(conn, row)

    def record_ids(self, *, include_restricted: bool = False) -> list[str]:
        with self.engine.connect() as conn:
            q = select(records.c.id).where(visible(include_restricted)).order_by(records.c.id)
            return list(conn.execute(q).scalars())

    def count_records(self, *, include_restricted: bool = False) -> int:
        with self.engine.connect() as conn:
            q = select(func.count()).select_from(records).where(visible(include_restricted))
            return conn.execute(q).scalar_one()

    def count_documents(self, *, include_restricted: bool = False) -> int:
        with self.engine.connect() as conn:
            q = (
                select(func.count())
                .select_from(documents.join(records))
                .where(visible(include_restricted))
            )
            return conn.execute(q).scalar_one()

    def iter_records(self, *, include_restricted: bool = False) -> Iterator[Record]:
        for rid in self.record_ids(include_restricted=include_restricted):
            try:
                yield self.get_record(rid, include_restricted=include_restricted)
            except KeyError:  # deleted or restricted meanwhile
                continue

    def versions(self, record_id: str, *, include_restricted: bool = False) -> list[tuple[str, datetime]]:
        """(sha256, saved_at) of every version of a record's bytes, oldest first."""
        with self.engine.connect() as conn:
            q = (
                select(record_versions.c.sha256, record_versions.c.saved_at)
                .join(records, records.c.id == record_versions.c.record_id)
                .where(record_versions.c.record_id == record_id, visible(include_restricted))
                .order_by(record_versions.c.saved_at, record_versions.c.sha256)
            )
            return [(r.sha256, r.saved_at) for r in conn.execute(q)]

    def get_original(self, sha256: str, *, include_restricted: bool = False) -> bytes:
        """Original bytes by content hash, any version ever saved; KeyError if unknown or
        if only restricted records ever had these bytes."""
        q = (
            select(originals.c.bytes)
            .join(record_versions, record_versions.c.sha256 == originals.c.sha256)
            .join(records, records.c.id == record_versions.c.record_id)
            .where(originals.c.sha256 == sha256, visible(include_restricted))
            .limit(1)
        )
        with self.engine.connect() as conn:
            data = conn.execute(q).scalar()
        if data is None:
            raise KeyError(sha256)
        return bytes(data)


# --- rows from the model ---------------------------------------------------------------

def _record_row(record: Record) -> dict[str, Any]:
    return {
        "source_name": record.source_name,
        "source_path": record.source_path,
        "collection": record.collection,
        "format": record.format,
        "encoding": record.encoding,
        "sha256": record.sha256,
        "text": record.text,
        "meta": record.metadata,
        "visibility": record.visibility,
        "embargo_until": record.embargo_until,
        "warnings": list(record.warnings),
    }


def facet_columns(doc: Document) -> dict[str, Any]:
    """Values copied into `documents` for filtering and sorting (a human correction wins,
    as in `Document.first`)."""

    def text_of(field: str) -> str | None:
        v = doc.first(field)
        return v.value if v is not None and isinstance(v.value, str) else None

    date = date_precision = None
    if (v := doc.first("date")) is not None:
        if isinstance(v.value, dict):
            date, date_precision = v.value.get("iso"), v.value.get("precision")
        elif isinstance(v.value, str):
            date = v.value
        if date and not date_precision:
            date_precision = {4: "year", 7: "month", 10: "day"}.get(len(date))
    return {
        "language": doc.language,  # kept exact so the round trip gives the same Document
        "title_en": text_of("title_en"),
        "title_ru": text_of("title_ru"),
        "date": date,
        "date_precision": date_precision,
        "doc_type": text_of("doc_type"),
        "classification": text_of("classification"),
    }


def paragraph_rows(record: Record) -> list[list[dict[str, Any]]]:
    """The analysed search paragraphs of every document of a record (what `save_record`
    needs; the costly part, so parallel ingest computes it in its workers)."""
    return [_paragraph_rows(doc) for doc in record.documents]


def _paragraph_rows(doc: Document) -> list[dict[str, Any]]:
    """Search paragraphs of the reading layer, then of each translation layer; `seq` runs
    on through the translations (it keys the full-text index per document), `layer` says
    which text a paragraph is of, and `start`/`end` are offsets into that layer. Readings
    an editor accepted for OCR suspects are indexed in place of the words written."""
    rows = []
    texts = [doc.reading] + [layer for layer in doc.extra_layers if layer.name.startswith(TRANSLATION_PREFIX)]
    readings = accepted_readings(doc)
    for layer in texts:
        text = layer.text
        for start, end in lx.paragraphs(text):
            rows.append({"seq": len(rows), **_analysed(text, start, end, readings if layer is doc.reading else {})})
            if len(texts) > 1:  # else the column's default says it (and schemas before 0004 still take the rows)
                rows[-1]["layer"] = layer.name
    return rows


def _analysed(text: str, start: int, end: int, readings: dict[tuple[int, int], str]) -> dict[str, Any]:
    """The indexed columns of the paragraph [start, end) of `text`, with the accepted
    readings (offsets into `text`) that fall in it."""
    inside = [(a - start, b - start, r) for (a, b), r in readings.items() if a < end and b > start]
    cols = lx.index_columns(text[start:end], inside)
    return {"start": start, "end": end, "text": text[start:end],
            "lemmas": cols.lemmas, "forms": cols.forms, "translit": cols.translit}


def _rows_following_readings(record: Record, rows: list[list[dict[str, Any]]],
                             before: list[dict[tuple[int, int], str]]) -> list[list[dict[str, Any]]]:
    """`rows` analysed when the record's accepted readings were `before` (in an ingest
    worker, which knows no decisions, or before an editor's decision was stored), brought
    up to the readings it has now: only the reading-layer paragraphs a changed reading
    falls in are analysed again (none, for a record without decisions)."""
    out = []
    for doc, doc_rows, old in zip(record.documents, rows, before):
        new = accepted_readings(doc)
        changed = [k for k in old.keys() | new.keys() if old.get(k) != new.get(k)]
        if changed:
            text = doc.reading.text
            doc_rows = [
                {**row, **_analysed(text, row["start"], row["end"], new)}
                if row.get("layer", READING) == READING and any(a < row["end"] and b > row["start"] for a, b in changed)
                else row
                for row in doc_rows
            ]
        out.append(doc_rows)
    return out


def _insert_document(
    conn: Connection, rid: str, doc: Document, para_rows: list[dict[str, Any]], now: datetime
) -> None:
    doc_id = conn.execute(
        insert(documents)
        .values(
            record_id=rid,
            seq=doc.seq,
            source_start=doc.source_start,
            source_end=doc.source_end,
            **facet_columns(doc),
        )
        .returning(documents.c.id)
    ).scalar_one()
    all_layers = [doc.diplomatic, doc.reading, *doc.extra_layers]
    conn.execute(
        insert(layers),
        [
            {
                "document_id": doc_id,
                "position": pos,
                "name": layer.name,
                "parent": layer.parent,
                "language": layer.language,
                "text": layer.text,
                "offset_map": layer.to_parent.to_json(),
                "spans": [s.to_json() for s in layer.spans],
            }
            for pos, layer in enumerate(all_layers)
        ],
    )
    if doc.values:
        conn.execute(
            insert(values), [{"document_id": doc_id, "created_at": now, **v.to_json()} for v in doc.values]
        )
    if doc.mentions:
        conn.execute(insert(mentions), [{"document_id": doc_id, **m.to_json()} for m in doc.mentions])
    if para_rows:
        conn.execute(insert(paragraphs), [{"document_id": doc_id, **r} for r in para_rows])


# --- the model from rows ---------------------------------------------------------------

def _load_record(conn: Connection, row: Any) -> Record:
    record = Record(
        source_name=row["source_name"],
        original=bytes(row["bytes"]),
        encoding=row["encoding"],
        format=row["format"],
        text=row["text"],
        metadata=row["meta"],
        warnings=list(row["warnings"]),
        visibility=row["visibility"],
        collection=row["collection"],
        source_path=row["source_path"],
        embargo_until=row.get("embargo_until"),
    )
    doc_rows = conn.execute(
        select(documents).where(documents.c.record_id == row["id"]).order_by(documents.c.seq)
    ).mappings().all()
    ids = [d["id"] for d in doc_rows]
    by_doc: dict[int, dict[str, list[Any]]] = {i: {"layers": [], "values": [], "mentions": []} for i in ids}
    if ids:
        for lr in conn.execute(
            select(layers).where(layers.c.document_id.in_(ids)).order_by(layers.c.position)
        ).mappings():
            by_doc[lr["document_id"]]["layers"].append(
                Layer(
                    name=lr["name"],
                    text=lr["text"],
                    spans=[Span.from_json(s) for s in lr["spans"]],
                    parent=lr["parent"],
                    to_parent=OffsetMap.from_json(lr["offset_map"]),
                    language=lr["language"],
                )
            )
        value_keys = [c.key for c in values.c if c.key not in ("id", "document_id", "created_at")]
        for vr in conn.execute(select(values).where(values.c.document_id.in_(ids)).order_by(values.c.id)).mappings():
            by_doc[vr["document_id"]]["values"].append(Value(**{k: vr[k] for k in value_keys}))
        mention_keys = [c.key for c in mentions.c if c.key not in ("id", "document_id")]
        for mr in conn.execute(
            select(mentions).where(mentions.c.document_id.in_(ids)).order_by(mentions.c.id)
        ).mappings():
            by_doc[mr["document_id"]]["mentions"].append(Mention(**{k: mr[k] for k in mention_keys}))
    for d in doc_rows:
        parts = by_doc[d["id"]]
        lays = parts["layers"]
        record.documents.append(
            Document(
                seq=d["seq"],
                source_start=d["source_start"],
                source_end=d["source_end"],
                diplomatic=lays[0],
                reading=lays[1],
                language=d["language"],
                values=parts["values"],
                mentions=parts["mentions"],
                extra_layers=lays[2:],
            )
        )
    return record


