"""Writing a record as the store of an older schema revision did, for migration tests:
today's store writes columns those revisions do not have."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert

from opis.model import Record
from opis.store import repository
from opis.store.schema import originals, record_versions, records

# columns added after revision 0003, and which revision added them
LATER_RECORD_COLUMNS = ("embargo_until",)  # 0006
LATER_PARAGRAPH_COLUMNS = ("layer",)  # 0004


def save_as_before_0004(conn, record: Record) -> None:
    now = datetime.now(timezone.utc)
    conn.execute(insert(originals).values(sha256=record.sha256, bytes=record.original,
                                          size=len(record.original), created_at=now))
    row = {k: v for k, v in repository._record_row(record).items() if k not in LATER_RECORD_COLUMNS}
    conn.execute(insert(records).values(id=record.id, created_at=now, updated_at=now, **row))
    conn.execute(insert(record_versions).values(record_id=record.id, sha256=record.sha256, saved_at=now))
    for doc, rows in zip(record.documents, repository.paragraph_rows(record)):
        for r in rows:
            for column in LATER_PARAGRAPH_COLUMNS:
                r.pop(column, None)
        repository._insert_document(conn, record.id, doc, rows, now)
