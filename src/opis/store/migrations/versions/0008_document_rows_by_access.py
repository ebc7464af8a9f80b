"""SQLite: the per-document full-text rows of records closed to readers (restricted,
deleted, in a restricted collection) move to rowids above `CLOSED`, and triggers on
`records` and `collections` move them when access changes, so a reader's query never
visits them (see `opis.search.sqlite_fts`). Rebuilt here from `paragraphs` (about 15 s
at a million paragraphs). PostgreSQL has nothing to change.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# the per-document layout of revision 0007, as it was (a downgrade puts it back)
_TABLE, _STALE = "paragraph_fts_documents", "paragraph_fts_stale"


def _unindex_0007(doc: str, skip: str = "") -> str:
    return (
        f"INSERT INTO {_TABLE}({_TABLE}, rowid, lemmas, forms, translit) SELECT 'delete', {doc}, "
        f"group_concat(lemmas, ' '), group_concat(forms, ' '), group_concat(translit, ' ') FROM "
        f"(SELECT document_id, lemmas, forms, translit FROM paragraphs WHERE EXISTS (SELECT 1 FROM {_TABLE}_docsize "
        f"WHERE id = {doc}) AND document_id = {doc}{skip} ORDER BY seq) GROUP BY document_id;\n"
        f"        INSERT OR IGNORE INTO {_STALE}(document_id) VALUES ({doc});"
    )


_LAYOUT_0007 = [
    f"""CREATE VIRTUAL TABLE {_TABLE} USING fts5(lemmas, forms, translit, content='',
        tokenize="unicode61 remove_diacritics 0 tokenchars '-'")""",
    f"CREATE TABLE {_STALE} (document_id INTEGER PRIMARY KEY)",
    f"""CREATE TRIGGER paragraphs_docfts_insert AFTER INSERT ON paragraphs BEGIN
        {_unindex_0007("new.document_id", " AND id != new.id")}
    END""",
    f"""CREATE TRIGGER paragraphs_docfts_delete BEFORE DELETE ON paragraphs BEGIN
        {_unindex_0007("old.document_id")}
    END""",
    f"""CREATE TRIGGER paragraphs_docfts_update
        BEFORE UPDATE OF document_id, lemmas, forms, translit ON paragraphs BEGIN
        {_unindex_0007("old.document_id")}
        {_unindex_0007("new.document_id")}
    END""",
    f"""INSERT INTO {_TABLE}(rowid, lemmas, forms, translit)
        SELECT document_id, group_concat(lemmas, ' '), group_concat(forms, ' '), group_concat(translit, ' ')
        FROM (SELECT document_id, lemmas, forms, translit FROM paragraphs ORDER BY document_id, seq)
        GROUP BY document_id""",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from opis.search.sqlite_fts import SqliteFts

        fts = SqliteFts()
        fts.drop_documents(bind)
        fts.install(bind)  # marks every document with paragraphs stale
        fts.sync(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from opis.search.sqlite_fts import SqliteFts

        SqliteFts().drop_documents(bind)
        for sql in _LAYOUT_0007:
            bind.exec_driver_sql(sql)
