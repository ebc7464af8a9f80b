"""Read-only SQL the pages need beyond the store and the search engine.

Everything here filters through `opis.store.repository.visible`, so a restricted record
never reaches a page by way of a count, a neighbour or a co-occurring name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.engine import Engine

from opis.store.repository import visible
from opis.store.schema import documents, mentions, records

_VISIBLE_DOCS = documents.join(records, records.c.id == documents.c.record_id)


def slug(name: str) -> str:
    """A URL-safe id for a name with no authority id: lowercase words joined by '-',
    letters of any script kept (so "Ким Ир Сен" → "ким-ир-сен")."""
    name = unicodedata.normalize("NFC", name).lower().replace("ё", "е")
    return re.sub(r"[^\w]+", "-", name).strip("-_") or "-"


def entity_id(authority_id: str | None, name: str) -> str:
    return authority_id or slug(name)


@dataclass(slots=True)
class DocRow:
    """What a list of documents shows: enough for a link, a title and a date."""

    record_id: str
    seq: int
    title: str
    date: str | None
    date_precision: str | None
    doc_type: str | None
    source_name: str
    count: int = 0  # e.g. people shared with another document

    def to_json(self) -> dict[str, Any]:
        d = {"record_id": self.record_id, "seq": self.seq, "title": self.title, "date": self.date,
             "doc_type": self.doc_type, "source_name": self.source_name}
        if self.count:
            d["shared"] = self.count
        return d


def _doc_row(r: Any, count: int = 0) -> DocRow:
    meta = r.meta or {}
    record_title = meta.get("title") if isinstance(meta.get("title"), str) else None
    title = r.title_en or r.title_ru or record_title or r.source_name
    return DocRow(r.record_id, r.seq, title, r.date, r.date_precision, r.doc_type, r.source_name, count)


_DOC_COLS = (documents.c.id, documents.c.record_id, documents.c.seq, documents.c.title_en,
             documents.c.title_ru, documents.c.date, documents.c.date_precision,
             documents.c.doc_type, records.c.source_name, records.c.meta)


# --- home ------------------------------------------------------------------------------

def collections(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(records.c.collection, func.count(func.distinct(records.c.id)), func.count(documents.c.id))
            .select_from(_VISIBLE_DOCS)
            .where(visible(False))
            .group_by(records.c.collection)
            .order_by(records.c.collection)
        ).all()
    return [{"name": c, "records": r, "documents": d} for c, r, d in rows]


def documents_per_year(engine: Engine) -> list[tuple[int, int]]:
    """(year, documents) for every year from the first dated document to the last,
    zero years included so a chart shows the gaps."""
    year = func.substr(documents.c.date, 1, 4)
    with engine.connect() as conn:
        rows = conn.execute(
            select(year, func.count())
            .select_from(_VISIBLE_DOCS)
            .where(visible(False), documents.c.date.is_not(None))
            .group_by(year)
        ).all()
    counts = {int(y): n for y, n in rows if y and y.isdigit()}
    if not counts:
        return []
    return [(y, counts.get(y, 0)) for y in range(min(counts), max(counts) + 1)]


def recent_documents(engine: Engine, limit: int = 8) -> list[DocRow]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(*_DOC_COLS)
            .select_from(_VISIBLE_DOCS)
            .where(visible(False))
            .order_by(records.c.updated_at.desc(), records.c.id, documents.c.seq)
            .limit(limit)
        ).all()
    return [_doc_row(r) for r in rows]


# --- document pages --------------------------------------------------------------------

def neighbours(engine: Engine, record_id: str, seq: int, date: str | None) -> tuple[DocRow | None, DocRow | None]:
    """The visible documents just before and after this one in date order (ties broken
    by record id and number); undated documents have no neighbours."""
    if not date:
        return None, None
    key = tuple_(documents.c.date, documents.c.record_id, documents.c.seq)
    me = tuple_(date, record_id, seq)
    base = select(*_DOC_COLS).select_from(_VISIBLE_DOCS).where(visible(False), documents.c.date.is_not(None))
    with engine.connect() as conn:
        prev = conn.execute(
            base.where(key < me).order_by(documents.c.date.desc(), documents.c.record_id.desc(),
                                          documents.c.seq.desc()).limit(1)
        ).first()
        nxt = conn.execute(
            base.where(key > me).order_by(documents.c.date, documents.c.record_id, documents.c.seq).limit(1)
        ).first()
    return (_doc_row(prev) if prev else None, _doc_row(nxt) if nxt else None)


def _person_key():
    return func.coalesce(mentions.c.authority_id, mentions.c.name)


def related_documents(engine: Engine, record_id: str, seq: int, limit: int = 6) -> list[DocRow]:
    """Other visible documents naming the most of this document's people."""
    with engine.connect() as conn:
        doc_id = conn.execute(
            select(documents.c.id).where(documents.c.record_id == record_id, documents.c.seq == seq)
        ).scalar()
        if doc_id is None:
            return []
        people = select(_person_key()).where(mentions.c.document_id == doc_id, mentions.c.type == "PER")
        shared = (
            select(mentions.c.document_id, func.count(func.distinct(_person_key())).label("n"))
            .where(mentions.c.type == "PER", _person_key().in_(people), mentions.c.document_id != doc_id)
            .group_by(mentions.c.document_id)
            .subquery()
        )
        rows = conn.execute(
            select(*_DOC_COLS, shared.c.n)
            .select_from(_VISIBLE_DOCS.join(shared, shared.c.document_id == documents.c.id))
            .where(visible(False))
            .order_by(shared.c.n.desc(), documents.c.date, documents.c.record_id, documents.c.seq)
            .limit(limit)
        ).all()
    return [_doc_row(r, r.n) for r in rows]


def document_titles(engine: Engine, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(record id, seq) → the title a document page shows (its own before its record's)."""
    keys = list(keys)
    if not keys:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(*_DOC_COLS).select_from(_VISIBLE_DOCS)
            .where(visible(False), tuple_(documents.c.record_id, documents.c.seq).in_(keys))
        ).all()
    return {(r.record_id, r.seq): _doc_row(r).title for r in rows}


def english_names(engine: Engine, names: Iterable[str]) -> dict[str, str]:
    """Canonical name → the English name some visible mention gives it (for facet labels;
    a hidden record's spelling of a name is not shown)."""
    names = list(set(names))
    if not names:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(mentions.c.name, func.max(mentions.c.name_en))
            .select_from(mentions.join(documents, documents.c.id == mentions.c.document_id)
                         .join(records, records.c.id == documents.c.record_id))
            .where(mentions.c.name.in_(names), mentions.c.name_en.is_not(None), visible(False))
            .group_by(mentions.c.name)
        ).all()
    return {n: e for n, e in rows if e}


# --- entities --------------------------------------------------------------------------

@dataclass(slots=True)
class Entity:
    id: str
    type: str
    name: str  # canonical
    name_en: str | None
    authority_id: str | None
    names: list[str] = field(default_factory=list)  # canonical names used
    variants: list[tuple[str, int]] = field(default_factory=list)  # as written, count
    documents: list[DocRow] = field(default_factory=list)
    per_year: list[tuple[int, int]] = field(default_factory=list)
    together: list[dict[str, Any]] = field(default_factory=list)  # co-occurring people


def _entity_condition(conn, key: str):
    """Mentions of the entity `key` names: by authority id, else by slug of the name."""
    if conn.execute(select(mentions.c.id).where(mentions.c.authority_id == key).limit(1)).first():
        return mentions.c.authority_id == key
    names = [n for (n,) in conn.execute(
        select(mentions.c.name).where(mentions.c.authority_id.is_(None)).distinct()
    ) if slug(n) == key]
    if not names:
        return None
    return and_(mentions.c.authority_id.is_(None), mentions.c.name.in_(names))


def entity(engine: Engine, key: str, together_limit: int = 12) -> Entity | None:
    """An entity with its names, visible documents over time and frequent companions;
    None when no visible document names it."""
    with engine.connect() as conn:
        cond = _entity_condition(conn, key)
        if cond is None:
            return None
        rows = conn.execute(
            select(mentions.c.document_id, mentions.c.type, mentions.c.name, mentions.c.name_en,
                   mentions.c.authority_id, mentions.c.as_written)
            .select_from(mentions.join(documents, documents.c.id == mentions.c.document_id)
                         .join(records, records.c.id == documents.c.record_id))
            .where(cond, visible(False))
        ).all()
        if not rows:
            return None
        doc_ids = sorted({r.document_id for r in rows})
        types = Counter(r.type for r in rows)
        names = Counter(r.name for r in rows)
        name_en = Counter(r.name_en for r in rows if r.name_en)
        variants = Counter(r.as_written.strip() for r in rows if r.as_written.strip())
        docs = conn.execute(
            select(*_DOC_COLS).select_from(_VISIBLE_DOCS)
            .where(documents.c.id.in_(doc_ids))
            .order_by(documents.c.date.is_(None), documents.c.date, documents.c.record_id, documents.c.seq)
        ).all()
        others = conn.execute(
            select(mentions.c.document_id, mentions.c.name, mentions.c.name_en, mentions.c.authority_id)
            .where(mentions.c.document_id.in_(doc_ids), mentions.c.type == "PER")
        ).all()
    ent_ids = {entity_id(r.authority_id, r.name) for r in rows}
    together: dict[str, dict[str, Any]] = {}
    seen: defaultdict[str, set[int]] = defaultdict(set)
    for o in others:
        oid = entity_id(o.authority_id, o.name)
        if oid in ent_ids:
            continue
        seen[oid].add(o.document_id)
        t = together.setdefault(oid, {"id": oid, "name": o.name, "name_en": o.name_en})
        t["name_en"] = t["name_en"] or o.name_en
    for oid, t in together.items():
        t["documents"] = len(seen[oid])
    top = sorted(together.values(), key=lambda t: (-t["documents"], t["name"]))[:together_limit]
    doc_rows = [_doc_row(d) for d in docs]
    years = Counter(int(d.date[:4]) for d in doc_rows if d.date and d.date[:4].isdigit())
    per_year = [(y, years.get(y, 0)) for y in range(min(years), max(years) + 1)] if years else []
    first = rows[0]
    return Entity(
        id=key,
        type=types.most_common(1)[0][0],
        name=names.most_common(1)[0][0],
        name_en=name_en.most_common(1)[0][0] if name_en else None,
        authority_id=first.authority_id,
        names=[n for n, _ in names.most_common()],
        variants=sorted(variants.items(), key=lambda kv: (-kv[1], kv[0])),
        documents=doc_rows,
        per_year=per_year,
        together=top,
    )


def entity_index(engine: Engine, limit: int = 300) -> list[dict[str, Any]]:
    """Named entities by how many visible documents name them."""
    key = _person_key()
    with engine.connect() as conn:
        rows = conn.execute(
            select(mentions.c.type, key.label("key"), func.max(mentions.c.name), func.max(mentions.c.name_en),
                   func.max(mentions.c.authority_id), func.count(func.distinct(mentions.c.document_id)).label("n"))
            .select_from(mentions.join(documents, documents.c.id == mentions.c.document_id)
                         .join(records, records.c.id == documents.c.record_id))
            .where(visible(False))
            .group_by(mentions.c.type, key)
            .order_by(func.count(func.distinct(mentions.c.document_id)).desc(), key)
            .limit(limit)
        ).all()
    return [{"id": entity_id(aid, name), "type": t, "name": name, "name_en": en, "documents": n}
            for t, _k, name, en, aid, n in rows]
