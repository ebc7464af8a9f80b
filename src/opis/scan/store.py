"""Pages in the archive: rows of the `pages` table, images in `originals` by sha256.

Written by `Store.save_record` in the record's own transaction, so a record's pages are
replaced whenever its bytes are, and never half-written. Every reader here hides restricted records unless asked, as the
store does; page images are found only through their page, so an anonymous reader cannot
reach a restricted record's images by hash.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, insert, select

from opis.model import Page, Record, Zone
from opis.store.repository import visible
from opis.store.schema import originals, pages, records


def write_pages(conn, record: Record, now: datetime) -> None:
    """Replace a record's pages inside the caller's transaction (`Store.save_record`
    calls this, so a record and its pages are written together or not at all)."""
    conn.execute(delete(pages).where(pages.c.record_id == record.id))
    for page in record.pages:
        sha = None
        if page.image:
            sha = page.image_sha256
            if conn.execute(select(originals.c.sha256).where(originals.c.sha256 == sha)).first() is None:
                conn.execute(insert(originals).values(sha256=sha, bytes=page.image, size=len(page.image),
                                                      created_at=now))
        conn.execute(insert(pages).values(
            record_id=record.id, seq=page.seq, start=page.start, end=page.end, width=page.width,
            height=page.height, image_sha256=sha, media_type=page.media_type or "", method=page.method,
            language=page.language, label=page.label, zones=[z.to_json() for z in page.zones]))


def save_pages(store, record: Record) -> None:
    """Replace a record's pages in a transaction of their own."""
    with store.engine.begin() as conn:
        write_pages(conn, record, datetime.now(timezone.utc))


def load_pages(store, record_id: str, *, include_restricted: bool = False,
               with_images: bool = False) -> list[Page]:
    """The pages of a visible record, in order ([] for transcriptions)."""
    cols = [pages, originals.c.bytes] if with_images else [pages]
    q = select(*cols).join(records, records.c.id == pages.c.record_id)
    if with_images:
        q = q.outerjoin(originals, originals.c.sha256 == pages.c.image_sha256)
    q = q.where(pages.c.record_id == record_id, visible(include_restricted)).order_by(pages.c.seq)
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return [Page(seq=r["seq"], start=r["start"], end=r["end"], width=r["width"], height=r["height"],
                 image=bytes(r["bytes"]) if with_images and r["bytes"] is not None else b"",
                 media_type=r["media_type"], method=r["method"], language=r["language"], label=r["label"],
                 zones=[Zone.from_json(z) for z in r["zones"]]) for r in rows]


def page_image(store, record_id: str, seq: int, *, include_restricted: bool = False) -> tuple[bytes, str]:
    """(bytes, media type) of one page's image; KeyError if absent or not visible."""
    q = (select(originals.c.bytes, pages.c.media_type)
         .join(pages, pages.c.image_sha256 == originals.c.sha256)
         .join(records, records.c.id == pages.c.record_id)
         .where(pages.c.record_id == record_id, pages.c.seq == seq, visible(include_restricted)))
    with store.engine.connect() as conn:
        row = conn.execute(q).first()
    if row is None:
        raise KeyError((record_id, seq))
    return bytes(row[0]), row[1]
