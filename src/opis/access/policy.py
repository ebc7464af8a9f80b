"""What a reader may see, as one SQL condition on `records` that every route uses.

A record is shown to a reader (anyone without an editor's rights) only when it is public,
its embargo date (if any) has come, its collection is neither restricted nor under
embargo, and it has not been deleted. Editors and admins see every record that has not
been deleted. Embargo dates are ISO days compared as text, so the rule lifts itself on the
day without anyone touching the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, not_, or_, select

from opis.model import PUBLIC, RESTRICTED, VISIBILITIES
from opis.store.schema import collections, records

READER, EDITOR, ADMIN = "reader", "editor", "admin"
ROLES = (READER, EDITOR, ADMIN)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: an account's name and role, or the anonymous reader."""

    name: str | None = None
    role: str = READER

    @property
    def is_editor(self) -> bool:
        return self.role in (EDITOR, ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def sees_restricted(self) -> bool:
        return self.is_editor


ANONYMOUS = Viewer()


def today() -> str:
    return date.today().isoformat()


def check_embargo(value: str | None) -> str | None:
    """An embargo date as stored (YYYY-MM-DD), or None; ValueError on anything else."""
    if value in (None, ""):
        return None
    value = str(value).strip()
    if not ISO_DAY.fullmatch(value):
        raise ValueError(f"embargo date must be YYYY-MM-DD, not {value!r}")
    date.fromisoformat(value)  # a real day
    return value


def check_visibility(value: str) -> str:
    if value not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    return value


def open_to_readers() -> ColumnElement[bool]:
    """The part of the reader rule that does not depend on the day: public, not deleted,
    in a collection that is not restricted. A full-text index may keep this in its own
    layout (see `opis.search.sqlite_fts`); embargoes, which end by themselves, stay in SQL."""
    return and_(
        records.c.visibility == PUBLIC,
        records.c.deleted_at.is_(None),
        records.c.collection.not_in(select(collections.c.name).where(collections.c.visibility != PUBLIC)),
    )


def under_embargo(on: str | None = None) -> ColumnElement[bool]:
    """The condition on `records` for a record or its collection under embargo on a day:
    the part of the reader rule that changes with the date."""
    day = on or today()
    return or_(
        records.c.embargo_until > day,
        records.c.collection.in_(select(collections.c.name).where(collections.c.embargo_until > day)),
    )


def reader_may_see(on: str | None = None) -> ColumnElement[bool]:
    """The condition on `records` for what an anonymous reader may see (on a given day):
    `open_to_readers` and not `under_embargo`, each part written so that NULL means open."""
    day = on or today()
    return and_(
        open_to_readers(),
        or_(records.c.embargo_until.is_(None), records.c.embargo_until <= day),
        records.c.collection.not_in(select(collections.c.name).where(collections.c.embargo_until > day)),
    )


def visible(include_restricted: bool) -> ColumnElement[bool]:
    """The condition on `records` for what a viewer may see: with `include_restricted`
    (editors, admins, the command line on request) every record not deleted."""
    if include_restricted:
        return records.c.deleted_at.is_(None)
    return reader_may_see()


def hidden(include_restricted: bool) -> ColumnElement[bool]:
    """The opposite of `visible` (no NULL surprises: each part tests NULL itself)."""
    return not_(visible(include_restricted))


def access_of(row: dict, collection_row: dict | None = None, on: str | None = None) -> str:
    """In words, why a record is or is not shown to readers: public, restricted,
    embargoed, deleted (the record's own state first, then its collection's)."""
    day = on or today()
    if row.get("deleted_at") is not None:
        return "deleted"
    if row.get("visibility") == RESTRICTED:
        return RESTRICTED
    if row.get("embargo_until") and row["embargo_until"] > day:
        return "embargoed"
    if collection_row is not None:
        if collection_row.get("visibility") == RESTRICTED:
            return RESTRICTED
        if collection_row.get("embargo_until") and collection_row["embargo_until"] > day:
            return "embargoed"
    return PUBLIC
