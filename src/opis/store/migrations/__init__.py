"""Alembic environment and revisions of the archive schema (run through `opis.store.migrate`)."""
